package dev.wirelab.vectors;

import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.Tai64n;
import java.util.Objects;

/**
 * The implementations one conformance run checks. The KDF vectors run the engine's static
 * {@link dev.wirelab.engine.crypto.Kdf} over {@code crypto.blake2s()}: the KDF is fixed code on top
 * of HMAC-BLAKE2s, so a different BLAKE2s is what varies.
 */
public record Candidate(Crypto crypto, ReplayWindows replayWindows, Timestamper timestamper) {

    public Candidate {
        Objects.requireNonNull(crypto, "crypto");
        Objects.requireNonNull(replayWindows, "replayWindows");
        Objects.requireNonNull(timestamper, "timestamper");
    }

    /** {@code crypto} with the engine's replay window and TAI64N in the kernel format. */
    public static Candidate engine(Crypto crypto) {
        return new Candidate(crypto, ReplayWindows.engine(), Timestamper.engine(Tai64n.Format.KERNEL));
    }
}
