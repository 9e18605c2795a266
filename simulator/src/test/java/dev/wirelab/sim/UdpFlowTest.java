package dev.wirelab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class UdpFlowTest {
    private static final byte[] A4 = {10, 0, 0, 1};
    private static final byte[] B4 = {10, 0, 0, 2};
    private static final byte[] A6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    private static final byte[] B6 = {(byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

    @Test
    void ipv4PacketsHaveValidHeaderAndUdpChecksums() {
        byte[] p = UdpFlow.packet(A4, B4, 40000, 53, 7, 9, 1, 300, 101);
        assertEquals(20 + 8 + 101, p.length);
        assertEquals(0, Icmp.checksum(p, 0, 20, 0), "IPv4 header checksum");
        assertEquals(0, Icmp.checksum(p, 20, p.length - 20, UdpFlow.pseudoHeaderSum(A4, B4, p.length - 20)), "UDP checksum");
        UdpFlow.Packet parsed = UdpFlow.parse(p);
        assertNotNull(parsed);
        assertEquals(40000, parsed.sourcePort());
        assertEquals(53, parsed.destinationPort());
        assertEquals(7, parsed.flow());
        assertEquals(9, parsed.sequence());
        assertEquals(1, parsed.kind());
        assertEquals(300, parsed.responseSize());
    }

    @Test
    void ipv6PacketsHaveAValidUdpChecksum() {
        byte[] p = UdpFlow.packet(A6, B6, 40000, 5001, 1, 2, 0, 0, 1200);
        assertEquals(40 + 8 + 1200, p.length);
        assertEquals(8 + 1200, (p[4] & 0xff) << 8 | (p[5] & 0xff), "payload length");
        assertEquals(0, Icmp.checksum(p, 40, p.length - 40, UdpFlow.pseudoHeaderSum(A6, B6, p.length - 40)));
        assertNotNull(UdpFlow.parse(p));
    }

    @Test
    void aCorruptedPacketDoesNotParse() {
        for (byte[] p : new byte[][] {UdpFlow.packet(A4, B4, 1, 2, 3, 4, 0, 0, 50), UdpFlow.packet(A6, B6, 1, 2, 3, 4, 0, 0, 50)}) {
            p[p.length - 1] ^= 1;
            assertNull(UdpFlow.parse(p));
        }
        assertNull(UdpFlow.parse(Icmp.echoRequest(A4, B4, 1, 1, 56)), "ICMP is not a flow");
    }
}
