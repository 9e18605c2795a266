package dev.wirelab.engine.allowedips;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PrefixTest {

    /** Input, canonical form (host bits masked, RFC 5952), address bytes in hex. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.0/24            | 192.0.2.0/24              | c0000200
            192.0.2.7/24            | 192.0.2.0/24              | c0000200
            192.0.2.255/25          | 192.0.2.128/25            | c0000280
            255.255.255.255/32      | 255.255.255.255/32        | ffffffff
            255.255.255.255/0       | 0.0.0.0/0                 | 00000000
            10.1.0.20/29            | 10.1.0.16/29              | 0a010010
            0.0.0.0/0               | 0.0.0.0/0                 | 00000000
            10.0.0.1/032            | 10.0.0.1/32               | 0a000001
            2001:db8::/32           | 2001:db8::/32             | 20010db8000000000000000000000000
            2001:DB8:0:0:0:0:0:1/128 | 2001:db8::1/128          | 20010db8000000000000000000000001
            2001:0db8:0000:0000:0000:0000:0000:0001/128 | 2001:db8::1/128 | 20010db8000000000000000000000001
            ::/0                    | ::/0                      | 00000000000000000000000000000000
            ::1/128                 | ::1/128                   | 00000000000000000000000000000001
            1::/16                  | 1::/16                    | 00010000000000000000000000000000
            2001:db8::1:0:0:1/128   | 2001:db8::1:0:0:1/128     | 20010db8000000000001000000000001
            2001:0:0:1:0:0:0:1/128  | 2001:0:0:1::1/128         | 20010000000000010000000000000001
            2001:db8:0:1:1:1:1:1/128 | 2001:db8:0:1:1:1:1:1/128 | 20010db8000000010001000100010001
            2001:db8:0:0:1:0:0:1/128 | 2001:db8::1:0:0:1/128    | 20010db8000000000001000000000001
            1:0:0:2:0:0:0:3/128     | 1:0:0:2::3/128            | 00010000000000020000000000000003
            1:2:3:4:5:6:7:8/128     | 1:2:3:4:5:6:7:8/128       | 00010002000300040005000600070008
            1:2:3:4:5:6:7::/128     | 1:2:3:4:5:6:7:0/128       | 00010002000300040005000600070000
            ::2:3:4:5:6:7:8/128     | 0:2:3:4:5:6:7:8/128       | 00000002000300040005000600070008
            2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/83 | 2607:5300:6d8a:6bf8:dab1:e000::/83 | 260753006d8a6bf8dab1e00000000000
            2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/21 | 2607:5000::/21 | 26075000000000000000000000000000
            ::ffff:192.0.2.1/128    | ::ffff:192.0.2.1/128      | 00000000000000000000ffffc0000201
            ::ffff:c000:201/128     | ::ffff:192.0.2.1/128      | 00000000000000000000ffffc0000201
            ::192.0.2.1/128         | ::c000:201/128            | 000000000000000000000000c0000201
            64:ff9b::192.0.2.33/128 | 64:ff9b::c000:221/128     | 0064ff9b0000000000000000c0000221
            1:2:3:4:5:6:1.2.3.4/128 | 1:2:3:4:5:6:102:304/128   | 00010002000300040005000601020304
            fe80::1:2/64            | fe80::/64                 | fe800000000000000000000000000000
            """)
    void parsesMasksAndPrintsCanonically(String text, String canonical, String addressHex) {
        Prefix prefix = Prefix.parse(text);
        assertEquals(canonical, prefix.toString(), text);
        assertArrayEquals(HexFormat.of().parseHex(addressHex), prefix.address().toByteArray(), text);
        assertEquals(prefix, Prefix.parse(canonical), "the canonical form parses back to the same prefix");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "/", "/24", "192.0.2.0/", "192.0.2.0/a", "192.0.2.0/-1", "192.0.2.0/+24", "192.0.2.0/ 24",
        "192.0.2.0/24 ", " 192.0.2.0/24", "192.0.2.0/24/24", "192.0.2.0/1000",
        "192.0.2/24", "192.0.2.0.0/24", "192.0.2.256/32", "192.0.2.-1/32", "192.0.02.0/24", "192.0.2.0x1/32",
        "192..2.0/24", ".192.0.2.0/24", "192.0.2.0./24", "1.2.3.4.5/32", "localhost/32",
        "1:2:3:4:5:6:7/128", "1:2:3:4:5:6:7:8:9/128", "1:2:3:4:5:6:7:8::/128", "::1:2:3:4:5:6:7:8/128",
        "1::2::3/128", ":::/0", ":1::/16", "1::2:/128", "1:/16", ":/0", "12345::/16", "g::/16", "1:2:3:4:5:6:7:8:/128",
        "fe80::1%eth0/64", "[::1]/128", "::1.2.3/128", "::1.2.3.4.5/128", "::1.2.3.4:5/128", "1.2.3.4::/128",
        "1:2:3:4:5:6:7:1.2.3.4/128", "::256.1.1.1/128", "::ffff:01.2.3.4/128",
    })
    void rejectsWhatIsNotAPrefixAndNamesIt(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parse(text));
        assertTrue(e.getMessage().startsWith("not an IPv4 or IPv6 prefix: \"" + text + "\""), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            192.0.2.0/33 | cidr 33 out of range 0..32 in "192.0.2.0/33"
            0.0.0.0/999  | cidr 999 out of range 0..32 in "0.0.0.0/999"
            ::/129       | cidr 129 out of range 0..128 in "::/129"
            """)
    void rejectsACidrOutOfRange(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aBareAddressIsRefusedAsWgUapiDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parse("192.0.2.1"));
        assertEquals("not an IPv4 or IPv6 prefix: \"192.0.2.1\" (no /cidr)", e.getMessage());
    }

    @Test
    void ofMasksHostBitsAndLeavesTheCallersArrayAlone() {
        byte[] address = {(byte) 192, 95, 5, 65};
        Prefix prefix = Prefix.of(address, 27);
        assertEquals("192.95.5.64/27", prefix.toString());
        assertArrayEquals(new byte[] {(byte) 192, 95, 5, 65}, address);
        assertEquals(prefix, Prefix.of(new byte[] {(byte) 192, 95, 5, 64}, 27));
        assertEquals(prefix, new Prefix(Bytes.of(address), 27), "the canonical constructor masks too");
        assertEquals(prefix.hashCode(), Prefix.of(new byte[] {(byte) 192, 95, 5, 95}, 27).hashCode());
    }

    @Test
    void ofRefusesABadLengthOrCidr() {
        assertEquals("an address is 4 or 16 bytes, got 5",
                assertThrows(IllegalArgumentException.class, () -> Prefix.of(new byte[5], 8)).getMessage());
        assertEquals("cidr 33 out of range 0..32 for an IPv4 prefix",
                assertThrows(IllegalArgumentException.class, () -> Prefix.of(new byte[4], 33)).getMessage());
        assertEquals("cidr -1 out of range 0..128 for an IPv6 prefix",
                assertThrows(IllegalArgumentException.class, () -> Prefix.of(new byte[16], -1)).getMessage());
        assertEquals("cidr 129 out of range 0..128 for an IPv6 prefix",
                assertThrows(IllegalArgumentException.class, () -> Prefix.of(new byte[16], 129)).getMessage());
    }

    @Test
    void everyCidrMasksExactlyTheHostBits() {
        byte[] ones = new byte[16];
        java.util.Arrays.fill(ones, (byte) 0xff);
        for (int cidr = 0; cidr <= 128; cidr++) {
            byte[] address = Prefix.of(ones, cidr).address().toByteArray();
            for (int bit = 0; bit < 128; bit++) {
                boolean set = (address[bit / 8] & (0x80 >>> (bit % 8))) != 0;
                assertEquals(bit < cidr, set, "cidr " + cidr + " bit " + bit);
            }
        }
    }

    @Test
    void containsTestsTheNetworkBitsOfTheSameFamily() {
        Prefix net = Prefix.parse("192.0.2.128/25");
        assertTrue(net.contains(new byte[] {(byte) 192, 0, 2, (byte) 200}));
        assertTrue(net.contains(new byte[] {(byte) 192, 0, 2, (byte) 128}));
        assertFalse(net.contains(new byte[] {(byte) 192, 0, 2, 127}));
        assertFalse(net.contains(new byte[16]));
        assertTrue(Prefix.parse("::/0").contains(new byte[16]));
        assertFalse(Prefix.parse("::/0").contains(new byte[4]));
        assertTrue(Prefix.parse("0.0.0.0/0").contains(new byte[] {1, 2, 3, 4}));
    }

    @Test
    void familyAndBits() {
        assertTrue(Prefix.parse("10.0.0.0/8").isIpv4());
        assertEquals(32, Prefix.parse("10.0.0.0/8").addressBits());
        assertFalse(Prefix.parse("::ffff:10.0.0.0/104").isIpv4(), "a mapped address is an IPv6 prefix");
        assertEquals(128, Prefix.parse("::/0").addressBits());
    }

    @Test
    void trieWordsRoundTrip() {
        for (String text : new String[] {"192.0.2.0/24", "255.255.255.255/32", "2001:db8:1:2:3:4:5:6/128", "::/0"}) {
            Prefix prefix = Prefix.parse(text);
            assertEquals(prefix, Prefix.fromWords(!prefix.isIpv4(), prefix.high(), prefix.low(), prefix.cidr()));
        }
        assertEquals(0xc0000200_00000000L, Prefix.parse("192.0.2.0/24").high(), "IPv4 in the top half");
        assertEquals(0L, Prefix.parse("192.0.2.0/24").low());
    }
}
