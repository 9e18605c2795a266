package dev.wirelab.bench;

import dev.wirelab.engine.crypto.BcBlake2s;
import dev.wirelab.engine.crypto.Blake2s;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * BLAKE2s from BouncyCastle (the JDK has none): {@code hash} of a 1420-byte buffer for raw
 * throughput (run.sh turns it into MB/s), {@code hmac} of 32 bytes with a 32-byte key, the shape
 * of every KDF step in the handshake.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class Blake2sBench {
    static final int HASH_INPUT_LENGTH = 1420;
    static final int HMAC_INPUT_LENGTH = 32;

    private final Blake2s blake2s = new BcBlake2s();
    private final byte[] hashInput = new byte[HASH_INPUT_LENGTH];
    private final byte[] hmacKey = new byte[Blake2s.HASH_LENGTH];
    private final byte[] hmacInput = new byte[HMAC_INPUT_LENGTH];

    @Setup
    public void setUp() {
        for (int i = 0; i < hashInput.length; i++) {
            hashInput[i] = (byte) i;
        }
        for (int i = 0; i < hmacKey.length; i++) {
            hmacKey[i] = (byte) (7 * i + 3);
            hmacInput[i] = (byte) (11 * i + 2);
        }
    }

    @Benchmark
    public byte[] hash() {
        return blake2s.hash(hashInput);
    }

    @Benchmark
    public byte[] hmac() {
        return blake2s.hmac(hmacKey, hmacInput);
    }
}
