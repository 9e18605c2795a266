package dev.wirelab.viz;

import dev.wirelab.engine.Bytes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * IPv4, IPv6 and UDP headers field by field: the inner packet an application sends into the tunnel
 * and the outer datagram that carries the WireGuard message (a packet's journey), and the inner
 * packets decrypted from a real capture. {@code role} says whose packet it is: "inner" and "outer"
 * are the journey's laptop-to-server packets, "decrypted" a packet from a capture.
 */
final class IpLayout {
    private IpLayout() {}

    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int UDP_HEADER = 8;
    private static final int UDP = 17;

    /**
     * A whole IP packet: its header, then a UDP header and payload, or the rest as one payload field
     * named by its protocol. Anything that is not an IP packet is one field saying so.
     */
    static List<Annotated.Field> packet(byte[] p, String role, String payloadMeaning) {
        int version = p.length == 0 ? 0 : (p[0] & 0xff) >>> 4;
        int headerLength = version == 4 && p.length >= IPV4_HEADER ? (p[0] & 0x0f) * 4 : version == 6 ? IPV6_HEADER : -1;
        if (headerLength < IPV4_HEADER || headerLength > p.length) {
            List<Annotated.Field> f = new ArrayList<>();
            add(f, p, 0, 0, p.length, "not an IP packet", "these bytes are neither an IPv4 nor an IPv6 packet", "payload");
            return f;
        }
        List<Annotated.Field> f = new ArrayList<>(version == 4 ? ipv4(p, 0, role) : ipv6(p, 0, role));
        int protocol = p[version == 4 ? 9 : 6] & 0xff;
        if (protocol == UDP && p.length >= headerLength + UDP_HEADER) {
            f.addAll(udp(p, headerLength, role, payloadMeaning == null ? "the UDP payload" : payloadMeaning));
        } else if (p.length > headerLength) {
            add(f, p, 0, headerLength, p.length - headerLength, protocolName(protocol) + " message",
                    "what the IP header's protocol field announces; the tunnel carries it unchanged", "payload");
        }
        return f;
    }

    /** The IPv4 header at {@code base} (20 bytes and any options). */
    static List<Annotated.Field> ipv4(byte[] p, int base, String role) {
        List<Annotated.Field> f = new ArrayList<>();
        int headerLength = (p[base] & 0x0f) * 4;
        int flags = u16(p, base + 6);
        add(f, p, base, 0, 1, "version, header length", String.format("0x%02x: IPv4, header of %d × 4 = %d bytes%s",
                p[base] & 0xff, headerLength / 4, headerLength, headerLength == IPV4_HEADER ? " (no options)" : ""), "ipv4");
        add(f, p, base, 1, 1, "DSCP, ECN", "traffic class, " + (p[base + 1] & 0xff) + " here", "ipv4");
        add(f, p, base, 2, 2, "total length", (u16(p, base + 2)) + " bytes, header included", "ipv4");
        add(f, p, base, 4, 2, "identification", u16(p, base + 4) + ": tells the fragments of one packet apart", "ipv4");
        add(f, p, base, 6, 2, "flags, fragment offset", String.format("0x%04x: %s%s", flags,
                (flags & 0x4000) != 0 ? "don't fragment" : "may be fragmented",
                (flags & 0x3fff) == 0 ? ", a whole packet" : ", a fragment"), "ipv4");
        add(f, p, base, 8, 1, "TTL", (p[base + 8] & 0xff) + " hops left", "ipv4");
        add(f, p, base, 9, 1, "protocol", (p[base + 9] & 0xff) + ": " + protocolName(p[base + 9] & 0xff), "ipv4");
        add(f, p, base, 10, 2, "header checksum", "Internet checksum of the header bytes", "ipv4");
        add(f, p, base, 12, 4, "source address", dotted(p, base + 12) + source(role), "ipv4");
        add(f, p, base, 16, 4, "destination address", dotted(p, base + 16) + destination(role), "ipv4");
        if (headerLength > IPV4_HEADER) {
            add(f, p, base, IPV4_HEADER, headerLength - IPV4_HEADER, "options", "IPv4 options", "ipv4");
        }
        return f;
    }

    /** The 40-byte IPv6 header at {@code base}. */
    static List<Annotated.Field> ipv6(byte[] p, int base, String role) {
        List<Annotated.Field> f = new ArrayList<>();
        add(f, p, base, 0, 4, "version, traffic class, flow label", String.format("0x%08x: IPv6, traffic class %d, flow label %d",
                u16(p, base) << 16 | u16(p, base + 2), (u16(p, base) >>> 4) & 0xff, (p[base + 1] & 0x0f) << 16 | u16(p, base + 2)),
                "ipv6");
        add(f, p, base, 4, 2, "payload length", u16(p, base + 4) + " bytes after this 40-byte header", "ipv6");
        add(f, p, base, 6, 1, "next header", (p[base + 6] & 0xff) + ": " + protocolName(p[base + 6] & 0xff), "ipv6");
        add(f, p, base, 7, 1, "hop limit", (p[base + 7] & 0xff) + " hops left", "ipv6");
        add(f, p, base, 8, 16, "source address", text(p, base + 8, 16) + source(role), "ipv6");
        add(f, p, base, 24, 16, "destination address", text(p, base + 24, 16) + destination(role), "ipv6");
        return f;
    }

    /** The 8-byte UDP header at {@code base} and, when {@code payloadMeaning} is not null, the payload after it. */
    static List<Annotated.Field> udp(byte[] p, int base, String role, String payloadMeaning) {
        List<Annotated.Field> f = new ArrayList<>();
        String why = role.equals("outer") ? ", the one UDP socket WireGuard listens on" : "";
        add(f, p, base, 0, 2, "source port", Integer.toString(u16(p, base)), "udp");
        add(f, p, base, 2, 2, "destination port", u16(p, base + 2) + why, "udp");
        add(f, p, base, 4, 2, "UDP length", u16(p, base + 4) + " bytes, header included", "udp");
        add(f, p, base, 6, 2, "UDP checksum", "over a pseudo-header of the addresses, the header and the payload", "udp");
        if (payloadMeaning != null && p.length > base + UDP_HEADER) {
            add(f, p, base, UDP_HEADER, p.length - base - UDP_HEADER, "payload", payloadMeaning, "payload");
        }
        return f;
    }

    private static String source(String role) {
        return switch (role) {
            case "inner" -> ": the laptop's tunnel address; the receiver checks it against the sender's AllowedIPs";
            case "outer" -> ": the laptop's real (outer) address, what the server learns as its endpoint";
            default -> ": inside the tunnel; the receiver accepts the packet only if this is in the sending peer's AllowedIPs";
        };
    }

    private static String destination(String role) {
        return switch (role) {
            case "inner" -> ": inside the tunnel; cryptokey routing looks it up to pick the peer";
            case "outer" -> ": the server's endpoint address";
            default -> ": inside the tunnel; the sender's cryptokey routing looked it up to pick this peer";
        };
    }

    static String protocolName(int protocol) {
        return switch (protocol) {
            case 1 -> "ICMP";
            case 6 -> "TCP";
            case UDP -> "UDP";
            case 58 -> "ICMPv6";
            default -> "protocol " + protocol;
        };
    }

    static String dotted(byte[] p, int offset) {
        return text(p, offset, 4);
    }

    static String text(byte[] p, int offset, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(p, offset, offset + length)).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an address is 4 or 16 bytes", e);
        }
    }

    private static int u16(byte[] p, int offset) {
        return (p[offset] & 0xff) << 8 | (p[offset + 1] & 0xff);
    }

    private static void add(List<Annotated.Field> f, byte[] p, int base, int offset, int length, String name, String meaning,
            String layer) {
        f.add(new Annotated.Field(base + offset, length, name, meaning, Bytes.of(p, base + offset, length).hex(), layer));
    }
}
