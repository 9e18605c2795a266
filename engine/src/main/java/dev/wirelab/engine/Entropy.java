package dev.wirelab.engine;

/**
 * The engine's only source of randomness (ephemeral keys, sender indices, cookie secrets, jitter).
 * The simulator injects a seeded {@link DeterministicEntropy}; the real datapath injects one backed
 * by the operating system's generator. Not thread-safe unless an implementation says so.
 */
public interface Entropy {
    void nextBytes(byte[] out);

    default int nextInt() {
        byte[] b = new byte[4];
        nextBytes(b);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    /** Uniform in [0, bound) for bound > 0, by rejection so no value is favoured. */
    default long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: " + bound);
        }
        byte[] b = new byte[8];
        long limit = Long.MAX_VALUE - (Long.MAX_VALUE % bound);
        while (true) {
            nextBytes(b);
            long r = 0;
            for (int i = 0; i < 8; i++) {
                r = (r << 8) | (b[i] & 0xff);
            }
            r &= Long.MAX_VALUE;
            if (r < limit) {
                return r % bound;
            }
        }
    }
}
