package dev.wirelab.engine.allowedips;

/**
 * A path-compressed binary trie over the bits of one address family, as the kernel's
 * allowedips.c: each node holds a whole prefix, so a lookup visits only nodes where the stored
 * prefixes branch (at most 33 for IPv4, 129 for IPv6; about log2(n) for n random prefixes), and
 * it tests a node's whole prefix with one xor and one leading-zero count.
 *
 * <p>Shape invariants (a test walks them): a child's prefix extends its parent's, and bit
 * {@code parent.cidr} of the child's key says which side it hangs on; a node without a peer has
 * two children; every key has its host bits zero.
 */
final class Trie<P> {
    /** 32 or 128. */
    final int addressBits;
    final boolean ipv6;
    Node<P> root;
    int nodeCount;

    Trie(boolean ipv6) {
        this.ipv6 = ipv6;
        this.addressBits = ipv6 ? Prefix.IPV6_BITS : Prefix.IPV4_BITS;
    }

    /** How many leading bits {@code node}'s key and the given key have in common (up to 128). */
    static int commonBits(Node<?> node, long high, long low) {
        long x = node.high ^ high;
        return x != 0 ? Long.numberOfLeadingZeros(x) : Long.SIZE + Long.numberOfLeadingZeros(node.low ^ low);
    }

    /** Bit {@code index} (0 is the most significant) of the key. */
    static boolean bit(long high, long low, int index) {
        // A long shift uses only the count's low six bits: index 64..127 shifts low by index - 64.
        return ((index < Long.SIZE ? high : low) << index) < 0;
    }

    /** The child on the side of the given key, below {@code node}. */
    static <P> Node<P> next(Node<P> node, long high, long low) {
        return bit(high, low, node.cidr) ? node.child1 : node.child0;
    }

    /** The peer of the longest prefix that holds the address, or null. Allocates nothing. */
    P find(long high, long low) {
        Node<P> node = root;
        P found = null;
        while (node != null && commonBits(node, high, low) >= node.cidr) {
            if (node.peer != null) {
                found = node.peer;
            }
            if (node.cidr == addressBits) {
                break;
            }
            node = next(node, high, low);
        }
        return found;
    }

    /**
     * {@link #find} for IPv4: the key is the top 32 bits of {@code high}. One word to compare, and
     * no bit index past 31, so no branch on which word holds it.
     */
    P findIpv4(long high) {
        Node<P> node = root;
        P found = null;
        while (node != null) {
            int cidr = node.cidr;
            if (Long.numberOfLeadingZeros(node.high ^ high) < cidr) {
                break;
            }
            if (node.peer != null) {
                found = node.peer;
            }
            if (cidr == Prefix.IPV4_BITS) {
                break;
            }
            node = (high << cidr) < 0 ? node.child1 : node.child0;
        }
        return found;
    }

    /** The node whose prefix is exactly this key and cidr (with or without a peer), or null. */
    Node<P> exact(long high, long low, int cidr) {
        Node<P> node = root;
        while (node != null && node.cidr <= cidr && commonBits(node, high, low) >= node.cidr) {
            if (node.cidr == cidr) {
                return node;
            }
            node = next(node, high, low);
        }
        return null;
    }

    /**
     * Adds a node for a prefix that has none yet ({@link #exact} returned null) and returns it,
     * without a peer: the caller gives it one at once. Makes at most one branch node besides.
     */
    Node<P> add(long high, long low, int cidr) {
        Node<P> fresh = newNode(high, low, cidr);
        if (root == null) {
            root = fresh;
            return fresh;
        }
        // Walk down while the nodes are proper prefixes of the new one; `down` is then the node (or
        // empty slot) that the new one must go above, beside, or into.
        Node<P> parent = null;
        Node<P> down = root;
        while (down != null && down.cidr < cidr && commonBits(down, high, low) >= down.cidr) {
            parent = down;
            down = next(down, high, low);
        }
        if (down == null) {
            attach(parent, fresh);
            return fresh;
        }
        int common = Math.min(cidr, commonBits(down, high, low));
        if (common == cidr) {
            // The new prefix holds down's: it goes in between.
            attach(fresh, down);
            replace(parent, fresh);
            return fresh;
        }
        // They part at bit `common`: a branch node there, with the two on either side.
        Node<P> branch = newNode(mask(high, common, 0), mask(low, common, Long.SIZE), common);
        attach(branch, down);
        attach(branch, fresh);
        replace(parent, branch);
        return fresh;
    }

    /**
     * Restores the shape after {@code node} lost its peer: a node with fewer than two children
     * goes, and so does a branch node it leaves with one child.
     */
    void prune(Node<P> node) {
        if (node.child0 != null && node.child1 != null) {
            return; // still where two prefixes part: it stays as a branch node
        }
        Node<P> child = node.child0 != null ? node.child0 : node.child1;
        Node<P> parent = node.parent;
        splice(node, child);
        if (child == null && parent != null && parent.peer == null) {
            splice(parent, parent.child0 != null ? parent.child0 : parent.child1);
        }
    }

    /** Drops every node. */
    void clear() {
        root = null;
        nodeCount = 0;
    }

    private Node<P> newNode(long high, long low, int cidr) {
        nodeCount++;
        return new Node<>(high, low, cidr, ipv6);
    }

    /** Hangs {@code child} below {@code parent}, on the side bit {@code parent.cidr} of its key says. */
    private static <P> void attach(Node<P> parent, Node<P> child) {
        if (bit(child.high, child.low, parent.cidr)) {
            parent.child1 = child;
        } else {
            parent.child0 = child;
        }
        child.parent = parent;
    }

    /** Puts {@code node} where the walk ended below {@code parent} (or at the root). */
    private void replace(Node<P> parent, Node<P> node) {
        if (parent == null) {
            root = node;
            node.parent = null;
        } else {
            attach(parent, node);
        }
    }

    /** Takes {@code node} out, putting {@code child} (may be null) in its place. */
    private void splice(Node<P> node, Node<P> child) {
        Node<P> parent = node.parent;
        if (parent == null) {
            root = child;
        } else if (parent.child0 == node) {
            parent.child0 = child;
        } else {
            parent.child1 = child;
        }
        if (child != null) {
            child.parent = parent;
        }
        // Unlinked nodes hold nothing alive: a stale reference to one can keep no peer or subtree.
        node.parent = null;
        node.child0 = null;
        node.child1 = null;
        nodeCount--;
    }

    /** The word with only its first {@code cidr - offset} bits kept (the word starts at bit {@code offset}). */
    static long mask(long word, int cidr, int offset) {
        int keep = cidr - offset;
        if (keep <= 0) {
            return 0;
        }
        return keep >= Long.SIZE ? word : word & (-1L << (Long.SIZE - keep));
    }
}
