package dev.wirelab.engine.ip;

/**
 * Just enough of IPv4 and IPv6 headers for cryptokey routing: version, total length, source and
 * destination. The tunnel carries IP packets only; anything else is malformed.
 */
public final class IpPacket {
    private IpPacket() {}

    public static final int IPV4_HEADER_MIN = 20;
    public static final int IPV6_HEADER = 40;

    /** 4, 6, or 0 when {@code packet} is too short for the header its version nibble announces. */
    public static int version(byte[] packet, int offset, int length) {
        if (length < 1) {
            return 0;
        }
        int v = (packet[offset] & 0xff) >>> 4;
        if (v == 4 && length >= IPV4_HEADER_MIN) {
            return 4;
        }
        if (v == 6 && length >= IPV6_HEADER) {
            return 6;
        }
        return 0;
    }

    /**
     * The length the header claims (IPv4 total length; IPv6 payload length + 40), or -1 when the
     * packet is not IP, the claim is shorter than the header, or longer than {@code length}: what
     * the kernel calls a dishonest packet size. Decrypted packets carry padding after this length.
     */
    public static int claimedLength(byte[] packet, int offset, int length) {
        int claimed;
        switch (version(packet, offset, length)) {
            case 4 -> {
                claimed = (packet[offset + 2] & 0xff) << 8 | (packet[offset + 3] & 0xff);
                int headerLength = (packet[offset] & 0x0f) * 4;
                if (claimed < IPV4_HEADER_MIN || headerLength < IPV4_HEADER_MIN || headerLength > claimed) {
                    return -1;
                }
            }
            case 6 -> claimed = IPV6_HEADER + ((packet[offset + 4] & 0xff) << 8 | (packet[offset + 5] & 0xff));
            default -> {
                return -1;
            }
        }
        return claimed <= length ? claimed : -1;
    }

    /** Offset of the source address within the packet (version must be 4 or 6). */
    public static int sourceOffset(int version) {
        return version == 4 ? 12 : 8;
    }

    /** Offset of the destination address within the packet (version must be 4 or 6). */
    public static int destinationOffset(int version) {
        return version == 4 ? 16 : 24;
    }

    public static int addressLength(int version) {
        return version == 4 ? 4 : 16;
    }
}
