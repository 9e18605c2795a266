package dev.wirelab.engine.crypto;

import dev.wirelab.engine.Bytes;
import java.util.Arrays;

/**
 * A TAI64N timestamp (12 bytes, big-endian): the initiation's replay guard. A responder accepts an
 * initiation only if its timestamp is strictly greater than the greatest seen from that peer.
 *
 * <pre>
 *   0               8           12
 *   | seconds + base | nanoseconds |
 * </pre>
 *
 * <p>The kernel and wireguard-go use base 2^62 + 10 and round the nanoseconds down to a multiple
 * of 2^24 ns (the largest power of two below 1 s / 50 initiations): the timestamp then says little
 * about the sender's clock, and two initiations within ~16.8 ms carry the same value, which doubles
 * as the 50-per-second flood limit. boringtun uses base 2^62 + 37 and no rounding.
 */
public final class Tai64n {
    public static final int LENGTH = 12;

    /** How an implementation writes timestamps; a conformance harness models each. */
    public record Format(long base, int whitenerMask) {
        /** Kernel and wireguard-go: 2^62 + 10, nanoseconds rounded down to 2^24. */
        public static final Format KERNEL = new Format(0x400000000000000aL, 0x1000000 - 1);
        /** boringtun: 2^62 + 37, nanoseconds as read. */
        public static final Format BORINGTUN = new Format(0x4000000000000025L, 0);
    }

    private final byte[] bytes;

    private Tai64n(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The timestamp for a wall-clock instant in nanoseconds since the Unix epoch. */
    public static Tai64n stamp(long epochNanos, Format format) {
        long seconds = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L) & ~format.whitenerMask();
        byte[] b = new byte[LENGTH];
        long s = format.base() + seconds;
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (s >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            b[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return new Tai64n(b);
    }

    public static Tai64n stamp(long epochNanos) {
        return stamp(epochNanos, Format.KERNEL);
    }

    /** The zero timestamp: what a peer has "seen" before its first initiation. */
    public static Tai64n zero() {
        return new Tai64n(new byte[LENGTH]);
    }

    public static Tai64n of(byte[] twelveBytes) {
        if (twelveBytes.length != LENGTH) {
            throw new IllegalArgumentException("a TAI64N timestamp is 12 bytes, got " + twelveBytes.length);
        }
        return new Tai64n(twelveBytes.clone());
    }

    /** Strictly greater, comparing the 12 bytes as one big-endian unsigned number. */
    public boolean isAfter(Tai64n other) {
        return Arrays.compareUnsigned(bytes, other.bytes) > 0;
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Seconds since the Unix epoch under {@code format}'s base, for display. */
    public long epochSeconds(Format format) {
        long s = 0;
        for (int i = 0; i < 8; i++) {
            s = (s << 8) | (bytes[i] & 0xff);
        }
        return s - format.base();
    }

    public int nanos() {
        int n = 0;
        for (int i = 8; i < 12; i++) {
            n = (n << 8) | (bytes[i] & 0xff);
        }
        return n;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tai64n that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return Bytes.of(bytes).hex();
    }
}
