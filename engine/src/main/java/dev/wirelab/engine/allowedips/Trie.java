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
 *
 * <p>The jump table (not in the kernel): in a big table each of those nodes is a cache miss, about
 * 17 of them for 100,000 random prefixes. So once the trie has {@code jumpNodesMin} nodes, an
 * array indexed by the first {@link #JUMP_BITS} bits of the address says, for each such chunk,
 * where the walk from the root would be after all nodes of cidr below 16 (the first node of cidr
 * 16 or more on its path, or null) and the peer found on the way. A lookup starts there: the
 * same answer, with the nodes above skipped. Each change to the trie refreshes the chunks it
 * can alter (so the table stays exactly what a rebuild would make): a new or removed node, those
 * below its slot; a node whose peer alone changed, those inside its prefix when it is shorter
 * than 16 bits. That is 2^(16 - d) entries for a change at depth d bits, at most 65,536 (131,072
 * reference writes) for a change at the root, none below 16 bits: a cost only changes near the top
 * of the trie pay, and only while the table has its jump table. The table goes away again below
 * a quarter of {@code jumpNodesMin} nodes. Memory: 2^16 pairs of references, 512 KiB with
 * compressed oops, per family that has one.
 */
final class Trie<P> {
    /** How many leading address bits index the jump table. */
    static final int JUMP_BITS = 16;
    private static final int JUMP_CHUNKS = 1 << JUMP_BITS;

    /** 32 or 128. */
    final int addressBits;
    final boolean ipv6;
    /** The trie gets a jump table at this many nodes, and loses it below a quarter of it. */
    final int jumpNodesMin;
    Node<P> root;
    int nodeCount;
    /**
     * For chunk c: {@code jump[2c]} the node a lookup starts at (null: none), {@code jump[2c + 1]}
     * the peer found above it (null: none). Null while the trie is small.
     */
    Object[] jump;

    Trie(boolean ipv6, int jumpNodesMin) {
        this.ipv6 = ipv6;
        this.addressBits = ipv6 ? Prefix.IPV6_BITS : Prefix.IPV4_BITS;
        this.jumpNodesMin = jumpNodesMin;
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
    @SuppressWarnings("unchecked")
    P find(long high, long low) {
        Node<P> node = root;
        P found = null;
        Object[] jump = this.jump;
        if (jump != null) {
            int at = chunk(high) << 1;
            node = (Node<P>) jump[at];
            found = (P) jump[at + 1];
        }
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
    @SuppressWarnings("unchecked")
    P findIpv4(long high) {
        Node<P> node = root;
        P found = null;
        Object[] jump = this.jump;
        if (jump != null) {
            int at = chunk(high) << 1;
            node = (Node<P>) jump[at];
            found = (P) jump[at + 1];
        }
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

    /** Gives an existing node (a prefix or a branch node) a peer, or another peer. */
    void setPeer(Node<P> node, P peer) {
        node.peer = peer;
        refreshPeer(node);
    }

    /**
     * Adds a node for a prefix that has none yet ({@link #exact} returned null), owned by
     * {@code peer}, and returns it. Makes at most one branch node besides.
     */
    Node<P> add(long high, long low, int cidr, P peer) {
        Node<P> fresh = newNode(high, low, cidr);
        fresh.peer = peer;
        Node<P> top = place(fresh);
        if (jump == null && nodeCount >= jumpNodesMin) {
            jump = new Object[2 * JUMP_CHUNKS];
            fill(root, 0, 0, null);
        } else {
            refreshSlot(top.parent, top);
        }
        return fresh;
    }

    /** Takes the peer from {@code node} and restores the shape (see {@link #prune}). */
    void remove(Node<P> node) {
        node.peer = null;
        boolean staysAsBranch = node.child0 != null && node.child1 != null;
        Node<P> parent = node.parent;
        Node<P> grandparent = parent == null ? null : parent.parent; // splice forgets it
        Node<P> top = prune(node);
        if (jump != null && nodeCount < jumpNodesMin / 4) {
            jump = null;
        } else if (staysAsBranch) {
            refreshPeer(node); // only its peer changed
        } else {
            // The slot `top` was in is still there, below what was its parent (or at the root).
            refreshSlot(top == node ? parent : grandparent, top);
        }
    }

    /** Links a new node into the trie; returns the topmost node placed (it, or a new branch node). */
    private Node<P> place(Node<P> fresh) {
        long high = fresh.high;
        long low = fresh.low;
        int cidr = fresh.cidr;
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
        return branch;
    }

    /**
     * Restores the shape after {@code node} lost its peer: a node with fewer than two children
     * goes, and so does a branch node it leaves with one child. Returns the topmost node taken
     * out, or {@code node} itself when it stays as a branch node.
     */
    private Node<P> prune(Node<P> node) {
        if (node.child0 != null && node.child1 != null) {
            return node; // still where two prefixes part: it stays as a branch node
        }
        Node<P> child = node.child0 != null ? node.child0 : node.child1;
        Node<P> parent = node.parent;
        splice(node, child);
        if (child == null && parent != null && parent.peer == null) {
            splice(parent, parent.child0 != null ? parent.child0 : parent.child1);
            return parent;
        }
        return node;
    }

    /** Drops every node. */
    void clear() {
        root = null;
        nodeCount = 0;
        jump = null;
    }

    /**
     * Refreshes the jump entries a change of {@code node}'s peer alone can alter: those of the
     * chunks inside its prefix, when it is shorter than the chunk bits (the peer found on the way
     * down). A longer node's peer is only read by lookups themselves.
     */
    private void refreshPeer(Node<P> node) {
        if (jump == null || node.cidr >= JUMP_BITS) {
            return;
        }
        fill(root, chunk(node.high), node.cidr, null);
    }

    /**
     * Refreshes the jump entries of every chunk whose walk passes the slot below {@code parent}
     * (the root's slot when null) on {@code node}'s side: they are the only ones a change at or
     * below that slot can alter. Nothing to do when the slot lies at or past the chunk bits.
     */
    private void refreshSlot(Node<P> parent, Node<P> node) {
        if (jump == null) {
            return;
        }
        int bits = parent == null ? 0 : parent.cidr + 1;
        if (bits > JUMP_BITS) {
            return;
        }
        fill(root, chunk(mask(node.high, bits, 0)), bits, null);
    }

    /**
     * Sets the jump entries of the block of chunks whose first {@code blockBits} bits are those of
     * chunk {@code first}, all of whose walks reach the slot holding {@code node} with
     * {@code found} as the peer found so far.
     */
    private void fill(Node<P> node, int first, int blockBits, P found) {
        int count = 1 << (JUMP_BITS - blockBits);
        if (node == null || node.cidr >= JUMP_BITS) {
            // The walk gets here and goes on from here, whatever the chunk (node may not match it:
            // the lookup finds that out).
            set(first, count, node, found);
            return;
        }
        int nodeFirst = chunk(node.high);
        int shared = Math.min(node.cidr, blockBits);
        if ((nodeFirst >>> (JUMP_BITS - shared)) != (first >>> (JUMP_BITS - shared))) {
            // The node's prefix disagrees with the whole block: every walk stops here.
            set(first, count, null, found);
            return;
        }
        if (node.cidr > blockBits) {
            // The node holds a part of the block; walks in the rest stop here.
            int nodeCount = 1 << (JUMP_BITS - node.cidr);
            set(first, nodeFirst - first, null, found);
            set(nodeFirst + nodeCount, first + count - nodeFirst - nodeCount, null, found);
            first = nodeFirst;
            blockBits = node.cidr;
            count = nodeCount;
        }
        P below = node.peer != null ? node.peer : found;
        if (node.cidr < blockBits) {
            // The bit the node branches on is fixed in this block: one side takes all of it.
            boolean side = ((first >>> (JUMP_BITS - 1 - node.cidr)) & 1) != 0;
            fill(side ? node.child1 : node.child0, first, blockBits, below);
        } else {
            fill(node.child0, first, blockBits + 1, below);
            fill(node.child1, first + count / 2, blockBits + 1, below);
        }
    }

    private void set(int first, int count, Node<P> node, P found) {
        for (int c = first; c < first + count; c++) {
            jump[2 * c] = node;
            jump[2 * c + 1] = found;
        }
    }

    /** The jump table's index of a key: its first {@link #JUMP_BITS} bits. */
    static int chunk(long high) {
        return (int) (high >>> (Long.SIZE - JUMP_BITS));
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
