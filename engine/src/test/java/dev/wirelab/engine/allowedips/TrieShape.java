package dev.wirelab.engine.allowedips;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Walks both tries of a table and fails, naming {@code where}, when the shape is wrong: a child
 * that does not extend its parent's prefix or hangs on the wrong side, a wrong parent link, host
 * bits in a key, a branch node (no peer) without two children, node or prefix counts that
 * disagree with the table's, more than two nodes per prefix; a jump table that is there when it
 * should not be or the other way round, or any entry of it that differs from a walk from the root.
 */
final class TrieShape {
    private TrieShape() {}

    static void check(AllowedIps<?> table, String where) {
        int owned = check(table.ipv4, where) + check(table.ipv6, where);
        if (owned != table.size()) {
            throw new AssertionError(where + ": " + owned + " nodes have a peer, size() is " + table.size());
        }
        if (table.nodeCount() > 2 * table.size()) {
            throw new AssertionError(where + ": " + table.nodeCount() + " nodes for " + table.size() + " prefixes");
        }
    }

    /** Returns how many nodes of the trie have a peer. */
    private static <P> int check(Trie<P> trie, String where) {
        if (trie.root != null && trie.root.parent != null) {
            throw new AssertionError(where + ": the root has a parent");
        }
        int nodes = 0;
        int owned = 0;
        Deque<Node<P>> stack = new ArrayDeque<>();
        if (trie.root != null) {
            stack.push(trie.root);
        }
        while (!stack.isEmpty()) {
            Node<P> node = stack.pop();
            nodes++;
            String at = where + ": node " + node.prefix() + (node.peer == null ? " (branch)" : " of " + node.peer);
            if (node.ipv6 != trie.ipv6 || node.cidr < 0 || node.cidr > trie.addressBits) {
                throw new AssertionError(at + ": wrong family or cidr for this trie");
            }
            if (Trie.mask(node.high, node.cidr, 0) != node.high || Trie.mask(node.low, node.cidr, Long.SIZE) != node.low) {
                throw new AssertionError(at + ": host bits set in the key");
            }
            if (node.peer != null) {
                owned++;
            } else if (node.child0 == null || node.child1 == null) {
                throw new AssertionError(at + ": a branch node needs two children");
            } else if (node.previousOfPeer != null || node.nextOfPeer != null) {
                throw new AssertionError(at + ": a node without a peer is on a peer's list");
            }
            checkChild(node, node.child0, false, at);
            checkChild(node, node.child1, true, at);
            if (node.child0 != null) {
                stack.push(node.child0);
            }
            if (node.child1 != null) {
                stack.push(node.child1);
            }
        }
        if (nodes != trie.nodeCount) {
            throw new AssertionError(where + ": " + nodes + " nodes reachable, nodeCount is " + trie.nodeCount);
        }
        checkJump(trie, where);
        return owned;
    }

    /**
     * The jump table exists from jumpNodesMin nodes on and not below a quarter of it (between, it
     * depends on the way there); each entry is what a walk from the root over the chunk's bits
     * gives: the first node of cidr 16 or more, and the last peer of a matching node above it.
     */
    private static <P> void checkJump(Trie<P> trie, String where) {
        if (trie.nodeCount >= trie.jumpNodesMin && trie.jump == null) {
            throw new AssertionError(where + ": " + trie.nodeCount + " nodes and no jump table");
        }
        if (trie.nodeCount < trie.jumpNodesMin / 4 && trie.jump != null) {
            throw new AssertionError(where + ": " + trie.nodeCount + " nodes and a jump table");
        }
        if (trie.jump == null) {
            return;
        }
        for (int chunk = 0; chunk < 1 << Trie.JUMP_BITS; chunk++) {
            long high = (long) chunk << (Long.SIZE - Trie.JUMP_BITS);
            Node<P> node = trie.root;
            P found = null;
            while (node != null && node.cidr < Trie.JUMP_BITS) {
                boolean matches = true;
                for (int bit = 0; bit < node.cidr; bit++) {
                    matches &= Trie.bit(high, 0, bit) == Trie.bit(node.high, node.low, bit);
                }
                if (!matches) {
                    node = null;
                    break;
                }
                if (node.peer != null) {
                    found = node.peer;
                }
                node = Trie.bit(high, 0, node.cidr) ? node.child1 : node.child0;
            }
            if (trie.jump[2 * chunk] != node || trie.jump[2 * chunk + 1] != found) {
                throw new AssertionError(where + ": jump entry of chunk " + Integer.toHexString(chunk) + " is ("
                        + describe(trie.jump[2 * chunk]) + ", " + trie.jump[2 * chunk + 1] + "), a walk gives ("
                        + describe(node) + ", " + found + ")");
            }
        }
    }

    private static String describe(Object node) {
        return node == null ? "null" : ((Node<?>) node).prefix().toString();
    }

    private static <P> void checkChild(Node<P> node, Node<P> child, boolean side, String at) {
        if (child == null) {
            return;
        }
        if (child.parent != node) {
            throw new AssertionError(at + ": child " + child.prefix() + " has another parent");
        }
        if (child.cidr <= node.cidr || Trie.commonBits(child, node.high, node.low) < node.cidr) {
            throw new AssertionError(at + ": child " + child.prefix() + " does not extend it");
        }
        if (Trie.bit(child.high, child.low, node.cidr) != side) {
            throw new AssertionError(at + ": child " + child.prefix() + " on the wrong side");
        }
    }
}
