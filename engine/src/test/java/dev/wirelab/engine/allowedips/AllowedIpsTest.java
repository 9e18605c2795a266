package dev.wirelab.engine.allowedips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table's contract beyond what the model test draws at random. */
class AllowedIpsTest {

    @Test
    void insertingAPrefixAnotherPeerOwnsMovesItToTheEndOfTheNewOwnersList() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(Prefix.parse("10.0.0.0/24"), "a");
        table.insert(Prefix.parse("10.0.1.0/24"), "a");
        table.insert(Prefix.parse("fd00::/64"), "b");
        table.insert(Prefix.parse("10.0.0.0/24"), "b");

        assertEquals(List.of(Prefix.parse("10.0.1.0/24")), table.prefixesOf("a"));
        assertEquals(List.of(Prefix.parse("fd00::/64"), Prefix.parse("10.0.0.0/24")), table.prefixesOf("b"));
        assertEquals("b", table.lookup(new byte[] {10, 0, 0, 9}));
        assertEquals(3, table.size());

        // The owner inserting again moves it to the end too, as the kernel's list_move_tail.
        table.insert(Prefix.parse("fd00::1/64"), "b");
        assertEquals(List.of(Prefix.parse("10.0.0.0/24"), Prefix.parse("fd00::/64")), table.prefixesOf("b"));
        assertEquals(3, table.size());
    }

    @Test
    void ownerIsExactWhileLookupIsLongestPrefix() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(Prefix.parse("10.0.0.0/8"), "a");
        table.insert(Prefix.parse("10.1.0.0/16"), "b");
        table.insert(Prefix.parse("10.1.2.0/24"), "c");
        // 10.1.2.0/24 and 10.1.3.0/24 part at bit 23: a branch node 10.1.2.0/23 without an owner.
        table.insert(Prefix.parse("10.1.3.0/24"), "d");

        assertNull(table.owner(Prefix.parse("10.1.2.0/23")), "a branch node has no owner");
        assertEquals("b", table.lookup(new byte[] {10, 1, 4, 1}));
        assertEquals("c", table.lookup(new byte[] {10, 1, 2, 1}));
        assertEquals("d", table.lookup(new byte[] {10, 1, 3, 1}));
        assertEquals("a", table.lookup(new byte[] {10, 2, 0, 1}));
        assertNull(table.lookup(new byte[] {11, 0, 0, 1}));
        assertEquals("b", table.owner(Prefix.parse("10.1.0.0/16")));

        // The branch node becomes a prefix when someone inserts exactly it: no new node.
        int nodes = table.nodeCount();
        assertTrue(table.insert(Prefix.parse("10.1.2.0/23"), "e"));
        assertEquals(nodes, table.nodeCount());
        assertEquals("e", table.owner(Prefix.parse("10.1.2.0/23")));
        TrieShape.check(table, "after giving the branch node an owner");
    }

    @Test
    void removeTakesOnlyTheExactPrefixOfThatPeer() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(Prefix.parse("10.0.0.0/8"), "a");
        assertFalse(table.remove(Prefix.parse("10.0.0.0/9"), "a"));
        assertFalse(table.remove(Prefix.parse("10.0.0.0/8"), "b"));
        assertFalse(table.remove(Prefix.parse("10.0.0.0/8"), null));
        assertFalse(table.remove(Prefix.parse("::/0"), "a"), "another family");
        assertEquals(1, table.size());
        assertTrue(table.remove(Prefix.parse("10.9.9.9/8"), "a"), "host bits are masked on remove too");
        assertEquals(0, table.size());
        assertNull(table.ipv4.root);
        assertEquals(List.of(), table.prefixesOf("a"));
    }

    @Test
    void removeByPeerTakesBothFamiliesAndForgetsThePeer() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(Prefix.parse("10.0.0.0/8"), "a");
        table.insert(Prefix.parse("fd00::/8"), "a");
        table.insert(Prefix.parse("10.1.0.0/16"), "b");
        assertEquals(2, table.removeByPeer("a"));
        assertEquals(0, table.removeByPeer("a"));
        assertEquals(0, table.removeByPeer(null));
        assertEquals(1, table.size());
        assertNull(table.lookup(new byte[] {10, 2, 0, 0}));
        assertEquals("b", table.lookup(new byte[] {10, 1, 0, 0}));
        assertNull(table.ipv6.root);
        assertEquals(List.of(), table.prefixesOf("a"));
        TrieShape.check(table, "after removeByPeer");
    }

    @Test
    void aFullTableRefusesNewPrefixesButStillMovesAndRemoves() {
        AllowedIps<String> table = new AllowedIps<>(2);
        assertTrue(table.insert(Prefix.parse("10.0.0.0/8"), "a"));
        assertTrue(table.insert(Prefix.parse("fd00::/8"), "a"));
        assertFalse(table.insert(Prefix.parse("10.1.0.0/16"), "b"), "a third prefix is refused");
        assertEquals("a", table.lookup(new byte[] {10, 1, 0, 0}), "and was not stored");
        assertEquals(2, table.size());
        assertEquals(2, table.nodeCount(), "no node was left behind by the refused insert");
        assertTrue(table.insert(Prefix.parse("10.0.0.0/8"), "b"), "moving a prefix adds nothing");
        assertTrue(table.remove(Prefix.parse("fd00::/8"), "a"));
        assertTrue(table.insert(Prefix.parse("10.1.0.0/16"), "b"), "room again after a removal");
        assertEquals(2, table.maxPrefixes());
        assertEquals(AllowedIps.MAX_PREFIXES, new AllowedIps<String>().maxPrefixes());
        assertThrows(IllegalArgumentException.class, () -> new AllowedIps<String>(0));
    }

    @Test
    void packetHelpersReadTheRightHeaderFieldAndRefuseWhatIsNotAHeader() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(Prefix.parse("192.0.2.0/24"), "src4");
        table.insert(Prefix.parse("198.51.100.0/24"), "dst4");
        table.insert(Prefix.parse("2001:db8:1::/48"), "src6");
        table.insert(Prefix.parse("2001:db8:2::/48"), "dst6");

        // IPv4, 20-byte header at offset 3: 192.0.2.1 -> 198.51.100.7.
        byte[] ipv4 = HexFormat.of().parseHex("ffffff" + "4500001c" + "00000000" + "40110000" + "c0000201" + "c6336407");
        assertEquals(3 + 20, ipv4.length);
        assertEquals("src4", table.lookupSource(ipv4, 3, 20));
        assertEquals("dst4", table.lookupDestination(ipv4, 3, 20));
        assertNull(table.lookupDestination(ipv4, 3, 19), "shorter than an IPv4 header");

        // IPv6 header: 2001:db8:1::5 -> 2001:db8:2::6.
        byte[] ipv6 = HexFormat.of().parseHex("60000000000011" + "40"
                + "20010db8000100000000000000000005" + "20010db8000200000000000000000006");
        assertEquals("src6", table.lookupSource(ipv6, 0, 40));
        assertEquals("dst6", table.lookupDestination(ipv6, 0, 40));
        assertNull(table.lookupSource(ipv6, 0, 39), "shorter than an IPv6 header");

        ipv6[0] = 0x50;
        assertNull(table.lookupDestination(ipv6, 0, 40), "version 5");
        assertNull(table.lookupDestination(ipv6, 0, 0), "empty");
    }

    @Test
    void lookupWantsAFourOrSixteenByteAddressAndInsertAPeer() {
        AllowedIps<String> table = new AllowedIps<>();
        assertEquals("an address is 4 or 16 bytes, got 5",
                assertThrows(IllegalArgumentException.class, () -> table.lookup(new byte[5])).getMessage());
        assertThrows(NullPointerException.class, () -> table.insert(Prefix.parse("10.0.0.0/8"), null));
        assertEquals(0, table.size());
    }

    @Test
    void peersCompareWithEquals() {
        record Peer(int id) {}
        AllowedIps<Peer> table = new AllowedIps<>();
        table.insert(Prefix.parse("10.0.0.0/8"), new Peer(1));
        assertTrue(table.remove(Prefix.parse("10.0.0.0/8"), new Peer(1)));
        table.insert(Prefix.parse("10.0.0.0/8"), new Peer(2));
        assertEquals(1, table.removeByPeer(new Peer(2)));
    }

    @Test
    void clearEmptiesBothFamilies() {
        AllowedIps<String> table = new AllowedIps<>();
        table.insert(Prefix.parse("0.0.0.0/0"), "a");
        table.insert(Prefix.parse("::/0"), "a");
        table.clear();
        assertEquals(0, table.size());
        assertEquals(0, table.nodeCount());
        assertNull(table.lookup(new byte[4]));
        assertEquals(List.of(), table.prefixesOf("a"));
        assertTrue(table.insert(Prefix.parse("::/0"), "b"));
    }

    /** The per-packet path: after warm-up, a lookup must allocate nothing (the brief's target). */
    @Test
    void lookupsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        AllowedIps<String> table = new AllowedIps<>();
        for (int i = 0; i < 1_000; i++) {
            table.insert(Prefix.of(new byte[] {10, (byte) (i >>> 8), (byte) i, 0}, 16 + i % 17), "p" + (i % 50));
            table.insert(Prefix.of(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, (byte) (i >>> 8), (byte) i,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 32 + i % 97), "p" + (i % 50));
        }
        byte[] packet4 = new byte[20];
        packet4[0] = 0x45;
        byte[] packet6 = new byte[40];
        packet6[0] = 0x60;
        packet6[24] = 0x20;
        packet6[25] = 0x01;
        long sink = 0;
        for (int round = 0; round < 2; round++) {
            // Round 0 warms up (interpreter, then JIT); round 1 is measured.
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                packet4[16] = 10;
                packet4[18] = (byte) i;
                packet4[17] = (byte) (i >>> 8);
                packet6[28] = (byte) (i >>> 8);
                packet6[29] = (byte) i;
                sink += table.lookupDestination(packet4, 0, 20) == null ? 0 : 1;
                sink += table.lookupDestination(packet6, 0, 40) == null ? 0 : 1;
                sink += table.lookupIpv4(0x0a000000 | i) == null ? 0 : 1;
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            if (round == 1) {
                // 600,000 lookups; a few hundred bytes of slack for the measuring itself.
                assertTrue(allocated < 4_096, "600,000 lookups allocated " + allocated + " bytes");
            }
        }
        assertTrue(sink > 0);
    }
}
