package dev.wirelab.engine.allowedips;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The static cases of the kernel's drivers/net/wireguard/selftest/allowedips.c
 * (wg_allowedips_selftest), every insert, lookup and removal in its order, as data. Addresses are
 * written as the kernel writes them: IPv4 as four octets, IPv6 as four 32-bit words, so each line
 * can be held against the C. Peers are a..h; NULL is no peer.
 *
 * <pre>
 * insert V PEER ADDRESS CIDR          wg_allowedips_insert_vV (host bits masked)
 * test V PEER ADDRESS                 lookup gives PEER
 * test_negative V PEER ADDRESS        lookup does not give PEER
 * remove V PEER ADDRESS CIDR removed  wg_allowedips_remove_vV, and whether it took the prefix away
 * remove V PEER ADDRESS CIDR kept       (the kernel returns 0 either way; here remove() says which)
 * remove_invalid_cidr V PEER ADDRESS CIDR   the kernel returns -EINVAL; here no Prefix can hold it
 * remove_by_peer PEER                 wg_allowedips_remove_by_peer
 * free                                wg_allowedips_free then wg_allowedips_init: an empty table
 * insert_max_bits_chain PEER          the loop of 128 /128 inserts that builds the deepest trie
 * peer_prefixes PEER V ADDRESS CIDR [, V ADDRESS CIDR ...]   the walk of PEER's allowedips_list
 * </pre>
 */
class KernelSelftestTest {

    private static final String SELFTEST = """
            insert 4 a 192 168 4 0 24
            insert 4 b 192 168 4 4 32
            insert 4 c 192 168 0 0 16
            insert 4 d 192 95 5 64 27
            # replaces previous entry, and maskself is required
            insert 4 c 192 95 5 65 27
            insert 6 d 0x26075300 0x60006b00 0 0xc05f0543 128
            insert 6 c 0x26075300 0x60006b00 0 0 64
            insert 4 e 0 0 0 0 0
            insert 6 e 0 0 0 0 0
            # replaces previous entry
            insert 6 f 0 0 0 0 0
            insert 6 g 0x24046800 0 0 0 32
            # maskself is required
            insert 6 h 0x24046800 0x40040800 0xdeadbeef 0xdeadbeef 64
            insert 6 a 0x24046800 0x40040800 0xdeadbeef 0xdeadbeef 128
            insert 6 c 0x24446800 0x40e40800 0xdeaebeef 0xdefbeef 128
            insert 6 b 0x24446800 0xf0e40800 0xeeaebeef 0 98
            insert 4 g 64 15 112 0 20
            # maskself is required
            insert 4 h 64 15 123 211 25
            insert 4 a 10 0 0 0 25
            insert 4 b 10 0 0 128 25
            insert 4 a 10 1 0 0 30
            insert 4 b 10 1 0 4 30
            insert 4 c 10 1 0 8 29
            insert 4 d 10 1 0 16 29

            test 4 a 192 168 4 20
            test 4 a 192 168 4 0
            test 4 b 192 168 4 4
            test 4 c 192 168 200 182
            test 4 c 192 95 5 68
            test 4 e 192 95 5 96
            test 6 d 0x26075300 0x60006b00 0 0xc05f0543
            test 6 c 0x26075300 0x60006b00 0 0xc02e01ee
            test 6 f 0x26075300 0x60006b01 0 0
            test 6 g 0x24046800 0x40040806 0 0x1006
            test 6 g 0x24046800 0x40040806 0x1234 0x5678
            test 6 f 0x240467ff 0x40040806 0x1234 0x5678
            test 6 f 0x24046801 0x40040806 0x1234 0x5678
            test 6 h 0x24046800 0x40040800 0x1234 0x5678
            test 6 h 0x24046800 0x40040800 0 0
            test 6 h 0x24046800 0x40040800 0x10101010 0x10101010
            test 6 a 0x24046800 0x40040800 0xdeadbeef 0xdeadbeef
            test 4 g 64 15 116 26
            test 4 g 64 15 127 3
            test 4 g 64 15 123 1
            test 4 h 64 15 123 128
            test 4 h 64 15 123 129
            test 4 a 10 0 0 52
            test 4 b 10 0 0 220
            test 4 a 10 1 0 2
            test 4 b 10 1 0 6
            test 4 c 10 1 0 10
            test 4 d 10 1 0 20

            insert 4 a 1 0 0 0 32
            insert 4 a 64 0 0 0 32
            insert 4 a 128 0 0 0 32
            insert 4 a 192 0 0 0 32
            insert 4 a 255 0 0 0 32
            remove_by_peer a
            test_negative 4 a 1 0 0 0
            test_negative 4 a 64 0 0 0
            test_negative 4 a 128 0 0 0
            test_negative 4 a 192 0 0 0
            test_negative 4 a 255 0 0 0

            insert 4 a 1 0 0 0 32
            insert 4 a 192 0 0 0 24
            insert 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef 128
            insert 6 a 0x24446800 0xf0e40800 0xeeaebeef 0 98
            test 4 a 1 0 0 0
            test 4 a 192 0 0 1
            test 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef
            test 6 a 0x24446800 0xf0e40800 0xeeaebeef 0x10101010
            # Must be an exact match to remove
            remove 4 a 192 0 0 0 32 kept
            test 4 a 192 0 0 1
            # NULL peer should have no effect and return 0
            remove 4 NULL 192 0 0 0 24 kept
            test 4 a 192 0 0 1
            # different peer should have no effect and return 0
            remove 4 b 192 0 0 0 24 kept
            test 4 a 192 0 0 1
            # invalid CIDR should have no effect and return -EINVAL
            remove_invalid_cidr 4 b 192 0 0 0 33
            test 4 a 192 0 0 1
            remove 4 a 192 0 0 0 24 removed
            test_negative 4 a 192 0 0 1
            remove 4 a 1 0 0 0 32 removed
            test_negative 4 a 1 0 0 0
            # Must be an exact match to remove
            remove 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef 96 kept
            test 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef
            # NULL peer should have no effect and return 0
            remove 6 NULL 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef 128 kept
            test 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef
            # different peer should have no effect and return 0
            remove 6 b 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef 128 kept
            test 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef
            # invalid CIDR should have no effect and return -EINVAL
            remove_invalid_cidr 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef 129
            test 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef
            remove 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef 128 removed
            test_negative 6 a 0x24446801 0x40e40800 0xdeaebeef 0xdefbeef
            # Must match the peer to remove
            remove 6 b 0x24446800 0xf0e40800 0xeeaebeef 0 98 kept
            test 6 a 0x24446800 0xf0e40800 0xeeaebeef 0x10101010
            remove 6 a 0x24446800 0xf0e40800 0xeeaebeef 0 98 removed
            test_negative 6 a 0x24446800 0xf0e40800 0xeeaebeef 0x10101010

            free
            insert 4 a 192 168 0 0 16
            insert 4 a 192 168 0 0 24
            remove_by_peer a
            test_negative 4 a 192 168 0 1

            # These will hit the WARN_ON(len >= MAX_ALLOWEDIPS_BITS) in free_node if something goes wrong.
            insert_max_bits_chain a
            free

            insert 4 a 192 95 5 93 27
            insert 6 a 0x26075300 0x60006b00 0 0xc05f0543 128
            insert 4 a 10 1 0 20 29
            insert 6 a 0x26075300 0x6d8a6bf8 0xdab1f1df 0xc05f1523 83
            insert 6 a 0x26075300 0x6d8a6bf8 0xdab1f1df 0xc05f1523 21
            peer_prefixes a 4 192 95 5 64 27, 6 0x26075300 0x60006b00 0 0xc05f0543 128, 4 10 1 0 16 29, 6 0x26075300 0x6d8a6bf8 0xdab1e000 0 83, 6 0x26075000 0 0 0 21
            """;

    /** With the jump table from the first node on, and as tables of this size have it: not at all. */
    @ParameterizedTest(name = "jump table from {0} nodes")
    @ValueSource(ints = {1, AllowedIps.JUMP_NODES_MIN})
    void kernelSelftestStaticCases(int jumpNodesMin) {
        AllowedIps<String> table = new AllowedIps<>(AllowedIps.MAX_PREFIXES, jumpNodesMin);
        String[] lines = SELFTEST.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = "selftest line " + (n + 1) + ": " + line;
            String[] t = line.split("\\s+");
            switch (t[0]) {
                case "insert" -> assertTrue(table.insert(prefix(t, 1, 3), peer(t[2])), where);
                case "test" -> assertEquals(peer(t[2]), table.lookup(address(t, 1, 3)), where);
                case "test_negative" -> assertNotEquals(peer(t[2]), table.lookup(address(t, 1, 3)), where);
                case "remove" -> {
                    boolean removed = switch (t[t.length - 1]) {
                        case "removed" -> true;
                        case "kept" -> false;
                        default -> throw new AssertionError("removed or kept? " + where);
                    };
                    assertEquals(removed, table.remove(prefix(t, 1, 3), peer(t[2])), where);
                }
                case "remove_invalid_cidr" -> {
                    int size = table.size();
                    assertThrows(IllegalArgumentException.class, () -> prefix(t, 1, 3), where);
                    assertEquals(size, table.size(), where);
                }
                case "remove_by_peer" -> table.removeByPeer(peer(t[1]));
                case "free" -> {
                    table.clear();
                    assertEquals(0, table.size(), where);
                    assertNull(table.ipv4.root, where);
                    assertNull(table.ipv6.root, where);
                }
                case "insert_max_bits_chain" -> {
                    insertMaxBitsChain(table, peer(t[1]), where);
                }
                case "peer_prefixes" -> {
                    // The kernel checks the five are there and nothing else; the list is in
                    // insertion order in both implementations, so the order is checked too.
                    List<Prefix> expected = new ArrayList<>();
                    for (String item : line.substring(line.indexOf(t[1]) + t[1].length()).split(",")) {
                        String[] words = item.strip().split("\\s+");
                        expected.add(prefix(words, 0, 1));
                    }
                    assertEquals(expected, table.prefixesOf(peer(t[1])), where);
                }
                default -> fail("unknown step: " + where);
            }
            TrieShape.check(table, where);
        }
    }

    /**
     * The kernel's loop: 128 IPv6 /128 inserts, each all ones but for one clear bit, bit i % 64 of
     * the low word for i < 64, of the high word after. Each pair parts at a different depth, so the
     * trie reaches its greatest depth (the kernel's fixed-size walk stacks would overflow).
     */
    private static void insertMaxBitsChain(AllowedIps<String> table, String peer, String where) {
        List<byte[]> addresses = new ArrayList<>();
        for (int i = 0; i < Prefix.IPV6_BITS; i++) {
            byte[] address = new byte[16];
            Arrays.fill(address, (byte) 0xff);
            long part = ~(1L << (i % 64));
            int at = i < 64 ? 8 : 0;
            for (int b = 0; b < 8; b++) {
                address[at + b] = (byte) (part >>> (56 - 8 * b));
            }
            assertTrue(table.insert(Prefix.of(address, 128), peer), where);
            addresses.add(address);
        }
        for (byte[] address : addresses) {
            assertEquals(peer, table.lookup(address), where);
        }
    }

    private static String peer(String name) {
        return name.equals("NULL") ? null : name;
    }

    /** The address in four tokens from {@code firstWordAt}, of the family in {@code tokens[versionAt]}. */
    private static byte[] address(String[] tokens, int versionAt, int firstWordAt) {
        int version = Integer.parseInt(tokens[versionAt]);
        byte[] address = new byte[version == 4 ? 4 : 16];
        for (int i = 0; i < 4; i++) {
            long word = Long.decode(tokens[firstWordAt + i]);
            if (version == 4) {
                address[i] = (byte) word;
            } else {
                for (int b = 0; b < 4; b++) {
                    address[4 * i + b] = (byte) (word >>> (24 - 8 * b));
                }
            }
        }
        return address;
    }

    /** As {@link #address}, the cidr in the token after the address. */
    private static Prefix prefix(String[] tokens, int versionAt, int firstWordAt) {
        return Prefix.of(address(tokens, versionAt, firstWordAt), Integer.parseInt(tokens[firstWordAt + 4]));
    }
}
