package dev.wirelab.bench;

import dev.wirelab.engine.crypto.BcX25519;
import dev.wirelab.engine.crypto.X25519;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * X25519 operations per second: {@code sharedSecret} is one DH of the handshake (each side makes
 * four per handshake, three with the static-static one precomputed per peer), {@code publicKey} is
 * deriving a public key from a private one (every ephemeral key). BouncyCastle against the JDK
 * through {@link JdkX25519}. run.sh turns the BC figures into {@link HandshakeBench}'s bound.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class X25519Bench {
    @Param({"bc", "jdk"})
    String provider;

    private X25519 x25519;
    private final byte[] scalar = new byte[X25519.KEY_LENGTH];
    private final byte[] peerPublic = new byte[X25519.KEY_LENGTH];
    private final byte[] out = new byte[X25519.KEY_LENGTH];

    @Setup
    public void setUp() {
        x25519 = switch (provider) {
            case "bc" -> new BcX25519();
            case "jdk" -> new JdkX25519();
            default -> throw new IllegalArgumentException("provider must be bc or jdk, got " + provider);
        };
        byte[] peerScalar = new byte[X25519.KEY_LENGTH];
        for (int i = 0; i < X25519.KEY_LENGTH; i++) {
            scalar[i] = (byte) (13 * i + 1);
            peerScalar[i] = (byte) (29 * i + 5);
        }
        BcX25519 reference = new BcX25519();
        reference.publicKey(peerScalar, peerPublic);
        // Both providers must agree, or the comparison compares different work.
        byte[] expected = new byte[X25519.KEY_LENGTH];
        reference.sharedSecret(scalar, peerPublic, expected);
        if (!x25519.sharedSecret(scalar, peerPublic, out) || !Arrays.equals(out, expected)) {
            throw new IllegalStateException(provider + " X25519 disagrees with BouncyCastle");
        }
    }

    @Benchmark
    public boolean sharedSecret() {
        return x25519.sharedSecret(scalar, peerPublic, out);
    }

    @Benchmark
    public byte[] publicKey() {
        x25519.publicKey(scalar, out);
        return out;
    }
}
