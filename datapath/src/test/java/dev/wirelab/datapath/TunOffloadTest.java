package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * TCP segmentation and checksum completion of TUN frames, checked with pcap4j's parsers and
 * checksum verification (code we did not write) on packets pcap4j built.
 */
class TunOffloadTest {
    private static final int MSS = 1380;
    /** pcap4j 1.8.2 predates ECN: CWR and ECE are the low two of its six "reserved" bits. */
    private static final byte CWR = 0b10;

    @Test
    void anIpv4SuperPacketBecomesMssSizedSegmentsWithValidChecksums() throws Exception {
        byte[] payload = random(5000, 1);
        Inet4Address src = (Inet4Address) InetAddress.getByName("198.51.100.1");
        Inet4Address dst = (Inet4Address) InetAddress.getByName("198.51.100.2");
        // Sequence number near 2^32: the segments' numbers wrap, as TCP's do.
        TcpPacket.Builder tcp = tcp(src, dst, 0xffff_f000, payload).psh(true).fin(true).reserved(CWR);
        byte[] superPacket = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .identification((short) 0xfffe).dontFragmentFlag(true).ttl((byte) 64).protocol(IpNumber.TCP)
                .srcAddr(src).dstAddr(dst).payloadBuilder(tcp).correctChecksumAtBuild(true).correctLengthAtBuild(true)
                .build().getRawData();
        List<byte[]> out = unpack(frame(TunOffload.F_NEEDS_CSUM, TunOffload.GSO_TCPV4, MSS, 20, 16, superPacket));

        assertEquals(4, out.size(), "5000 bytes in pieces of " + MSS);
        byte[] joined = new byte[0];
        for (int i = 0; i < out.size(); i++) {
            IpV4Packet ip = IpV4Packet.newPacket(out.get(i), 0, out.get(i).length);
            assertTrue(ip.getHeader().hasValidChecksum(false), "IPv4 header checksum of segment " + i);
            assertEquals(out.get(i).length, ip.getHeader().getTotalLengthAsInt(), "total length of segment " + i);
            assertEquals((0xfffe + i) & 0xffff, ip.getHeader().getIdentificationAsInt(), "identification of segment " + i);
            TcpPacket t = ip.get(TcpPacket.class);
            assertTrue(t.hasValidChecksum(src, dst, false), "TCP checksum of segment " + i);
            assertEquals((int) (0xffff_f000L + (long) i * MSS), t.getHeader().getSequenceNumber(), "sequence of segment " + i);
            boolean last = i == out.size() - 1;
            assertEquals(last, t.getHeader().getFin(), "FIN only on the last segment");
            assertEquals(last, t.getHeader().getPsh(), "PSH only on the last segment");
            assertEquals(i == 0 ? CWR : 0, t.getHeader().getReserved(), "CWR only on the first segment");
            assertTrue(t.getHeader().getAck(), "ACK on every segment");
            assertEquals(12, t.getHeader().getOptions().stream().mapToInt(o -> o.length()).sum(), "options copied");
            joined = concat(joined, t.getPayload().getRawData());
        }
        assertArrayEquals(payload, joined, "the segments carry the payload in order");
    }

    @Test
    void anIpv6SuperPacketBecomesSegmentsWithValidChecksums() throws Exception {
        byte[] payload = random(3000, 2);
        Inet6Address src = (Inet6Address) InetAddress.getByName("fd00:1::1");
        Inet6Address dst = (Inet6Address) InetAddress.getByName("fd00:1::2");
        byte[] superPacket = ipv6(src, dst, IpNumber.TCP, tcp(src, dst, 7, payload).psh(true)).build().getRawData();
        List<byte[]> out = unpack(frame(TunOffload.F_NEEDS_CSUM, TunOffload.GSO_TCPV6, 1000, 40, 16, superPacket));

        assertEquals(3, out.size());
        byte[] joined = new byte[0];
        for (int i = 0; i < out.size(); i++) {
            IpV6Packet ip = IpV6Packet.newPacket(out.get(i), 0, out.get(i).length);
            assertEquals(out.get(i).length - 40, ip.getHeader().getPayloadLengthAsInt(), "payload length of segment " + i);
            TcpPacket t = ip.get(TcpPacket.class);
            assertTrue(t.hasValidChecksum(src, dst, false), "TCP checksum of segment " + i);
            assertEquals(7 + i * 1000, t.getHeader().getSequenceNumber());
            assertEquals(i == out.size() - 1, t.getHeader().getPsh());
            joined = concat(joined, t.getPayload().getRawData());
        }
        assertArrayEquals(payload, joined);
    }

    @Test
    void aPacketWithItsChecksumLeftToUsGetsItFinished() throws Exception {
        Inet4Address src = (Inet4Address) InetAddress.getByName("198.51.100.1");
        Inet4Address dst = (Inet4Address) InetAddress.getByName("198.51.100.2");
        for (int size : new int[] {0, 1, 2, 3, 999}) {
            UdpPacket.Builder udp = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) 5353))
                    .dstPort(UdpPort.getInstance((short) 53)).srcAddr(src).dstAddr(dst)
                    .payloadBuilder(new UnknownPacket.Builder().rawData(random(size, size)))
                    .correctChecksumAtBuild(false).correctLengthAtBuild(true);
            byte[] packet = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                    .ttl((byte) 64).protocol(IpNumber.UDP).srcAddr(src).dstAddr(dst).payloadBuilder(udp)
                    .correctChecksumAtBuild(true).correctLengthAtBuild(true).build().getRawData();
            // What the kernel leaves in the field: the pseudo-header's sum, folded, not complemented.
            int udpLength = packet.length - 20;
            int seed = onesComplementSum16(Arrays.copyOfRange(packet, 12, 20)) + 17 + udpLength;
            seed = (seed & 0xffff) + (seed >>> 16);
            seed = (seed & 0xffff) + (seed >>> 16);
            packet[26] = (byte) (seed >>> 8);
            packet[27] = (byte) seed;
            assertFalse(IpV4Packet.newPacket(packet, 0, packet.length).get(UdpPacket.class).hasValidChecksum(src, dst, false),
                    "the checksum starts unfinished");

            List<byte[]> out = unpack(frame(TunOffload.F_NEEDS_CSUM, TunOffload.GSO_NONE, 0, 20, 6, packet));

            assertEquals(1, out.size());
            assertTrue(IpV4Packet.newPacket(out.get(0), 0, out.get(0).length).get(UdpPacket.class)
                    .hasValidChecksum(src, dst, false), "UDP checksum finished, " + size + "-byte payload");
        }
    }

    @Test
    void aFrameWithoutOffloadIsThePacketUnchanged() throws Exception {
        byte[] packet = random(100, 3);
        List<byte[]> out = unpack(frame(0, TunOffload.GSO_NONE, 0, 0, 0, packet));
        assertEquals(1, out.size());
        assertArrayEquals(packet, out.get(0));
    }

    /** Any bytes at all, and every truncation of a real super-packet: dropped or cut, never a throw. */
    @Test
    void malformedFramesAreDroppedNeverThrown() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        try {
            Inet4Address src = (Inet4Address) InetAddress.getByName("198.51.100.1");
            Inet4Address dst = (Inet4Address) InetAddress.getByName("198.51.100.2");
            byte[] superPacket = new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                    .ttl((byte) 64).protocol(IpNumber.TCP).srcAddr(src).dstAddr(dst)
                    .payloadBuilder(tcp(src, dst, 1, random(4000, 4))).correctChecksumAtBuild(true)
                    .correctLengthAtBuild(true).build().getRawData();
            byte[] good = frame(TunOffload.F_NEEDS_CSUM, TunOffload.GSO_TCPV4, MSS, 20, 16, superPacket);
            for (int length = 0; length <= good.length; length++) {
                checkBounded(Arrays.copyOf(good, length));
            }
            for (int i = 0; i < 200_000; i++) {
                byte[] f = new byte[random.nextInt(200)];
                random.nextBytes(f);
                if (random.nextBoolean()) {
                    f = Arrays.copyOf(good, random.nextInt(good.length + 1));
                    for (int flips = random.nextInt(4); flips >= 0 && f.length > 0; flips--) {
                        f[random.nextInt(Math.min(f.length, 80))] = (byte) random.nextInt();
                    }
                }
                checkBounded(f);
            }
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ": " + t, t);
        }
    }

    private static void checkBounded(byte[] frame) {
        List<byte[]> out = unpack(frame);
        assertTrue(out.size() <= TunOffload.MAX_SEGMENTS_PER_FRAME, "segments " + out.size());
        for (byte[] p : out) {
            assertTrue(p.length <= Math.max(0, frame.length - TunOffload.HEADER_BYTES), "a segment longer than its frame");
        }
    }

    private static List<byte[]> unpack(byte[] frame) {
        List<byte[]> out = new ArrayList<>();
        byte[] scratch = new byte[TunOffload.scratchBytes()];
        int n = TunOffload.unpack(frame, frame.length, scratch, (b, off, len) -> out.add(Arrays.copyOfRange(b, off, off + len)));
        assertEquals(out.size(), n, "the count returned is the packets handed over");
        return out;
    }

    private static byte[] frame(int flags, int gsoType, int gsoSize, int csumStart, int csumOffset, byte[] packet) {
        byte[] f = new byte[TunOffload.HEADER_BYTES + packet.length];
        f[0] = (byte) flags;
        f[1] = (byte) gsoType;
        int headerLength = 0; // hdr_len is a hint the unpacking does not rely on.
        int[] fields = {headerLength, gsoSize, csumStart, csumOffset};
        for (int i = 0; i < fields.length; i++) {
            f[2 + 2 * i] = (byte) fields[i];
            f[3 + 2 * i] = (byte) (fields[i] >>> 8);
        }
        System.arraycopy(packet, 0, f, TunOffload.HEADER_BYTES, packet.length);
        return f;
    }

    private static TcpPacket.Builder tcp(InetAddress src, InetAddress dst, int seq, byte[] payload) {
        return new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) 40000)).dstPort(TcpPort.getInstance((short) 5201))
                .sequenceNumber(seq).acknowledgmentNumber(12345).ack(true).window((short) 502)
                .options(List.of(org.pcap4j.packet.TcpNoOperationOption.getInstance(),
                        org.pcap4j.packet.TcpNoOperationOption.getInstance(),
                        new org.pcap4j.packet.TcpTimestampsOption.Builder().tsValue(1).tsEchoReply(2).correctLengthAtBuild(true).build()))
                .srcAddr(src).dstAddr(dst).payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .paddingAtBuild(true).correctChecksumAtBuild(true).correctLengthAtBuild(true);
    }

    private static Packet.Builder ipv6(Inet6Address src, Inet6Address dst, IpNumber next, Packet.Builder payload) {
        return new IpV6Packet.Builder().version(IpVersion.IPV6).trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                .flowLabel(IpV6SimpleFlowLabel.newInstance(0)).nextHeader(next).hopLimit((byte) 64).srcAddr(src)
                .dstAddr(dst).payloadBuilder(payload).correctLengthAtBuild(true);
    }

    private static int onesComplementSum16(byte[] b) {
        int sum = 0;
        for (int i = 0; i + 1 < b.length; i += 2) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        return sum;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
