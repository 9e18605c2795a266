package dev.wirelab.datapath;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The offloads a TUN device opened with IFF_VNET_HDR can hand us, and their undoing.
 *
 * <p>With TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) the kernel stops segmenting TCP and
 * computing its checksums for this interface: one read returns up to 64 KiB of one TCP flow (a
 * "super-packet") with a {@code struct virtio_net_hdr} in front saying how to cut it, and a packet
 * may come with its transport checksum left to finish. Every WireGuard peer expects ordinary IP
 * packets, so this class does, per read, what the kernel would have done before handing them over:
 * cut the payload into {@code gso_size} pieces and give each its own IP and TCP header and
 * checksums. One read system call then brings ~45 packets instead of one, which is the point:
 * system calls and wake-ups, not ChaCha20, dominate the sender's profile (wireguard-go does the same
 * since its 2023 releases).
 *
 * <p>Writes carry a header too; {@link #writeHeader} fills an all-zero one (no segmentation, checksums
 * complete), so the kernel checks every decrypted packet's checksums as it did without offloads.
 *
 * <p>Frames come from the kernel, but they are parsed as untrusted input all the same: a header that
 * does not fit the packet makes {@link #unpack} drop the frame, never throw.
 */
final class TunOffload {
    /** sizeof(struct virtio_net_hdr): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset. */
    static final int HEADER_BYTES = 10;
    /** Below this a gso_size is refused: Linux's smallest TCP MSS is 88 (TCP_MIN_MSS). */
    static final int MIN_GSO_SIZE = 64;
    /** How many packets {@link #unpack} makes of one frame at most. */
    static final int MAX_SEGMENTS_PER_FRAME = 65_535 / MIN_GSO_SIZE + 1;

    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    static final int GSO_ECN = 0x80;

    static final int TUN_F_CSUM = 0x01;
    static final int TUN_F_TSO4 = 0x02;
    static final int TUN_F_TSO6 = 0x04;

    private static final int TCP_FIN = 0x01;
    private static final int TCP_PSH = 0x08;
    private static final int TCP_CWR = 0x80;
    private static final int PROTOCOL_TCP = 6;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** Where unpacked packets go: {@code length} bytes at {@code offset} of {@code buffer}, valid during the call. */
    interface Sink {
        void packet(byte[] buffer, int offset, int length);
    }

    private TunOffload() {}

    /** Zeroes the header a write needs in front of a complete packet. */
    static void writeHeader(byte[] buffer, int offset) {
        java.util.Arrays.fill(buffer, offset, offset + HEADER_BYTES, (byte) 0);
    }

    /**
     * Turns one frame read from the TUN device into the IP packets it stands for, written into
     * {@code scratch} (at least {@link #scratchBytes} long) one at a time and handed to {@code sink}.
     *
     * @return how many packets went to the sink; 0 when the frame was malformed and dropped
     */
    static int unpack(byte[] frame, int frameLength, byte[] scratch, Sink sink) {
        if (frameLength <= HEADER_BYTES) {
            return 0;
        }
        int flags = frame[0] & 0xff;
        int gsoType = frame[1] & 0xff;
        int gsoSize = u16le(frame, 4);
        int csumStart = u16le(frame, 6);
        int csumOffset = u16le(frame, 8);
        int p = HEADER_BYTES;
        int length = frameLength - HEADER_BYTES;
        switch (gsoType & ~GSO_ECN) {
            case GSO_NONE -> {
                if ((flags & F_NEEDS_CSUM) != 0) {
                    // The checksum field holds the pseudo-header sum; the sum from csum_start on finishes it.
                    int at = csumStart + csumOffset;
                    if (csumStart >= length || csumOffset > length - 2 || at > length - 2) {
                        return 0;
                    }
                    int sum = fold(sum(frame, p + csumStart, length - csumStart, 0));
                    putU16(frame, p + at, finish(sum));
                }
                sink.packet(frame, p, length);
                return 1;
            }
            case GSO_TCPV4, GSO_TCPV6 -> {
                return segment(frame, p, length, (gsoType & ~GSO_ECN) == GSO_TCPV4, csumStart, gsoSize, scratch, sink);
            }
            default -> {
                return 0; // UDP fragmentation offload and the rest: never offered with TUNSETOFFLOAD, so never valid.
            }
        }
    }

    /** How long the scratch buffer of {@link #unpack} must be. */
    static int scratchBytes() {
        return 65_535;
    }

    /** TCP segmentation: what the kernel's tcp_gso_segment would have done before handing us the packets. */
    private static int segment(byte[] f, int p, int length, boolean v4, int csumStart, int mss, byte[] out, Sink sink) {
        int version = (f[p] & 0xff) >>> 4;
        if (version != (v4 ? 4 : 6) || mss < MIN_GSO_SIZE || length < 40) {
            return 0;
        }
        int ipHeaderBytes = v4 ? (f[p] & 0x0f) * 4 : 40;
        if (v4 && (ipHeaderBytes < 20 || f[p + 9] != PROTOCOL_TCP)) {
            return 0;
        }
        // IPv4: TCP follows the IP header. IPv6: it follows the fixed header unless extension headers
        // come first, and then only csum_start says where it begins.
        int tcpOffset = v4 || f[p + 6] == PROTOCOL_TCP ? ipHeaderBytes : csumStart;
        if (tcpOffset < ipHeaderBytes || tcpOffset + 20 > length) {
            return 0;
        }
        int tcpHeaderBytes = ((f[p + tcpOffset + 12] & 0xff) >>> 4) * 4;
        int headerBytes = tcpOffset + tcpHeaderBytes;
        if (tcpHeaderBytes < 20 || headerBytes > length) {
            return 0;
        }
        int payload = length - headerBytes;
        int segments = payload == 0 ? 1 : (payload + mss - 1) / mss;
        int id = u16(f, p + 4);
        long seq = Integer.toUnsignedLong((int) INT_BE.get(f, p + tcpOffset + 4));
        int tcpFlags = f[p + tcpOffset + 13] & 0xff;
        for (int i = 0; i < segments; i++) {
            int from = i * mss;
            int pieceBytes = Math.min(mss, payload - from);
            int total = headerBytes + pieceBytes;
            System.arraycopy(f, p, out, 0, headerBytes);
            System.arraycopy(f, p + headerBytes + from, out, headerBytes, pieceBytes);
            if (v4) {
                putU16(out, 2, total);
                putU16(out, 4, (id + i) & 0xffff); // Consecutive ids, as the kernel's segmentation gives.
                putU16(out, 10, 0);
                putU16(out, 10, ~fold(sum(out, 0, ipHeaderBytes, 0)) & 0xffff);
            } else {
                putU16(out, 4, total - 40); // Payload length: extension headers, TCP header, data.
            }
            int t = tcpOffset;
            INT_BE.set(out, t + 4, (int) (seq + from));
            int segmentFlags = tcpFlags;
            if (i != segments - 1) {
                segmentFlags &= ~(TCP_FIN | TCP_PSH); // Only the last piece ends or pushes.
            }
            if (i != 0) {
                segmentFlags &= ~TCP_CWR; // Congestion window reduced is said once.
            }
            out[t + 13] = (byte) segmentFlags;
            putU16(out, t + 16, 0);
            int tcpBytes = total - t;
            long pseudo = v4
                    ? sum(out, 12, 8, PROTOCOL_TCP + tcpBytes)
                    : sum(out, 8, 32, PROTOCOL_TCP + (long) tcpBytes);
            putU16(out, t + 16, ~fold(sum(out, t, tcpBytes, pseudo)) & 0xffff); // As Linux's TCP: 0 stays 0.
            sink.packet(out, 0, total);
        }
        return segments;
    }

    /** The one's complement sum (RFC 1071) of {@code length} bytes, added to {@code initial}, not yet folded. */
    static long sum(byte[] b, int offset, int length, long initial) {
        long sum = initial;
        int i = offset;
        int end = offset + length;
        // 32-bit big-endian words into a 64-bit accumulator: carries collect above bit 32 and are
        // folded back at the end, which gives the same result as adding 16-bit words. Eight bytes
        // are read at a time and added as their two halves (2^32 of them could not overflow).
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONG_BE.get(b, i);
            sum += (w >>> 32) + (w & 0xffff_ffffL);
        }
        for (; i + 4 <= end; i += 4) {
            sum += Integer.toUnsignedLong((int) INT_BE.get(b, i));
        }
        if (i + 2 <= end) {
            sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            sum += (b[i] & 0xff) << 8; // An odd last byte is padded with zero on the right.
        }
        return sum;
    }

    /** Folds a sum to 16 bits, carries added back in. */
    static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    /**
     * The checksum a finished offload stores: the complement of the folded sum, with 0 sent as 0xffff
     * (both mean zero in one's complement, and UDP reserves 0 for "no checksum"), as the kernel's
     * skb_checksum_help does.
     */
    private static int finish(int folded) {
        int c = ~folded & 0xffff;
        return c == 0 ? 0xffff : c;
    }

    static int u16le(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) << 8 | (b[at + 1] & 0xff);
    }

    static void putU16(byte[] b, int at, int value) {
        b[at] = (byte) (value >>> 8);
        b[at + 1] = (byte) value;
    }

    static void putU16le(byte[] b, int at, int value) {
        b[at] = (byte) value;
        b[at + 1] = (byte) (value >>> 8);
    }
}
