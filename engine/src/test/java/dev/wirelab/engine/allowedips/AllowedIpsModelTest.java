package dev.wirelab.engine.allowedips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * AllowedIps against a reference model: a plain list of (prefix, peer) whose lookup scans every
 * entry for the longest prefix holding the address (the kernel selftest's "horrible_allowedips").
 * Seeded random sequences of inserts (new prefixes and moves), exact removals (right peer, wrong
 * peer, absent prefix), removals of whole peers and lookups through every lookup method, IPv4 and
 * IPv6 in one table.
 *
 * <p>Random prefixes and addresses are drawn around a few base networks per round, from prefixes
 * already in the table and by mutating their bits near the cidr, so nesting, overlap, moves and
 * near misses are the common case rather than the rare one. The shape of the tries, size(),
 * owner() and prefixesOf() (with its insertion order) are checked along the way.
 *
 * <p>Every assertion message carries the seed; rerun one with {@code -Dwirelab.seed=SEED}.
 */
class AllowedIpsModelTest {
    private static final long DEFAULT_SEED = 0x5eed_a11c_ed1bL;
    private static final int PEERS = 1_200;
    private static final int ROUNDS = 20;
    private static final int LOOKUPS_PER_ROUND = 52_000;
    /** The table size each round grows towards, in turn: churn in small tables, depth in big ones. */
    private static final int[] ROUND_TARGET_SIZES = {16, 300, 1_500, 3_000};
    private static final int SHAPE_CHECK_EVERY_MUTATIONS = 500;
    private static final int JUMP_NODES_MIN_SMALL = 12;

    /** A peer with value equality: a new Peer(7) is the same peer, as the table compares with equals. */
    record Peer(int id) {}

    /** One (prefix, peer) of the model, with its key as words and mask built bit by bit. */
    static final class Entry {
        final Prefix prefix;
        final boolean ipv6;
        final long high;
        final long low;
        final long maskHigh;
        final long maskLow;
        Peer peer;
        long insertedAt;
        int index;

        Entry(Prefix prefix) {
            this.prefix = prefix;
            this.ipv6 = prefix.address().length() == 16;
            byte[] a = prefix.address().toByteArray();
            this.high = word(a, 0);
            this.low = word(a, 8);
            long mh = 0;
            long ml = 0;
            for (int bit = 0; bit < prefix.cidr(); bit++) {
                if (bit < 64) {
                    mh |= Long.MIN_VALUE >>> bit;
                } else {
                    ml |= Long.MIN_VALUE >>> (bit - 64);
                }
            }
            this.maskHigh = mh;
            this.maskLow = ml;
        }
    }

    /** The model: a list scanned in full, plus an exact index for the mutations. */
    static final class Model {
        final List<Entry> entries = new ArrayList<>();
        final Map<Prefix, Entry> byPrefix = new HashMap<>();
        long clock;

        void insert(Prefix prefix, Peer peer) {
            Entry entry = byPrefix.get(prefix);
            if (entry == null) {
                entry = new Entry(prefix);
                entry.index = entries.size();
                entries.add(entry);
                byPrefix.put(prefix, entry);
            }
            entry.peer = peer;
            entry.insertedAt = ++clock;
        }

        boolean remove(Prefix prefix, Peer peer) {
            Entry entry = byPrefix.get(prefix);
            if (entry == null || !entry.peer.equals(peer)) {
                return false;
            }
            drop(entry);
            return true;
        }

        int removeByPeer(Peer peer) {
            List<Entry> doomed = entries.stream().filter(e -> e.peer.equals(peer)).toList();
            doomed.forEach(this::drop);
            return doomed.size();
        }

        private void drop(Entry entry) {
            Entry last = entries.removeLast();
            if (last != entry) {
                last.index = entry.index;
                entries.set(entry.index, last);
            }
            byPrefix.remove(entry.prefix);
        }

        Peer lookup(byte[] address) {
            boolean ipv6 = address.length == 16;
            long high = word(address, 0);
            long low = word(address, 8);
            Entry best = null;
            for (Entry e : entries) {
                if (e.ipv6 == ipv6 && ((high ^ e.high) & e.maskHigh) == 0 && ((low ^ e.low) & e.maskLow) == 0
                        && (best == null || e.prefix.cidr() > best.prefix.cidr())) {
                    best = e;
                }
            }
            return best == null ? null : best.peer;
        }

        List<Prefix> prefixesOf(Peer peer) {
            return entries.stream().filter(e -> e.peer.equals(peer))
                    .sorted(Comparator.comparingLong(e -> e.insertedAt)).map(e -> e.prefix).toList();
        }
    }

    /** Big-endian word of a[from, from + 8), short arrays padded with zeros. */
    static long word(byte[] a, int from) {
        long w = 0;
        for (int i = 0; i < 8; i++) {
            int at = from + i;
            w = w << 8 | (at < a.length ? a[at] & 0xff : 0);
        }
        return w;
    }

    private final long seed = Long.decode(System.getProperty("wirelab.seed", Long.toString(DEFAULT_SEED)));
    private final SplittableRandom random = new SplittableRandom(seed);
    private final Set<Peer> peersUsed = new HashSet<>();
    private final Peer[] peers = new Peer[PEERS];
    private long lookups;
    private long lookupsThatFoundAPeer;
    private long mutations;
    private String where = "";

    @Test
    void matchesTheReferenceModel() {
        for (int i = 0; i < PEERS; i++) {
            peers[i] = new Peer(i);
        }
        for (int round = 0; round < ROUNDS; round++) {
            runRound(round, ROUND_TARGET_SIZES[round % ROUND_TARGET_SIZES.length]);
        }
        System.out.printf("AllowedIpsModelTest: seed %d, %d lookups (%d found a peer), %d mutations, %d peers%n",
                seed, lookups, lookupsThatFoundAPeer, mutations, peersUsed.size());
        assertTrue(lookups >= 1_000_000, "lookups checked: " + lookups + " " + seedNote());
        assertTrue(peersUsed.size() >= 1_000, "peers used: " + peersUsed.size() + " " + seedNote());
        // A model that never finds anything would agree with a trie that never does: make sure
        // most lookups do land on a prefix.
        assertTrue(lookupsThatFoundAPeer * 2 > lookups, "lookups that found a peer: " + lookupsThatFoundAPeer);
    }

    private void runRound(int round, int targetSize) {
        // Odd rounds give each trie its jump table from a few nodes on, so that it is made, kept
        // up to date and dropped in small tables too.
        AllowedIps<Peer> table = new AllowedIps<>(AllowedIps.MAX_PREFIXES,
                round % 2 == 0 ? AllowedIps.JUMP_NODES_MIN : JUMP_NODES_MIN_SMALL);
        Model model = new Model();
        List<Prefix> bases = bases();
        // A window of the peer pool gets most of the prefixes this round, so that peers own many
        // prefixes each and removeByPeer has work; across rounds the window covers the whole pool.
        int hotPeersFrom = round * (PEERS / ROUNDS);
        long roundLookups = 0;
        int step = 0;
        while (roundLookups < LOOKUPS_PER_ROUND) {
            where = "round " + round + " step " + step;
            mutate(table, model, bases, hotPeersFrom, targetSize);
            int n = 1 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                checkLookup(table, model, address(model, bases));
                roundLookups++;
            }
            if (++step % SHAPE_CHECK_EVERY_MUTATIONS == 0) {
                checkWhole(table, model);
            }
        }
        where = "round " + round + " end";
        checkWhole(table, model);
        // Tear down peer by peer, as the kernel's random test does, checking lookups on the way.
        List<Peer> owners = new ArrayList<>(model.entries.stream().map(e -> e.peer).distinct().toList());
        while (!owners.isEmpty()) {
            Peer peer = owners.remove(random.nextInt(owners.size()));
            where = "round " + round + " teardown of " + peer;
            assertEquals(model.removeByPeer(peer), table.removeByPeer(peer), where + " " + seedNote());
            assertEquals(List.of(), table.prefixesOf(peer), where + " " + seedNote());
            for (int i = 0; i < 4 && !model.entries.isEmpty(); i++) {
                checkLookup(table, model, address(model, bases));
            }
            if (owners.size() % 16 == 0) {
                TrieShape.check(table, where + " " + seedNote());
            }
        }
        TrieShape.check(table, where + " " + seedNote());
        assertNull(table.ipv4.root, where + " " + seedNote());
        assertNull(table.ipv6.root, where + " " + seedNote());
        assertEquals(0, table.nodeCount(), where + " " + seedNote());
    }

    private void mutate(AllowedIps<Peer> table, Model model, List<Prefix> bases, int hotPeersFrom, int targetSize) {
        mutations++;
        int size = model.entries.size();
        int roll = random.nextInt(100);
        // Grow towards the target size, then hover around it.
        int insertShare = size < targetSize ? 70 : 30;
        if (size == 0 || roll < insertShare) {
            Prefix prefix = prefix(model, bases);
            Peer peer = peer(hotPeersFrom);
            boolean isNew = !model.byPrefix.containsKey(prefix);
            check("insert " + prefix + " for " + peer, true, table.insert(prefix, peer));
            model.insert(prefix, peer);
            peersUsed.add(peer);
            if (!isNew) {
                check("owner of " + prefix, peer, table.owner(prefix));
            }
            return;
        }
        Entry entry = model.entries.get(random.nextInt(size));
        int kind = random.nextInt(100);
        if (kind < 45) {
            // Exact removal by its owner (a new but equal Peer object, to use equals).
            Prefix prefix = entry.prefix;
            Peer owner = new Peer(entry.peer.id());
            check("remove " + prefix + " by its owner " + owner, model.remove(prefix, owner), table.remove(prefix, owner));
        } else if (kind < 55) {
            Peer other = peer(hotPeersFrom);
            check("remove " + entry.prefix + " by " + other, model.remove(entry.prefix, other), table.remove(entry.prefix, other));
        } else if (kind < 65) {
            // Mostly absent: a random prefix, often a near neighbour of one present.
            Prefix prefix = prefix(model, bases);
            Peer peer = random.nextBoolean() ? entry.peer : peer(hotPeersFrom);
            check("remove " + prefix + " by " + peer, model.remove(prefix, peer), table.remove(prefix, peer));
        } else if (kind < 85) {
            // Move: another peer takes the prefix; or the owner inserts it again (to its list's end).
            Peer peer = random.nextInt(4) == 0 ? entry.peer : peer(hotPeersFrom);
            check("move " + entry.prefix + " to " + peer, true, table.insert(entry.prefix, peer));
            model.insert(entry.prefix, peer);
            peersUsed.add(peer);
        } else if (kind < 88) {
            Peer peer = entry.peer;
            check("removeByPeer " + peer, model.removeByPeer(peer), table.removeByPeer(peer));
        } else if (kind < 90) {
            Peer peer = peers[random.nextInt(PEERS)];
            check("removeByPeer " + peer + " (maybe owning nothing)", model.removeByPeer(peer), table.removeByPeer(peer));
        } else {
            check("owner of " + entry.prefix, entry.peer, table.owner(entry.prefix));
            check("prefixesOf " + entry.peer, model.prefixesOf(entry.peer), table.prefixesOf(entry.peer));
        }
        check("size", model.entries.size(), table.size());
    }

    /** Looks the address up through one of the four entry points, in turn, and compares with the model. */
    private void checkLookup(AllowedIps<Peer> table, Model model, byte[] address) {
        Peer expected = model.lookup(address);
        Peer actual;
        boolean ipv6 = address.length == 16;
        switch ((int) (lookups & 3)) {
            case 0 -> actual = table.lookup(address);
            case 1 -> actual = ipv6 ? table.lookupIpv6(word(address, 0), word(address, 8))
                    : table.lookupIpv4((int) (word(address, 0) >>> 32));
            case 2 -> {
                int offset = random.nextInt(4);
                actual = table.lookupDestination(packet(address, offset, false), offset, ipv6 ? 40 : 20);
            }
            default -> {
                int offset = random.nextInt(4);
                actual = table.lookupSource(packet(address, offset, true), offset, ipv6 ? 48 : 28);
            }
        }
        lookups++;
        if (expected != null) {
            lookupsThatFoundAPeer++;
        }
        if (expected != actual && (expected == null || !expected.equals(actual))) {
            throw new AssertionError("lookup " + AddressText.format(Bytes.of(address))
                    + ": model says " + expected + ", table says " + actual + "; " + where + "; " + seedNote());
        }
    }

    /** An IP header at {@code offset} with the address as source or destination; the other field junk. */
    private byte[] packet(byte[] address, int offset, boolean asSource) {
        boolean ipv6 = address.length == 16;
        byte[] packet = new byte[offset + 48];
        random.nextBytes(packet);
        packet[offset] = (byte) ((ipv6 ? 0x60 : 0x40) | (packet[offset] & 0x0f));
        int field = ipv6 ? (asSource ? 8 : 24) : (asSource ? 12 : 16);
        System.arraycopy(address, 0, packet, offset + field, address.length);
        return packet;
    }

    private void checkWhole(AllowedIps<Peer> table, Model model) {
        TrieShape.check(table, where + " " + seedNote());
        check("size", model.entries.size(), table.size());
        Set<Peer> owners = new HashSet<>();
        model.entries.forEach(e -> owners.add(e.peer));
        for (Peer peer : owners) {
            check("prefixesOf " + peer, model.prefixesOf(peer), table.prefixesOf(peer));
        }
    }

    private void check(String what, Object expected, Object actual) {
        assertEquals(expected, actual, () -> what + "; " + where + "; " + seedNote());
    }

    private String seedNote() {
        return "seed " + seed + " (rerun with -Dwirelab.seed=" + seed + ")";
    }

    private Peer peer(int hotPeersFrom) {
        return random.nextInt(4) == 0 ? peers[random.nextInt(PEERS)] : peers[(hotPeersFrom + random.nextInt(60)) % PEERS];
    }

    /** A few base networks per family; all prefixes and most addresses of the round fall near them. */
    private List<Prefix> bases() {
        List<Prefix> bases = new ArrayList<>();
        int[] ipv4Cidrs = {0, 8, 12, 16, 20, 24};
        int[] ipv6Cidrs = {0, 16, 32, 48, 56, 64, 96, 120};
        for (int i = 0; i < 4; i++) {
            bases.add(Prefix.of(randomAddress(4), ipv4Cidrs[random.nextInt(ipv4Cidrs.length)]));
            bases.add(Prefix.of(randomAddress(16), ipv6Cidrs[random.nextInt(ipv6Cidrs.length)]));
        }
        bases.add(Prefix.parse("10.0.0.0/8"));
        bases.add(Prefix.parse("2001:db8::/32"));
        return bases;
    }

    /**
     * A prefix: mostly inside a base network, with few distinct values in the bits just past it (so
     * that prefixes collide and nest); else a mutation of a prefix in the table, keeping a random
     * number of its leading bits; rarely anything at all.
     */
    private Prefix prefix(Model model, List<Prefix> bases) {
        int roll = random.nextInt(10);
        if (roll < 5 || model.entries.isEmpty()) {
            Prefix base = bases.get(random.nextInt(bases.size()));
            int bits = base.addressBits();
            byte[] address = nearBase(base);
            int cidr = random.nextInt(5) == 0 ? random.nextInt(base.cidr() + 1)
                    : base.cidr() + random.nextInt(Math.min(bits - base.cidr(), 24) + 1);
            return Prefix.of(address, Math.min(cidr, bits));
        }
        if (roll < 9) {
            Prefix from = model.entries.get(random.nextInt(model.entries.size())).prefix;
            int bits = from.addressBits();
            int keep = Math.max(0, from.cidr() - 4 + random.nextInt(12));
            byte[] address = withRandomBitsFrom(from.address().toByteArray(), Math.min(keep, bits));
            int cidr = Math.max(0, Math.min(bits, from.cidr() - 3 + random.nextInt(9)));
            return Prefix.of(address, cidr);
        }
        byte[] address = randomAddress(random.nextBoolean() ? 4 : 16);
        return Prefix.of(address, random.nextInt(address.length * 8 + 1));
    }

    /**
     * An address: mostly inside a prefix of the table (host bits random), sometimes just outside
     * one (a bit at or before its cidr flipped), sometimes near a base, rarely anywhere.
     */
    private byte[] address(Model model, List<Prefix> bases) {
        int roll = random.nextInt(20);
        if (!model.entries.isEmpty() && roll < 13) {
            Prefix from = model.entries.get(random.nextInt(model.entries.size())).prefix;
            return withRandomBitsFrom(from.address().toByteArray(), from.cidr());
        }
        if (!model.entries.isEmpty() && roll < 16) {
            Prefix from = model.entries.get(random.nextInt(model.entries.size())).prefix;
            byte[] address = withRandomBitsFrom(from.address().toByteArray(), from.cidr());
            if (from.cidr() > 0) {
                int bit = Math.max(0, from.cidr() - 1 - random.nextInt(3));
                address[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
            }
            return address;
        }
        if (roll < 19) {
            return nearBase(bases.get(random.nextInt(bases.size())));
        }
        return randomAddress(random.nextBoolean() ? 4 : 16);
    }

    /** The base's network bits, then 8 bits from a set of 4 values, then random bits. */
    private byte[] nearBase(Prefix base) {
        byte[] address = withRandomBitsFrom(base.address().toByteArray(), base.cidr());
        int pattern = random.nextInt(4) * 0x55; // 0x00, 0x55, 0xaa, 0xff
        for (int bit = base.cidr(); bit < Math.min(base.cidr() + 8, address.length * 8); bit++) {
            boolean set = (pattern & (0x80 >>> (bit - base.cidr()))) != 0;
            int mask = 0x80 >>> (bit % 8);
            address[bit / 8] = (byte) (set ? address[bit / 8] | mask : address[bit / 8] & ~mask);
        }
        return address;
    }

    /** The address with bits from {@code from} on replaced by random ones. */
    private byte[] withRandomBitsFrom(byte[] address, int from) {
        byte[] noise = randomAddress(address.length);
        for (int bit = from; bit < address.length * 8; bit++) {
            int mask = 0x80 >>> (bit % 8);
            address[bit / 8] = (byte) ((address[bit / 8] & ~mask) | (noise[bit / 8] & mask));
        }
        return address;
    }

    private byte[] randomAddress(int length) {
        byte[] address = new byte[length];
        random.nextBytes(address);
        return address;
    }
}
