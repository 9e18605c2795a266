package dev.wirelab.sim;

/**
 * ICMP echo request and reply inside real IPv4 or IPv6 packets, with correct header and ICMP
 * checksums, so tshark dissects what the simulation carries and the Devices route by real headers.
 */
public final class Icmp {
    private Icmp() {}

    /** A parsed echo: who, which identifier and sequence, request or reply. */
    public record Echo(byte[] source, byte[] destination, int identifier, int sequence, boolean request) {}

    public static byte[] echoRequest(byte[] source, byte[] destination, int identifier, int sequence, int payloadLength) {
        return echo(source, destination, identifier, sequence, payloadLength, true);
    }

    public static byte[] echoReply(Echo request, int payloadLength) {
        return echo(request.destination(), request.source(), request.identifier(), request.sequence(), payloadLength, false);
    }

    private static byte[] echo(byte[] source, byte[] destination, int identifier, int sequence, int payloadLength, boolean request) {
        boolean v4 = source.length == 4;
        int header = v4 ? 20 : 40;
        int icmpLength = 8 + payloadLength;
        byte[] p = new byte[header + icmpLength];
        if (v4) {
            p[0] = 0x45;
            putShort(p, 2, p.length);
            p[8] = 64; // TTL
            p[9] = 1; // ICMP
            System.arraycopy(source, 0, p, 12, 4);
            System.arraycopy(destination, 0, p, 16, 4);
            putShort(p, 10, checksum(p, 0, 20, 0));
        } else {
            p[0] = 0x60;
            putShort(p, 4, icmpLength);
            p[6] = 58; // ICMPv6
            p[7] = 64; // hop limit
            System.arraycopy(source, 0, p, 8, 16);
            System.arraycopy(destination, 0, p, 24, 16);
        }
        p[header] = (byte) (v4 ? (request ? 8 : 0) : (request ? 128 : 129));
        putShort(p, header + 4, identifier);
        putShort(p, header + 6, sequence);
        for (int i = 0; i < payloadLength; i++) {
            p[header + 8 + i] = (byte) i;
        }
        int initial = v4 ? 0 : pseudoHeaderSum(source, destination, icmpLength);
        putShort(p, header + 2, checksum(p, header, icmpLength, initial));
        return p;
    }

    /**
     * The reply a host's stack gives to echo request {@code request}: addresses swapped, same
     * identifier, sequence and payload (ping checks the payload comes back unchanged), checksums
     * recomputed. Null when {@code request} is not a well-formed echo request.
     */
    public static byte[] replyTo(byte[] request) {
        Echo e = parse(request);
        if (e == null || !e.request()) {
            return null;
        }
        boolean v4 = e.source().length == 4;
        int header = v4 ? (request[0] & 0x0f) * 4 : 40;
        int icmpLength = request.length - header;
        byte[] p = echo(e.destination(), e.source(), e.identifier(), e.sequence(), icmpLength - 8, false);
        System.arraycopy(request, header + 8, p, (v4 ? 20 : 40) + 8, icmpLength - 8);
        int icmp = v4 ? 20 : 40;
        putShort(p, icmp + 2, 0);
        putShort(p, icmp + 2, checksum(p, icmp, icmpLength, v4 ? 0 : pseudoHeaderSum(e.destination(), e.source(), icmpLength)));
        return p;
    }

    /** The echo in {@code packet}, or null when it is not an ICMP/ICMPv6 echo request or reply. */
    public static Echo parse(byte[] packet) {
        if (packet.length >= 28 && (packet[0] & 0xf0) == 0x40 && packet[9] == 1) {
            int header = (packet[0] & 0x0f) * 4;
            int type = packet[header] & 0xff;
            if (packet.length < header + 8 || (type != 8 && type != 0)) {
                return null;
            }
            return new Echo(slice(packet, 12, 4), slice(packet, 16, 4), getShort(packet, header + 4), getShort(packet, header + 6), type == 8);
        }
        if (packet.length >= 48 && (packet[0] & 0xf0) == 0x60 && packet[6] == 58) {
            int type = packet[40] & 0xff;
            if (type != 128 && type != 129) {
                return null;
            }
            return new Echo(slice(packet, 8, 16), slice(packet, 24, 16), getShort(packet, 44), getShort(packet, 46), type == 128);
        }
        return null;
    }

    private static int pseudoHeaderSum(byte[] source, byte[] destination, int length) {
        int sum = 0;
        for (int i = 0; i < 16; i += 2) {
            sum += (source[i] & 0xff) << 8 | (source[i + 1] & 0xff);
            sum += (destination[i] & 0xff) << 8 | (destination[i + 1] & 0xff);
        }
        return sum + length + 58;
    }

    /** The Internet checksum (RFC 1071) of {@code b[offset, offset+length)} plus {@code initial}. */
    static int checksum(byte[] b, int offset, int length, int initial) {
        long sum = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += (b[offset + i] & 0xff) << 8 | (b[offset + i + 1] & 0xff);
        }
        if ((length & 1) == 1) {
            sum += (b[offset + length - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }

    private static void putShort(byte[] b, int offset, int v) {
        b[offset] = (byte) (v >>> 8);
        b[offset + 1] = (byte) v;
    }

    private static int getShort(byte[] b, int offset) {
        return (b[offset] & 0xff) << 8 | (b[offset + 1] & 0xff);
    }

    private static byte[] slice(byte[] b, int offset, int length) {
        return java.util.Arrays.copyOfRange(b, offset, offset + length);
    }
}
