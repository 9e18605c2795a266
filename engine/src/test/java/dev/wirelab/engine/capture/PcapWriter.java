package dev.wirelab.engine.capture;

import dev.wirelab.engine.Endpoint;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.sql.Timestamp;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.UdpPort;
import org.pcap4j.util.MacAddress;

/**
 * Writes UDP datagrams between IPv4 endpoints into a classic pcap file (linktype 1, Ethernet), as
 * they would look on a wire. pcap4j builds the Ethernet, IPv4 and UDP headers (lengths and
 * checksums included) and libpcap's pcap_dump writes the file, so no byte of the framing comes
 * from wirelab code: the capture is an independent witness of what the engine encoded.
 *
 * <p>The general writer (IPv4 and IPv6, nanosecond pcap, no libpcap) is the simulator's
 * dev.wirelab.sim.capture.PcapWriter; engine cannot depend on the simulator, so this small IPv4-only
 * helper stays for the engine's own oracle test.
 */
final class PcapWriter implements AutoCloseable {
    /** Large enough for any datagram we write; the snap length stored in the pcap header. */
    private static final int SNAP_LENGTH_BYTES = 65_535;
    private static final byte TTL = 64;

    private final PcapHandle handle;
    private final PcapDumper dumper;
    private short identification = 1;

    private PcapWriter(PcapHandle handle, PcapDumper dumper) {
        this.handle = handle;
        this.dumper = dumper;
    }

    static PcapWriter open(Path file) throws PcapNativeException, NotOpenException {
        PcapHandle handle = Pcaps.openDead(DataLinkType.EN10MB, SNAP_LENGTH_BYTES);
        try {
            return new PcapWriter(handle, handle.dumpOpen(file.toString()));
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    /** Appends one frame carrying {@code payload} from {@code from} to {@code to}, stamped at {@code epochNanos}. */
    void udp(Endpoint from, Endpoint to, byte[] payload, long epochNanos) throws NotOpenException {
        Inet4Address src = inet4(from);
        Inet4Address dst = inet4(to);
        UdpPacket.Builder udp = new UdpPacket.Builder()
                .srcPort(UdpPort.getInstance((short) from.port()))
                .dstPort(UdpPort.getInstance((short) to.port()))
                // The UDP checksum covers the IPv4 pseudo-header, hence the addresses here too.
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(new UnknownPacket.Builder().rawData(payload))
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        IpV4Packet.Builder ip = ipv4(src, dst, IpNumber.UDP, identification++, udp);
        EthernetPacket frame = new EthernetPacket.Builder()
                .srcAddr(mac(from))
                .dstAddr(mac(to))
                .type(EtherType.IPV4)
                .payloadBuilder(ip)
                .paddingAtBuild(true)
                .build();
        Timestamp at = new Timestamp(Math.floorDiv(epochNanos, 1_000_000L));
        at.setNanos((int) Math.floorMod(epochNanos, 1_000_000_000L));
        dumper.dump(frame, at);
    }

    /**
     * An IPv4 header (no options, DF set, TTL 64) around {@code payload}; pcap4j fills in the
     * header length, total length and header checksum when the packet is built.
     */
    static IpV4Packet.Builder ipv4(Inet4Address src, Inet4Address dst, IpNumber protocol, short identification,
            Packet.Builder payload) {
        return new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .identification(identification)
                .dontFragmentFlag(true)
                .ttl(TTL)
                .protocol(protocol)
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(payload)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
    }

    static Inet4Address inet4(Endpoint endpoint) {
        if (endpoint.address().length() != 4) {
            throw new IllegalArgumentException("PcapWriter writes IPv4 only, got " + endpoint);
        }
        return inet4(endpoint.address().toByteArray());
    }

    static Inet4Address inet4(byte[] address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv4 address", e);
        }
    }

    /** A locally administered MAC (02:00 then the IPv4 address), so each host has a stable, readable one. */
    private static MacAddress mac(Endpoint endpoint) {
        byte[] a = endpoint.address().toByteArray();
        return MacAddress.getByAddress(new byte[] {0x02, 0x00, a[0], a[1], a[2], a[3]});
    }

    @Override
    public void close() {
        dumper.close();
        handle.close();
    }
}
