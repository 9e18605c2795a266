package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpNoOperationOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.pcap4j.packet.namednumber.UdpPort;

/**
 * Joining decrypted TCP segments into super-packets, checked as a property against the simplest
 * model: cutting every joined frame apart again (as the kernel will) must give back exactly the
 * packets that went in, each flow's in its order. Packets are built by pcap4j, and the checksum a
 * joined frame leaves for the kernel to finish is verified by pcap4j.
 */
class TunCoalescerTest {
    private static final int TRIALS = 400;

    /** One TCP connection of the generator, with what its next segment carries. */
    private static final class Flow {
        final InetAddress src;
        final InetAddress dst;
        final int srcPort;
        final int mss;
        int seq;
        int id;
        int tsval = 1000;

        Flow(String src, String dst, int srcPort, int mss, int seq) throws Exception {
            this.src = InetAddress.getByName(src);
            this.dst = InetAddress.getByName(dst);
            this.srcPort = srcPort;
            this.mss = mss;
            this.seq = seq;
        }

        byte[] segment(int payloadBytes, boolean psh, Random random) {
            TcpPacket.Builder tcp = new TcpPacket.Builder().srcPort(TcpPort.getInstance((short) srcPort))
                    .dstPort(TcpPort.getInstance((short) 5201)).sequenceNumber(seq).acknowledgmentNumber(77)
                    .ack(true).psh(psh).window((short) 500)
                    .options(List.of(TcpNoOperationOption.getInstance(), TcpNoOperationOption.getInstance(),
                            new TcpTimestampsOption.Builder().tsValue(tsval).tsEchoReply(5).correctLengthAtBuild(true).build()))
                    .srcAddr(src).dstAddr(dst).payloadBuilder(payloadBytes == 0 ? null
                            : new UnknownPacket.Builder().rawData(bytes(payloadBytes, random)))
                    .paddingAtBuild(true).correctChecksumAtBuild(true).correctLengthAtBuild(true);
            seq += payloadBytes;
            return ip(src, dst, IpNumber.TCP, id++, tcp);
        }
    }

    @Test
    void cuttingJoinedFramesApartGivesBackEveryPacketInFlowOrder() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        TunCoalescer coalescer = new TunCoalescer();
        byte[] frameScratch = new byte[Tun.MAX_FRAME_BYTES];
        byte[] cutScratch = new byte[TunOffload.scratchBytes()];
        int joinedFrames = 0;
        int packetsIn = 0;
        int writesOut = 0;
        try {
            List<Flow> flows = List.of(
                    new Flow("198.51.100.1", "198.51.100.2", 40001, 1368, 0xffff_0000), // sequence numbers wrap
                    new Flow("198.51.100.1", "198.51.100.2", 40002, 1368, 5),
                    new Flow("fd00:1::1", "fd00:1::2", 40003, 1348, 9));
            for (int trial = 0; trial < TRIALS; trial++) {
                List<byte[]> in = new ArrayList<>();
                int n = 1 + random.nextInt(48);
                for (int i = 0; i < n; i++) {
                    Flow f = flows.get(random.nextInt(random.nextInt(4) == 0 ? 3 : 1)); // mostly one bulk flow
                    int roll = random.nextInt(100);
                    byte[] p;
                    if (roll < 70) {
                        p = f.segment(f.mss, false, random);
                    } else if (roll < 76) {
                        p = f.segment(1 + random.nextInt(f.mss), random.nextBoolean(), random); // short, maybe pushed
                    } else if (roll < 80) {
                        p = f.segment(f.mss, true, random);
                    } else if (roll < 84) {
                        p = f.segment(0, false, random); // pure ACK
                    } else if (roll < 88) {
                        f.seq += f.mss; // a segment lost on the way: a gap
                        p = f.segment(f.mss, false, random);
                    } else if (roll < 91) {
                        f.tsval++; // the timestamp option moves on
                        p = f.segment(f.mss, false, random);
                    } else if (roll < 94) {
                        p = f.segment(f.mss, false, random);
                        p[10] ^= 1; // IPv4 header checksum broken (the kernel checks it): written alone
                        if ((p[0] & 0xf0) != 0x40) {
                            p[10] ^= 1; // IPv6 has none
                        }
                    } else {
                        p = udp(random);
                    }
                    in.add(p);
                }
                List<byte[]> out = new ArrayList<>();
                int[] joined = {0};
                coalescer.write(in, in.size(), frameScratch, new TunCoalescer.Output() {
                    @Override
                    public void packet(byte[] packet) {
                        out.add(packet.clone());
                    }

                    @Override
                    public void frame(byte[] frame, int length) {
                        joined[0]++;
                        checkChecksumLeftForTheKernel(frame, length);
                        int cut = TunOffload.unpack(frame, length, cutScratch,
                                (b, off, len) -> out.add(Arrays.copyOfRange(b, off, off + len)));
                        assertTrue(cut > 1, "a joined frame holds at least two segments");
                    }
                });
                packetsIn += in.size();
                writesOut += in.size() - out.size() + joined[0];
                joinedFrames += joined[0];
                assertEquals(in.size(), out.size(), "trial " + trial + ": packets in and out");
                Map<String, List<byte[]>> inByFlow = byFlow(in);
                Map<String, List<byte[]>> outByFlow = byFlow(out);
                assertEquals(inByFlow.keySet(), outByFlow.keySet());
                for (String flow : inByFlow.keySet()) {
                    List<byte[]> a = inByFlow.get(flow);
                    List<byte[]> b = outByFlow.get(flow);
                    for (int i = 0; i < a.size(); i++) {
                        assertArrayEquals(a.get(i), b.get(i), "trial " + trial + ", flow " + flow + ", packet " + i);
                    }
                }
            }
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed + ": " + t, t);
        }
        assertTrue(joinedFrames > TRIALS, "the generator's bulk flow gets joined: " + joinedFrames + " joined frames");
        assertTrue(writesOut < packetsIn / 2, "fewer writes than packets: " + writesOut + " for " + packetsIn);
    }

    /** The kernel finishes a joined frame's TCP checksum from the field's pseudo-header sum; finished here as it would. */
    private static void checkChecksumLeftForTheKernel(byte[] frame, int length) {
        assertEquals(TunOffload.F_NEEDS_CSUM, frame[0]);
        byte[] asOne = Arrays.copyOf(frame, length);
        asOne[1] = TunOffload.GSO_NONE;
        List<byte[]> finished = new ArrayList<>();
        TunOffload.unpack(asOne, length, new byte[TunOffload.scratchBytes()],
                (b, off, len) -> finished.add(Arrays.copyOfRange(b, off, off + len)));
        byte[] p = finished.getFirst();
        Packet parsed = parse(p);
        TcpPacket tcp = parsed.get(TcpPacket.class);
        InetAddress src = parsed instanceof IpV4Packet v4 ? v4.getHeader().getSrcAddr() : ((IpV6Packet) parsed).getHeader().getSrcAddr();
        InetAddress dst = parsed instanceof IpV4Packet v4 ? v4.getHeader().getDstAddr() : ((IpV6Packet) parsed).getHeader().getDstAddr();
        assertTrue(tcp.hasValidChecksum(src, dst, false), "the joined frame's checksum, once finished, is valid");
        if (parsed instanceof IpV4Packet v4) {
            assertTrue(v4.getHeader().hasValidChecksum(false), "the joined frame's IPv4 header checksum");
            assertEquals(p.length, v4.getHeader().getTotalLengthAsInt());
        }
    }

    private static Map<String, List<byte[]>> byFlow(List<byte[]> packets) {
        Map<String, List<byte[]>> m = new HashMap<>();
        for (byte[] p : packets) {
            Packet parsed = parse(p);
            String key = parsed.get(TcpPacket.class) != null ? "tcp " + parsed.get(TcpPacket.class).getHeader().getSrcPort()
                    : "udp";
            m.computeIfAbsent((p[0] >> 4) + " " + key, k -> new ArrayList<>()).add(p);
        }
        return m;
    }

    private static Packet parse(byte[] p) {
        try {
            return (p[0] & 0xf0) == 0x40 ? IpV4Packet.newPacket(p, 0, p.length) : IpV6Packet.newPacket(p, 0, p.length);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] udp(Random random) throws Exception {
        InetAddress src = InetAddress.getByName("198.51.100.1");
        InetAddress dst = InetAddress.getByName("198.51.100.2");
        UdpPacket.Builder udp = new UdpPacket.Builder().srcPort(UdpPort.getInstance((short) 5353))
                .dstPort(UdpPort.getInstance((short) 53)).srcAddr(src).dstAddr(dst)
                .payloadBuilder(new UnknownPacket.Builder().rawData(bytes(1 + random.nextInt(200), random)))
                .correctChecksumAtBuild(true).correctLengthAtBuild(true);
        return ip(src, dst, IpNumber.UDP, random.nextInt(), udp);
    }

    private static byte[] ip(InetAddress src, InetAddress dst, IpNumber protocol, int id, Packet.Builder payload) {
        if (src instanceof java.net.Inet4Address s4) {
            return new IpV4Packet.Builder().version(IpVersion.IPV4).tos(IpV4Rfc791Tos.newInstance((byte) 0))
                    .identification((short) id).dontFragmentFlag(true).ttl((byte) 64).protocol(protocol).srcAddr(s4)
                    .dstAddr((java.net.Inet4Address) dst).payloadBuilder(payload).correctChecksumAtBuild(true)
                    .correctLengthAtBuild(true).build().getRawData();
        }
        return new IpV6Packet.Builder().version(IpVersion.IPV6).trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                .flowLabel(IpV6SimpleFlowLabel.newInstance(0)).nextHeader(protocol).hopLimit((byte) 64)
                .srcAddr((java.net.Inet6Address) src).dstAddr((java.net.Inet6Address) dst).payloadBuilder(payload)
                .correctLengthAtBuild(true).build().getRawData();
    }

    private static byte[] bytes(int n, Random random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
