package dev.wirelab.engine;

import dev.wirelab.engine.crypto.BcBlake2s;
import dev.wirelab.engine.crypto.Blake2s;
import java.nio.charset.StandardCharsets;

/**
 * Reproducible entropy from a seed: BLAKE2s in counter mode, keyed by the seed. The same seed gives
 * the same bytes on every platform, so a simulated run replays byte for byte. For simulations and
 * tests only: anyone who knows the seed knows every key.
 */
public final class DeterministicEntropy implements Entropy {
    private final byte[] key;
    private final Blake2s blake2s = new BcBlake2s();
    private final byte[] block = new byte[Blake2s.HASH_LENGTH];
    private int used = Blake2s.HASH_LENGTH;
    private long counter;

    public DeterministicEntropy(long seed) {
        this(longBytes(seed));
    }

    private DeterministicEntropy(byte[] key) {
        this.key = blake2s.hash(key);
    }

    /**
     * An independent stream for a named subsystem ("host-a", "link-3"): one root seed split per
     * subsystem, so adding a consumer does not shift everyone else's randomness.
     */
    public DeterministicEntropy split(String name) {
        return new DeterministicEntropy(blake2s.hash(key, name.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public void nextBytes(byte[] out) {
        for (int i = 0; i < out.length; i++) {
            if (used == block.length) {
                byte[] next = blake2s.digest(key, Blake2s.HASH_LENGTH, longBytes(counter++));
                System.arraycopy(next, 0, block, 0, block.length);
                used = 0;
            }
            out[i] = block[used++];
        }
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }
}
