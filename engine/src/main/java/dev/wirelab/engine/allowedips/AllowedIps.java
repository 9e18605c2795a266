package dev.wirelab.engine.allowedips;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cryptokey routing's table: which peer owns which IPv4 and IPv6 prefixes (the kernel's
 * allowedips.c, wireguard-go's AllowedIPs). Outbound, the longest prefix holding a packet's
 * destination picks the peer to encrypt to; inbound, the longest prefix holding a decrypted
 * packet's source must belong to the peer it came from.
 *
 * <p>Each prefix has at most one owner: inserting a prefix another peer owns moves it, as in the
 * kernel. Host bits are masked ({@link Prefix} does it). Peers are compared with {@code equals} and
 * {@code hashCode}; a peer class that does not override them compares by identity, as the kernel
 * compares pointers.
 *
 * <p>Two path-compressed binary tries, one per family ({@link Trie}). Lookups allocate nothing and
 * visit one node per place where stored prefixes branch; a trie of {@link #JUMP_NODES_MIN} nodes or
 * more also has a jump table over the first 16 address bits, so that a lookup skips the nodes
 * above them. Each peer's prefixes are kept in a list in the order they were (last) inserted, the
 * order {@code wg show allowed-ips} prints.
 *
 * <p>Bound: at most {@link #maxPrefixes()} prefixes (default {@link #MAX_PREFIXES}); an insert of a
 * new prefix past it is refused and changes nothing. The kernel and wireguard-go have no such
 * bound (kernel memory is the limit); here a configuration source that is not trusted cannot grow
 * the heap without end. The tries hold at most two nodes per prefix (the prefix's own and one
 * branch node where it parts from the others), 56 bytes each with compressed oops, and at most two
 * jump tables of 512 KiB: the default bound costs at most about 120 MB.
 *
 * <p>Not thread-safe: the Device serialises changes and lookups.
 */
public final class AllowedIps<P> {
    /** Default bound on the number of prefixes in one table, IPv4 and IPv6 together. */
    public static final int MAX_PREFIXES = 1 << 20;

    private static final int IPV4_HEADER_LENGTH_MIN = 20;
    private static final int IPV4_SOURCE_OFFSET = 12;
    private static final int IPV4_DESTINATION_OFFSET = 16;
    private static final int IPV6_HEADER_LENGTH = 40;
    private static final int IPV6_SOURCE_OFFSET = 8;
    private static final int IPV6_DESTINATION_OFFSET = 24;

    private static final VarHandle INT_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BIG_ENDIAN =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** One peer's prefixes, in insertion order, linked through its nodes. */
    private static final class Owned<P> {
        Node<P> first;
        Node<P> last;
        int count;
    }

    /** A family's trie gets its jump table (512 KiB) at this many nodes; see {@link Trie}. */
    static final int JUMP_NODES_MIN = 1024;

    final Trie<P> ipv4;
    final Trie<P> ipv6;
    private final Map<P, Owned<P>> byPeer = new HashMap<>();
    private final int maxPrefixes;
    private int size;

    /** A table bounded at {@link #MAX_PREFIXES} prefixes. */
    public AllowedIps() {
        this(MAX_PREFIXES);
    }

    /** A table of at most {@code maxPrefixes} prefixes (at least 1). */
    public AllowedIps(int maxPrefixes) {
        this(maxPrefixes, JUMP_NODES_MIN);
    }

    /** Tests move the jump table's threshold to exercise it in small tables. */
    AllowedIps(int maxPrefixes, int jumpNodesMin) {
        if (maxPrefixes < 1) {
            throw new IllegalArgumentException("maxPrefixes must be at least 1, got " + maxPrefixes);
        }
        this.maxPrefixes = maxPrefixes;
        this.ipv4 = new Trie<>(false, jumpNodesMin);
        this.ipv6 = new Trie<>(true, jumpNodesMin);
    }

    /**
     * Gives {@code prefix} to {@code peer}, taking it from its owner if another peer has it. The
     * prefix goes to the end of the peer's list, also when the peer had it already (as the kernel
     * moves it to the tail).
     *
     * @return false, and nothing changed, when the prefix is new and the table holds
     *     {@link #maxPrefixes()} already; true otherwise
     */
    public boolean insert(Prefix prefix, P peer) {
        Objects.requireNonNull(peer, "peer");
        Trie<P> trie = trie(prefix);
        long high = prefix.high();
        long low = prefix.low();
        Node<P> node = trie.exact(high, low, prefix.cidr());
        if (node != null && node.peer != null) {
            unlinkFromPeer(node);
            trie.setPeer(node, peer);
        } else if (size == maxPrefixes) {
            return false;
        } else if (node != null) {
            trie.setPeer(node, peer); // a branch node becomes a prefix
            size++;
        } else {
            node = trie.add(high, low, prefix.cidr(), peer);
            size++;
        }
        linkToPeer(node, peer);
        return true;
    }

    /**
     * Removes {@code prefix} if {@code peer} owns exactly it (not a prefix holding it, not one it
     * holds). A null peer owns nothing.
     *
     * @return whether it was removed
     */
    public boolean remove(Prefix prefix, P peer) {
        Trie<P> trie = trie(prefix);
        Node<P> node = trie.exact(prefix.high(), prefix.low(), prefix.cidr());
        if (peer == null || node == null || !peer.equals(node.peer)) {
            return false;
        }
        removeNode(trie, node);
        return true;
    }

    /**
     * Removes every prefix of {@code peer}, of both families; afterwards the table holds no
     * reference to it.
     *
     * @return how many were removed
     */
    public int removeByPeer(P peer) {
        Owned<P> owned = peer == null ? null : byPeer.get(peer);
        if (owned == null) {
            return 0;
        }
        int removed = 0;
        for (Node<P> node = owned.first; node != null; ) {
            Node<P> next = node.nextOfPeer;
            removeNode(node.ipv6 ? ipv6 : ipv4, node);
            removed++;
            node = next;
        }
        return removed;
    }

    /** Empties the table. */
    public void clear() {
        // Each node is dropped with its trie; the per-peer links go with them.
        ipv4.clear();
        ipv6.clear();
        byPeer.clear();
        size = 0;
    }

    /** The owner of the longest prefix holding {@code address} (4 or 16 bytes), or null. */
    public P lookup(byte[] address) {
        return switch (address.length) {
            case 4 -> lookupIpv4((int) INT_BIG_ENDIAN.get(address, 0));
            case 16 -> lookupIpv6((long) LONG_BIG_ENDIAN.get(address, 0), (long) LONG_BIG_ENDIAN.get(address, 8));
            default -> throw new IllegalArgumentException("an address is 4 or 16 bytes, got " + address.length);
        };
    }

    /** The owner of the longest IPv4 prefix holding the address (big-endian in an int), or null. */
    public P lookupIpv4(int address) {
        return ipv4.findIpv4((long) address << Integer.SIZE);
    }

    /** The owner of the longest IPv6 prefix holding the address (two big-endian words), or null. */
    public P lookupIpv6(long high, long low) {
        return ipv6.find(high, low);
    }

    /**
     * Outbound routing: the owner of the longest prefix holding the destination of the IP packet
     * in {@code packet[offset, offset + length)}. Null when none does, and when the bytes are not
     * an IPv4 or IPv6 header (version nibble, minimum length); the caller drops the packet then.
     */
    public P lookupDestination(byte[] packet, int offset, int length) {
        return lookupHeader(packet, offset, length, IPV4_DESTINATION_OFFSET, IPV6_DESTINATION_OFFSET);
    }

    /**
     * Inbound check: the owner of the longest prefix holding the source of the decrypted IP packet
     * in {@code packet[offset, offset + length)}; the caller drops the packet unless it is the
     * peer it came from. Null as for {@link #lookupDestination}.
     */
    public P lookupSource(byte[] packet, int offset, int length) {
        return lookupHeader(packet, offset, length, IPV4_SOURCE_OFFSET, IPV6_SOURCE_OFFSET);
    }

    /** The owner of exactly {@code prefix}, or null: no longest-prefix match. */
    public P owner(Prefix prefix) {
        Node<P> node = trie(prefix).exact(prefix.high(), prefix.low(), prefix.cidr());
        return node == null ? null : node.peer;
    }

    /** {@code peer}'s prefixes, IPv4 and IPv6, in the order they were last inserted; a new list. */
    public List<Prefix> prefixesOf(P peer) {
        Owned<P> owned = peer == null ? null : byPeer.get(peer);
        if (owned == null) {
            return List.of();
        }
        List<Prefix> prefixes = new ArrayList<>(owned.count);
        for (Node<P> node = owned.first; node != null; node = node.nextOfPeer) {
            prefixes.add(node.prefix());
        }
        return prefixes;
    }

    /** How many prefixes {@code peer} owns. */
    public int countOf(P peer) {
        Owned<P> owned = peer == null ? null : byPeer.get(peer);
        return owned == null ? 0 : owned.count;
    }

    /** How many prefixes have an owner, IPv4 and IPv6 together. */
    public int size() {
        return size;
    }

    public int maxPrefixes() {
        return maxPrefixes;
    }

    /** Trie nodes in use, branch nodes included: at most twice {@link #size()}. Jump tables not counted. */
    int nodeCount() {
        return ipv4.nodeCount + ipv6.nodeCount;
    }

    private P lookupHeader(byte[] packet, int offset, int length, int ipv4Field, int ipv6Field) {
        if (length < 1) {
            return null;
        }
        int version = (packet[offset] & 0xff) >>> 4;
        if (version == 4 && length >= IPV4_HEADER_LENGTH_MIN) {
            return lookupIpv4((int) INT_BIG_ENDIAN.get(packet, offset + ipv4Field));
        }
        if (version == 6 && length >= IPV6_HEADER_LENGTH) {
            return lookupIpv6((long) LONG_BIG_ENDIAN.get(packet, offset + ipv6Field),
                    (long) LONG_BIG_ENDIAN.get(packet, offset + ipv6Field + 8));
        }
        return null;
    }

    private Trie<P> trie(Prefix prefix) {
        return prefix.isIpv4() ? ipv4 : ipv6;
    }

    private void removeNode(Trie<P> trie, Node<P> node) {
        unlinkFromPeer(node);
        size--;
        trie.remove(node);
    }

    /** Appends the node to the list of its (new) peer, {@code node.peer}. */
    private void linkToPeer(Node<P> node, P peer) {
        Owned<P> owned = byPeer.computeIfAbsent(peer, p -> new Owned<>());
        node.previousOfPeer = owned.last;
        node.nextOfPeer = null;
        if (owned.last == null) {
            owned.first = node;
        } else {
            owned.last.nextOfPeer = node;
        }
        owned.last = node;
        owned.count++;
    }

    /** Takes the node off its peer's list; forgets a peer left with none. The trie's peer stays. */
    private void unlinkFromPeer(Node<P> node) {
        Owned<P> owned = byPeer.get(node.peer);
        if (node.previousOfPeer == null) {
            owned.first = node.nextOfPeer;
        } else {
            node.previousOfPeer.nextOfPeer = node.nextOfPeer;
        }
        if (node.nextOfPeer == null) {
            owned.last = node.previousOfPeer;
        } else {
            node.nextOfPeer.previousOfPeer = node.previousOfPeer;
        }
        if (--owned.count == 0) {
            byPeer.remove(node.peer);
        }
        node.previousOfPeer = null;
        node.nextOfPeer = null;
    }
}
