package dev.wirelab.bench;

import dev.wirelab.engine.crypto.Aead;
import dev.wirelab.engine.crypto.BcChaCha20Poly1305;
import dev.wirelab.engine.crypto.JdkChaCha20Poly1305;
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
 * ChaCha20-Poly1305 seal and open of one transport packet per operation, as the datapath does
 * them: a fresh counter nonce per seal, empty associated data (WireGuard's transport messages
 * authenticate no header), separate input and output buffers allocated once.
 *
 * <p>Scores are packets per second; run.sh multiplies by {@code size} for MB/s of payload (the
 * 16-byte tag is not counted, as {@code openssl speed} does not count it either).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AeadBench {
    /** Keepalive-sized, small, WireGuard's default MTU payload (1420), jumbo frame. */
    @Param({"64", "512", "1420", "9000"})
    int size;

    @Param({"jdk", "bc"})
    String provider;

    private Aead aead;
    private final byte[] key = new byte[Aead.KEY_LENGTH];
    private final byte[] nonce = new byte[Aead.NONCE_LENGTH];
    private final byte[] openNonce = new byte[Aead.NONCE_LENGTH];
    private final byte[] aad = new byte[0];
    private byte[] plaintext;
    private byte[] sealed;
    private byte[] sealOut;
    private byte[] openOut;
    // The JDK refuses to seal twice under one key and nonce, and WireGuard never does: count up.
    private long counter;

    @Setup
    public void setUp() {
        aead = switch (provider) {
            case "jdk" -> new JdkChaCha20Poly1305();
            case "bc" -> new BcChaCha20Poly1305();
            default -> throw new IllegalArgumentException("provider must be jdk or bc, got " + provider);
        };
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (31 * i + 7);
        }
        plaintext = new byte[size];
        for (int i = 0; i < size; i++) {
            plaintext[i] = (byte) i;
        }
        sealOut = new byte[size + Aead.TAG_LENGTH];
        openOut = new byte[size];
        sealed = new byte[size + Aead.TAG_LENGTH];
        // Counter 2^63-1 is never reached by seal(), so open's nonce is never sealed again.
        Aead.counterNonce(Long.MAX_VALUE, openNonce);
        aead.seal(key, openNonce, aad, plaintext, 0, size, sealed, 0);
        // A wrong tag would make open() measure the rejection path instead: refuse to run.
        if (aead.open(key, openNonce, aad, sealed, 0, sealed.length, openOut, 0) != size) {
            throw new IllegalStateException(provider + " cannot open what it sealed");
        }
    }

    @Benchmark
    public int seal() {
        Aead.counterNonce(counter++, nonce);
        return aead.seal(key, nonce, aad, plaintext, 0, size, sealOut, 0);
    }

    /** Opens the same valid packet each time: decryption has no nonce-reuse guard to trip. */
    @Benchmark
    public int open() {
        return aead.open(key, openNonce, aad, sealed, 0, sealed.length, openOut, 0);
    }
}
