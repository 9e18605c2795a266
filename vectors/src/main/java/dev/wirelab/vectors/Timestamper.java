package dev.wirelab.vectors;

import dev.wirelab.engine.crypto.Tai64n;

/** The TAI64N operations the tai64n vectors check: writing a timestamp and ordering two. */
public interface Timestamper {

    /** The 12-byte timestamp for an instant in nanoseconds since the Unix epoch. */
    byte[] stamp(long epochNanos);

    /** Whether {@code later} is strictly after {@code earlier}, both 12-byte timestamps. */
    boolean isAfter(byte[] later, byte[] earlier);

    /** The engine's {@link Tai64n} in {@code format}; the vectors are written for {@link Tai64n.Format#KERNEL}. */
    static Timestamper engine(Tai64n.Format format) {
        return new Timestamper() {
            @Override
            public byte[] stamp(long epochNanos) {
                return Tai64n.stamp(epochNanos, format).toByteArray();
            }

            @Override
            public boolean isAfter(byte[] later, byte[] earlier) {
                return Tai64n.of(later).isAfter(Tai64n.of(earlier));
            }
        };
    }
}
