package dev.wirelab.viz;

import dev.wirelab.engine.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 and UDP headers of the packets in a packet's journey, field by field: the inner packet
 * an application sends into the tunnel, and the outer datagram that carries the WireGuard message.
 * IPv4 without options only: the journey builds its packets with {@link dev.wirelab.sim.UdpFlow#udp}.
 */
final class IpLayout {
    private IpLayout() {}

    static final int IPV4_HEADER = 20;
    static final int UDP_HEADER = 8;

    /** The 20-byte IPv4 header at {@code base}; {@code role} says whose packet it is ("inner", "outer"). */
    static List<Annotated.Field> ipv4(byte[] p, int base, String role) {
        List<Annotated.Field> f = new ArrayList<>();
        add(f, p, base, 0, 1, "version, header length", "0x45: IPv4, header of 5 × 4 = 20 bytes (no options)", "ipv4");
        add(f, p, base, 1, 1, "DSCP, ECN", "traffic class, 0 here", "ipv4");
        add(f, p, base, 2, 2, "total length", (u16(p, base + 2)) + " bytes, header included", "ipv4");
        add(f, p, base, 4, 2, "identification", "fragment reassembly id, 0: this packet is never fragmented here", "ipv4");
        add(f, p, base, 6, 2, "flags, fragment offset", "0: a whole packet", "ipv4");
        add(f, p, base, 8, 1, "TTL", (p[base + 8] & 0xff) + " hops left", "ipv4");
        add(f, p, base, 9, 1, "protocol", (p[base + 9] & 0xff) + ": UDP", "ipv4");
        add(f, p, base, 10, 2, "header checksum", "Internet checksum of the 20 header bytes", "ipv4");
        add(f, p, base, 12, 4, "source address", dotted(p, base + 12) + (role.equals("inner")
                ? ": the laptop's tunnel address; the receiver checks it against the sender's AllowedIPs"
                : ": the laptop's real (outer) address, what the server learns as its endpoint"), "ipv4");
        add(f, p, base, 16, 4, "destination address", dotted(p, base + 16) + (role.equals("inner")
                ? ": inside the tunnel; cryptokey routing looks it up to pick the peer"
                : ": the server's endpoint address"), "ipv4");
        return f;
    }

    /** The 8-byte UDP header at {@code base} and, when {@code payloadMeaning} is not null, the payload after it. */
    static List<Annotated.Field> udp(byte[] p, int base, String role, String payloadMeaning) {
        List<Annotated.Field> f = new ArrayList<>();
        String why = role.equals("inner") ? "" : ", the one UDP socket WireGuard listens on";
        add(f, p, base, 0, 2, "source port", Integer.toString(u16(p, base)), "udp");
        add(f, p, base, 2, 2, "destination port", u16(p, base + 2) + why, "udp");
        add(f, p, base, 4, 2, "UDP length", u16(p, base + 4) + " bytes, header included", "udp");
        add(f, p, base, 6, 2, "UDP checksum", "over a pseudo-header of the addresses, the header and the payload", "udp");
        if (payloadMeaning != null && p.length > base + UDP_HEADER) {
            add(f, p, base, UDP_HEADER, p.length - base - UDP_HEADER, "payload", payloadMeaning, "payload");
        }
        return f;
    }

    static String dotted(byte[] p, int offset) {
        return (p[offset] & 0xff) + "." + (p[offset + 1] & 0xff) + "." + (p[offset + 2] & 0xff) + "." + (p[offset + 3] & 0xff);
    }

    private static int u16(byte[] p, int offset) {
        return (p[offset] & 0xff) << 8 | (p[offset + 1] & 0xff);
    }

    private static void add(List<Annotated.Field> f, byte[] p, int base, int offset, int length, String name, String meaning,
            String layer) {
        f.add(new Annotated.Field(base + offset, length, name, meaning, Bytes.of(p, base + offset, length).hex(), layer));
    }
}
