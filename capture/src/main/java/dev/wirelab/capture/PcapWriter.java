package dev.wirelab.capture;

import dev.wirelab.engine.Endpoint;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.IpV6SimpleFlowLabel;
import org.pcap4j.packet.IpV6SimpleTrafficClass;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;
import org.pcap4j.util.MacAddress;

/**
 * Writes UDP datagrams between IPv4 or IPv6 endpoints into a classic pcap file as Ethernet frames
 * (LINKTYPE_ETHERNET), the way they would look on a wire.
 *
 * <p>pcap4j 1.8.2 builds the Ethernet, IP and UDP headers, lengths and checksums included (UDP
 * over the IPv4 or IPv6 pseudo-header), so no byte of the framing comes from wirelab code and
 * tshark's checksum verdicts are an independent check of it. The file container itself (a 24-byte
 * header, 16 bytes before each frame) is written here rather than by libpcap's pcap_dump: it needs
 * no native library at run time (the {@code wirelab} jar runs where libpcap is missing), the bytes
 * depend only on the frames, and the nanosecond variant (magic {@code 0xa1b23c4d}) keeps virtual
 * timestamps exact where pcap_dump would round them to microseconds.
 *
 * <p>Not thread-safe; frames are written in the order given, which readers expect to be time order.
 */
public final class PcapWriter implements Closeable {
    /** Classic pcap with nanosecond timestamps (libpcap's PCAP_NSEC_MAGIC), written little-endian. */
    private static final int MAGIC_NANOSECONDS = 0xa1b23c4d;
    private static final short VERSION_MAJOR = 2;
    private static final short VERSION_MINOR = 4;
    private static final int LINKTYPE_ETHERNET = 1;
    /** The snap length in the file header; a UDP datagram in an Ethernet frame never exceeds it. */
    public static final int SNAP_LENGTH_BYTES = 65_535 + 14 + 40 + 8;
    private static final byte HOP_LIMIT = 64;

    private final OutputStream out;
    private final ByteBuffer recordHeader = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    private short identification = 1;
    private long frames;

    private PcapWriter(OutputStream out) throws IOException {
        this.out = out;
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(MAGIC_NANOSECONDS).putShort(VERSION_MAJOR).putShort(VERSION_MINOR)
                .putInt(0) // thiszone: timestamps are UTC
                .putInt(0) // sigfigs
                .putInt(SNAP_LENGTH_BYTES)
                .putInt(LINKTYPE_ETHERNET);
        out.write(h.array());
    }

    /** Creates (or truncates) {@code file} and writes the pcap file header. */
    public static PcapWriter open(Path file) throws IOException {
        return open(new BufferedOutputStream(Files.newOutputStream(file)));
    }

    /** Writes the pcap file header to {@code out}; closing the writer closes {@code out}. */
    public static PcapWriter open(OutputStream out) throws IOException {
        return new PcapWriter(out);
    }

    /**
     * Appends one frame carrying {@code payload} from {@code from} to {@code to} (both IPv4 or both
     * IPv6), stamped at {@code epochNanos} (nanoseconds since the Unix epoch, not negative).
     */
    public void udp(Endpoint from, Endpoint to, byte[] payload, long epochNanos) throws IOException {
        if (epochNanos < 0) {
            throw new IllegalArgumentException("pcap timestamps start at the Unix epoch, got " + epochNanos + " ns");
        }
        byte[] frame = frame(from, to, payload);
        recordHeader.clear();
        recordHeader.putInt((int) (epochNanos / 1_000_000_000L))
                .putInt((int) (epochNanos % 1_000_000_000L))
                .putInt(frame.length) // captured length
                .putInt(frame.length); // length on the wire
        out.write(recordHeader.array());
        out.write(frame);
        frames++;
    }

    /** How many frames were written. */
    public long frames() {
        return frames;
    }

    /** The Ethernet frame for one UDP datagram, headers and checksums built by pcap4j. */
    byte[] frame(Endpoint from, Endpoint to, byte[] payload) {
        InetAddress src = inet(from);
        InetAddress dst = inet(to);
        if (src.getClass() != dst.getClass()) {
            throw new IllegalArgumentException("one datagram cannot go from " + from + " to " + to);
        }
        UdpPacket.Builder udp = new UdpPacket.Builder()
                .srcPort(UdpPort.getInstance((short) from.port()))
                .dstPort(UdpPort.getInstance((short) to.port()))
                // The UDP checksum covers the IP pseudo-header, hence the addresses here too.
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        boolean v4 = src instanceof Inet4Address;
        Packet.Builder ip = v4
                ? ipv4((Inet4Address) src, (Inet4Address) dst, IpNumber.UDP, identification++, udp)
                : ipv6((Inet6Address) src, (Inet6Address) dst, IpNumber.UDP, udp);
        return new EthernetPacket.Builder()
                .srcAddr(mac(from))
                .dstAddr(mac(to))
                .type(v4 ? EtherType.IPV4 : EtherType.IPV6)
                .payloadBuilder(ip)
                .paddingAtBuild(true)
                .build()
                .getRawData();
    }

    /**
     * An IPv4 header (no options, DF set, TTL 64) around {@code payload}; pcap4j fills in the
     * header length, total length and header checksum when the packet is built.
     */
    public static IpV4Packet.Builder ipv4(Inet4Address src, Inet4Address dst, IpNumber protocol, short identification,
            Packet.Builder payload) {
        return new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .identification(identification)
                .dontFragmentFlag(true)
                .ttl(HOP_LIMIT)
                .protocol(protocol)
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(payload)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
    }

    /** An IPv6 header (no extension headers, hop limit 64); pcap4j fills in the payload length. */
    public static IpV6Packet.Builder ipv6(Inet6Address src, Inet6Address dst, IpNumber nextHeader, Packet.Builder payload) {
        return new IpV6Packet.Builder()
                .version(IpVersion.IPV6)
                .trafficClass(IpV6SimpleTrafficClass.newInstance((byte) 0))
                .flowLabel(IpV6SimpleFlowLabel.newInstance(0))
                .nextHeader(nextHeader)
                .hopLimit(HOP_LIMIT)
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(payload)
                .correctLengthAtBuild(true);
    }

    /** The endpoint's address as a java.net address, for pcap4j. */
    public static InetAddress inet(Endpoint endpoint) {
        return inet(endpoint.address().toByteArray());
    }

    public static InetAddress inet(byte[] address) {
        if (address.length != 4 && address.length != 16) {
            throw new IllegalArgumentException("an IP address is 4 or 16 bytes, got " + address.length);
        }
        try {
            InetAddress a = InetAddress.getByAddress(address);
            // getByAddress turns an IPv4-mapped IPv6 address into IPv4; keep the family we were given.
            return address.length == 16 && a instanceof Inet4Address ? Inet6Address.getByAddress(null, address, -1) : a;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address", e);
        }
    }

    /**
     * A locally administered MAC, 02:00 then the last four bytes of the IP address, so each host has a
     * stable, readable one (02:00:c0:00:02:01 for 192.0.2.1).
     */
    private static MacAddress mac(Endpoint endpoint) {
        byte[] a = endpoint.address().toByteArray();
        int n = a.length;
        return MacAddress.getByAddress(new byte[] {0x02, 0x00, a[n - 4], a[n - 3], a[n - 2], a[n - 1]});
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
