package dev.wirelab.datapath;

import static dev.wirelab.datapath.TunOffload.putU16;
import static dev.wirelab.datapath.TunOffload.putU16le;
import static dev.wirelab.datapath.TunOffload.u16;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The receive side's half of the TUN offloads (see {@link TunOffload} for the send side): the
 * packets one batch of datagrams decrypted to are written to the TUN device as few frames as
 * possible, consecutive segments of one TCP flow joined into one super-packet that the kernel takes
 * in one write and passes up its stack once (what GRO does for a network card). Everything else,
 * and any TCP segment that cannot be joined, is written as it came.
 *
 * <p>Segments are joined only when the result is exactly what the sender's segmentation would have
 * cut them from: same addresses, ports, IP and TCP header fields and options, ACK alone set (PSH
 * allowed on the last), sequence numbers back to back, IPv4 ids counting up by one, every segment as long as the first but the
 * last, which may be shorter. The TCP checksums of the segments are not verified, and the joined
 * frame asks the kernel to compute its own: the packets authenticated under the session's key, so
 * nobody changed them on the way, which is why kernel WireGuard marks every packet it decrypts
 * CHECKSUM_UNNECESSARY. (A segment written alone, as before, is checked by the kernel as usual.)
 * Segments of different flows may overtake each other, never segments of one flow.
 *
 * <p>One instance per writing thread; not thread-safe.
 */
final class TunCoalescer {
    /** Segments joined at most; with 1,380-byte segments 47 fill the 64 KiB an IP packet can hold. */
    static final int MAX_SEGMENTS = 64;
    private static final int PROTOCOL_TCP = 6;
    private static final int TCP_ACK = 0x10;
    private static final int TCP_PSH = 0x08;
    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    // Per packet of the batch.
    private int[] next = new int[64]; // the next packet of its run, or -1
    private int[] runOf = new int[64]; // for a run's first packet: its run; else -1
    // Per run, indexed by run number.
    private int[] head = new int[64];
    private int[] tail = new int[64];
    private int[] segments = new int[64];
    private int[] payloadBytes = new int[64];
    private int[] segmentSize = new int[64];
    private boolean[] open = new boolean[64];
    private boolean[] joinable = new boolean[64];
    private int runs;

    /** Where the result goes: packets as they came, and frames (virtio-net header, joined packet). */
    interface Output {
        void packet(byte[] packet);

        void frame(byte[] frame, int length);
    }

    /**
     * Writes the first {@code count} of {@code packets} (complete IP packets) to {@code out}, joined
     * where they can be; {@code frame} ({@link Tun#MAX_FRAME_BYTES} long) is where joined ones are built.
     */
    void write(List<byte[]> packets, int count, byte[] frame, Output out) {
        ensure(count);
        runs = 0;
        for (int k = 0; k < count; k++) {
            next[k] = -1;
            runOf[k] = -1;
            byte[] p = packets.get(k);
            int headerBytes = joinableTcp(p);
            if (headerBytes < 0) {
                // Not a segment to join (a pure ACK, SYN, FIN, UDP, ICMP…): nothing written after it
                // may join a run written before it, so that no flow's packets change order.
                Arrays.fill(open, 0, runs, false);
            } else if (join(packets, k, p, headerBytes)) {
                continue;
            }
            int r = runs++;
            head[r] = k;
            tail[r] = k;
            segments[r] = 1;
            runOf[k] = r;
            joinable[r] = headerBytes >= 0;
            if (headerBytes >= 0) {
                payloadBytes[r] = p.length - headerBytes;
                segmentSize[r] = payloadBytes[r];
                // Its length becomes the joined frame's gso_size, which a tiny segment must not set.
                open[r] = (p[tcpOffset(p) + 13] & TCP_PSH) == 0 && segmentSize[r] >= TunOffload.MIN_GSO_SIZE;
            } else {
                open[r] = false;
            }
        }
        for (int k = 0; k < count; k++) {
            int r = runOf[k];
            if (r < 0) {
                continue;
            }
            if (segments[r] == 1) {
                out.packet(packets.get(k));
            } else {
                out.frame(frame, superPacket(packets, r, frame));
            }
        }
    }

    /**
     * Appends packet {@code k} to its flow's newest run if it continues it; whether it did. A run it
     * cannot continue is closed, so that no later packet of the flow can join it ahead of this one.
     */
    private boolean join(List<byte[]> packets, int k, byte[] p, int headerBytes) {
        int payload = p.length - headerBytes;
        for (int r = runs - 1; r >= 0; r--) {
            byte[] first = packets.get(head[r]);
            if (!joinable[r] || !sameFlow(first, p)) {
                continue;
            }
            int t = tcpOffset(p);
            int expected = (int) INT_BE.get(first, t + 4) + payloadBytes[r];
            // IPv4 ids must count up by one, as the kernel's segmentation of the joined packet will make them.
            boolean idFollows = (p[0] & 0xf0) != 0x40 || u16(p, 4) == ((u16(first, 4) + segments[r]) & 0xffff);
            if (!open[r] || !idFollows || !sameHeaders(first, p, headerBytes) || (int) INT_BE.get(p, t + 4) != expected
                    || payload > segmentSize[r] || segments[r] == MAX_SEGMENTS
                    || headerBytes + payloadBytes[r] + payload > 65_535) {
                open[r] = false;
                return false;
            }
            next[tail[r]] = k;
            tail[r] = k;
            segments[r]++;
            payloadBytes[r] += payload;
            open[r] = payload == segmentSize[r] && (p[t + 13] & TCP_PSH) == 0;
            return true;
        }
        return false;
    }

    /**
     * For a TCP segment that may be joined (IPv4 without fragmentation or IPv6 without extension
     * headers, ACK or ACK+PSH, some payload, a valid IPv4 header checksum): its IP and TCP header
     * length; else -1.
     */
    private static int joinableTcp(byte[] p) {
        if (p.length < 40) {
            return -1;
        }
        int version = (p[0] & 0xff) >>> 4;
        int ipHeaderBytes;
        if (version == 4) {
            ipHeaderBytes = (p[0] & 0x0f) * 4;
            if (ipHeaderBytes < 20 || p[9] != PROTOCOL_TCP || u16(p, 2) != p.length || (u16(p, 6) & 0x3fff) != 0
                    || TunOffload.fold(TunOffload.sum(p, 0, ipHeaderBytes, 0)) != 0xffff) {
                return -1; // Options aside, a fragment, a length that disagrees, or a bad header checksum.
            }
        } else if (version == 6) {
            ipHeaderBytes = 40;
            if (p[6] != PROTOCOL_TCP || u16(p, 4) + 40 != p.length) {
                return -1;
            }
        } else {
            return -1;
        }
        if (ipHeaderBytes + 20 > p.length) {
            return -1;
        }
        int tcpHeaderBytes = ((p[ipHeaderBytes + 12] & 0xff) >>> 4) * 4;
        int headerBytes = ipHeaderBytes + tcpHeaderBytes;
        int flags = p[ipHeaderBytes + 13] & 0xff;
        if (tcpHeaderBytes < 20 || headerBytes >= p.length || (flags != TCP_ACK && flags != (TCP_ACK | TCP_PSH))
                || u16(p, ipHeaderBytes + 18) != 0) {
            return -1; // No payload, SYN/FIN/RST/URG/ECN flags, or an urgent pointer.
        }
        return headerBytes;
    }

    /** Both TCP segments of one connection: same IP version, addresses and ports. */
    private static boolean sameFlow(byte[] a, byte[] b) {
        if ((a[0] & 0xf0) != (b[0] & 0xf0)) {
            return false;
        }
        int ta = tcpOffset(a);
        int tb = tcpOffset(b);
        boolean addresses = (a[0] & 0xf0) == 0x40 ? Arrays.equals(a, 12, 20, b, 12, 20) : Arrays.equals(a, 8, 40, b, 8, 40);
        return addresses && Arrays.equals(a, ta, ta + 4, b, tb, tb + 4);
    }

    /** Same IP and TCP headers but for the fields segmentation changes (lengths, id, checksums, sequence, PSH). */
    private static boolean sameHeaders(byte[] a, byte[] b, int headerBytes) {
        if (joinableHeaderBytes(a) != headerBytes) {
            return false;
        }
        int t = tcpOffset(a);
        if ((a[0] & 0xf0) == 0x40) {
            // version and IHL, TOS; flags (DF); TTL; options
            if (a[0] != b[0] || a[1] != b[1] || a[6] != b[6] || a[8] != b[8] || !Arrays.equals(a, 20, t, b, 20, t)) {
                return false;
            }
        } else if (!Arrays.equals(a, 0, 4, b, 0, 4) || a[7] != b[7]) {
            return false; // traffic class, flow label, hop limit
        }
        return Arrays.equals(a, t + 8, t + 13, b, t + 8, t + 13) // acknowledgment number, data offset
                && Arrays.equals(a, t + 14, t + 16, b, t + 14, t + 16) // window
                && Arrays.equals(a, t + 20, headerBytes, b, t + 20, headerBytes); // options (timestamps)
    }

    private static int joinableHeaderBytes(byte[] p) {
        int t = tcpOffset(p);
        return t + ((p[t + 12] & 0xff) >>> 4) * 4;
    }

    private static int tcpOffset(byte[] p) {
        return (p[0] & 0xf0) == 0x40 ? (p[0] & 0x0f) * 4 : 40;
    }

    /**
     * Builds run {@code r} into {@code frame}: the virtio-net header asking the kernel to treat it as
     * segments of {@code segmentSize} with the TCP checksum still to compute (the field holds the
     * pseudo-header sum, as the kernel's own TCP leaves it for a card), then the joined packet.
     *
     * @return the frame's length
     */
    private int superPacket(List<byte[]> packets, int r, byte[] frame) {
        byte[] first = packets.get(head[r]);
        boolean v4 = (first[0] & 0xf0) == 0x40;
        int t = tcpOffset(first);
        int headerBytes = joinableHeaderBytes(first);
        int o = TunOffload.HEADER_BYTES;
        System.arraycopy(first, 0, frame, o, headerBytes);
        int at = o + headerBytes;
        int pushed = 0;
        for (int k = head[r]; k >= 0; k = next[k]) {
            byte[] p = packets.get(k);
            System.arraycopy(p, headerBytes, frame, at, p.length - headerBytes);
            at += p.length - headerBytes;
            pushed = p[t + 13] & TCP_PSH;
        }
        int total = at - o;
        if (v4) {
            putU16(frame, o + 2, total);
            putU16(frame, o + 10, 0);
            putU16(frame, o + 10, ~TunOffload.fold(TunOffload.sum(frame, o, t, 0)) & 0xffff);
        } else {
            putU16(frame, o + 4, total - 40);
        }
        frame[o + t + 13] = (byte) (TCP_ACK | pushed);
        int tcpBytes = total - t;
        long pseudo = v4 ? TunOffload.sum(frame, o + 12, 8, PROTOCOL_TCP + tcpBytes)
                : TunOffload.sum(frame, o + 8, 32, PROTOCOL_TCP + (long) tcpBytes);
        putU16(frame, o + t + 16, TunOffload.fold(pseudo));
        frame[0] = TunOffload.F_NEEDS_CSUM;
        frame[1] = (byte) (v4 ? TunOffload.GSO_TCPV4 : TunOffload.GSO_TCPV6);
        putU16le(frame, 2, headerBytes);
        putU16le(frame, 4, segmentSize[r]);
        putU16le(frame, 6, t);
        putU16le(frame, 8, 16);
        return at;
    }

    private void ensure(int count) {
        if (next.length < count) {
            int n = Math.max(count, next.length * 2);
            next = new int[n];
            runOf = new int[n];
            head = new int[n];
            tail = new int[n];
            segments = new int[n];
            payloadBytes = new int[n];
            segmentSize = new int[n];
            open = new boolean[n];
            joinable = new boolean[n];
        }
    }
}
