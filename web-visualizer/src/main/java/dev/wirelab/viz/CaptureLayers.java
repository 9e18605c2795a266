package dev.wirelab.viz;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * Takes a captured frame apart down to its UDP payload: the link-layer headers of the captures
 * people bring (Ethernet with VLAN tags from wirelab, Wireshark and tcpdump on an interface; Linux
 * cooked SLL and SLL2 from {@code -i any}; raw IP from a TUN or wg interface; BSD loopback), then
 * IPv4 or IPv6 (extension headers skipped), then UDP. Every length is checked against the bytes
 * actually captured, so a cut or lying frame is a reason, never an exception.
 */
final class CaptureLayers {
    private CaptureLayers() {}

    // LINKTYPE values (tcpdump.org/linktypes.html); libpcap reports LINKTYPE_RAW as DLT_RAW (12 or 14).
    static final int NULL = 0;
    static final int ETHERNET = 1;
    static final int RAW = 101;
    static final int DLT_RAW = 12;
    static final int DLT_RAW_BSD = 14;
    static final int LOOP = 108;
    static final int LINUX_SLL = 113;
    static final int IPV4 = 228;
    static final int IPV6 = 229;
    static final int LINUX_SLL2 = 276;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int ETHERTYPE_VLAN = 0x8100;
    private static final int ETHERTYPE_QINQ = 0x88a8;
    private static final int PROTOCOL_UDP = 17;

    /** A UDP datagram found in a frame: addresses, ports, and where its payload lies in the frame. */
    public record Udp(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, int payloadOffset,
            int payloadLength) {
        public byte[] payload(byte[] frame) {
            return Arrays.copyOfRange(frame, payloadOffset, payloadOffset + payloadLength);
        }

        public String from() {
            return endpoint(source, sourcePort);
        }

        public String to() {
            return endpoint(destination, destinationPort);
        }

        private static String endpoint(InetAddress a, int port) {
            String host = a.getHostAddress();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** What a frame is: a UDP datagram, or the reason it is not one that can be shown. */
    public sealed interface Result permits Found, NotUdp {}

    public record Found(Udp udp) implements Result {}

    public record NotUdp(String reason) implements Result {}

    /** The name of a link type, for the page. */
    public static String linkTypeName(int linkType) {
        return switch (linkType) {
            case NULL, LOOP -> "BSD loopback";
            case ETHERNET -> "Ethernet";
            case RAW, DLT_RAW, DLT_RAW_BSD, IPV4, IPV6 -> "raw IP";
            case LINUX_SLL -> "Linux cooked (SLL)";
            case LINUX_SLL2 -> "Linux cooked v2 (SLL2)";
            default -> "link type " + linkType;
        };
    }

    public static Result udp(int linkType, byte[] f) {
        return switch (linkType) {
            case ETHERNET -> ethernet(f);
            case RAW, DLT_RAW, DLT_RAW_BSD, IPV4, IPV6 -> ip(f, 0);
            case LINUX_SLL -> f.length < 16 ? cut("Linux cooked header", 16, f.length) : etherType(f, 16, u16(f, 14));
            case LINUX_SLL2 -> f.length < 20 ? cut("Linux cooked v2 header", 20, f.length) : etherType(f, 20, u16(f, 0));
            case NULL, LOOP -> f.length < 4 ? cut("loopback header", 4, f.length) : ip(f, 4);
            default -> new NotUdp("link type " + linkType + " is not one this viewer reads (Ethernet, raw IP, Linux SLL"
                    + " or SLL2, loopback); capture on the interface with one of those");
        };
    }

    private static Result ethernet(byte[] f) {
        int at = 12;
        if (f.length < at + 2) {
            return cut("Ethernet header", 14, f.length);
        }
        int type = u16(f, at);
        // 802.1Q and 802.1ad tags: four bytes each before the real EtherType.
        while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ) {
            at += 4;
            if (f.length < at + 2) {
                return cut("VLAN tag", at + 2, f.length);
            }
            type = u16(f, at);
        }
        return etherType(f, at + 2, type);
    }

    private static Result etherType(byte[] f, int at, int type) {
        if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6) {
            return new NotUdp(String.format("EtherType 0x%04x: not IP", type));
        }
        return ip(f, at);
    }

    private static Result ip(byte[] f, int at) {
        if (f.length <= at) {
            return cut("IP header", at + 1, f.length);
        }
        int version = (f[at] & 0xff) >>> 4;
        return switch (version) {
            case 4 -> ipv4(f, at);
            case 6 -> ipv6(f, at);
            default -> new NotUdp("IP version " + version + ": neither IPv4 nor IPv6");
        };
    }

    private static Result ipv4(byte[] f, int at) {
        if (f.length < at + 20) {
            return cut("IPv4 header", at + 20, f.length);
        }
        int headerLength = (f[at] & 0x0f) * 4;
        int total = u16(f, at + 2);
        if (headerLength < 20 || total < headerLength) {
            return new NotUdp("IPv4 header length " + headerLength + ", total length " + total + ": not a valid header");
        }
        if ((u16(f, at + 6) & 0x3fff) != 0) {
            return new NotUdp("an IPv4 fragment: fragments are not reassembled here (Wireshark does)");
        }
        int protocol = f[at + 9] & 0xff;
        if (protocol != PROTOCOL_UDP) {
            return new NotUdp("IP protocol " + protocol + ": not UDP");
        }
        return udp(f, at + headerLength, at + total, address(f, at + 12, 4), address(f, at + 16, 4));
    }

    private static Result ipv6(byte[] f, int at) {
        if (f.length < at + 40) {
            return cut("IPv6 header", at + 40, f.length);
        }
        int end = at + 40 + u16(f, at + 4);
        int next = f[at + 6] & 0xff;
        int header = at + 40;
        // Hop-by-hop (0), routing (43) and destination options (60) extend in 8-byte units; a fragment (44) stops.
        while (next == 0 || next == 43 || next == 60) {
            if (f.length < header + 2) {
                return cut("IPv6 extension header", header + 2, f.length);
            }
            next = f[header] & 0xff;
            header += 8 * ((f[header + 1] & 0xff) + 1);
        }
        if (next == 44) {
            return new NotUdp("an IPv6 fragment: fragments are not reassembled here (Wireshark does)");
        }
        if (next != PROTOCOL_UDP) {
            return new NotUdp("IPv6 next header " + next + ": not UDP");
        }
        return udp(f, header, end, address(f, at + 8, 16), address(f, at + 24, 16));
    }

    private static Result udp(byte[] f, int at, int ipEnd, InetAddress src, InetAddress dst) {
        if (f.length < at + 8) {
            return cut("UDP header", at + 8, f.length);
        }
        int length = u16(f, at + 4);
        if (length < 8 || at + length > ipEnd) {
            return new NotUdp("UDP length " + length + " does not fit its IP packet");
        }
        if (at + length > f.length) {
            return cut("UDP datagram", at + length, f.length);
        }
        return new Found(new Udp(src, u16(f, at), dst, u16(f, at + 2), at + 8, length - 8));
    }

    private static NotUdp cut(String what, int needed, int captured) {
        return new NotUdp("the " + what + " needs " + needed + " bytes of the frame, " + captured
                + " were captured (snap length too small, or a damaged frame)");
    }

    private static InetAddress address(byte[] f, int at, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(f, at, at + length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes always make an address", e);
        }
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }
}
