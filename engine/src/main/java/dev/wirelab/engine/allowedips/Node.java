package dev.wirelab.engine.allowedips;

/**
 * One node of a {@link Trie}: a prefix (its key bits and cidr) and, when some peer owns the
 * prefix, that peer. A node without a peer is a branch node, made where two prefixes part ways;
 * it always has two children (removal splices out the ones that would not).
 *
 * <p>The key is the address as two big-endian 64-bit words with every bit past {@code cidr} zero;
 * IPv4 sits in the top half of {@code high} and {@code low} is 0, so one trie serves both
 * families. Nodes of one peer form a doubly linked list in insertion order (the kernel's
 * peer_list), for {@code wg show allowed-ips} and for removing a peer without a walk of the trie.
 *
 * <p>About 56 bytes with compressed oops: the fields are ordered so that cidr and family fill the
 * gap after the 12-byte header.
 */
final class Node<P> {
    final long high;
    final long low;
    final short cidr;
    final boolean ipv6;

    P peer;
    Node<P> child0;
    Node<P> child1;
    Node<P> parent;
    Node<P> previousOfPeer;
    Node<P> nextOfPeer;

    Node(long high, long low, int cidr, boolean ipv6) {
        this.high = high;
        this.low = low;
        this.cidr = (short) cidr;
        this.ipv6 = ipv6;
    }

    Prefix prefix() {
        return Prefix.fromWords(ipv6, high, low, cidr);
    }
}
