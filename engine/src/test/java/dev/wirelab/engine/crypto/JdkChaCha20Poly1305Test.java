package dev.wirelab.engine.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The key objects {@link JdkChaCha20Poly1305} keeps between calls never stand in for a different
 * key: a key array changed in place, another array, seal and open keys interleaved, each seal
 * and open gives what a fresh instance (BouncyCastle's, as the reference) gives for that key.
 */
class JdkChaCha20Poly1305Test {
    @Test
    void keptKeysFollowEveryChangeOfKey() {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        JdkChaCha20Poly1305 jdk = new JdkChaCha20Poly1305();
        BcChaCha20Poly1305 reference = new BcChaCha20Poly1305();
        byte[][] keys = {new byte[32], new byte[32], new byte[32]};
        byte[] aad = new byte[0];
        for (int n = 0; n < 2_000; n++) {
            byte[] key = keys[random.nextInt(keys.length)];
            if (random.nextInt(4) == 0) {
                // Changed in place: zeroed as a destroyed keypair is, or overwritten.
                if (random.nextBoolean()) {
                    Arrays.fill(key, (byte) 0);
                } else {
                    random.nextBytes(key);
                }
            }
            byte[] plaintext = new byte[random.nextInt(100)];
            random.nextBytes(plaintext);
            long counter = n;
            byte[] sealed = jdk.seal(key, counter, aad, plaintext);
            assertArrayEquals(reference.seal(key, counter, aad, plaintext), sealed, "seed " + seed + ", operation " + n);
            byte[] otherKey = keys[random.nextInt(keys.length)];
            byte[] opened = jdk.open(otherKey, counter, aad, sealed);
            if (Arrays.equals(otherKey, key)) {
                assertArrayEquals(plaintext, opened, "seed " + seed + ", operation " + n);
            } else {
                assertNull(opened, "seed " + seed + ": opened under another key, operation " + n);
            }
        }
    }

    @Test
    void aTamperedPacketDoesNotOpenAfterAGoodOne() {
        JdkChaCha20Poly1305 jdk = new JdkChaCha20Poly1305();
        byte[] key = new byte[32];
        key[0] = 1;
        byte[] sealed = jdk.seal(key, 7, new byte[0], new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, jdk.open(key, 7, new byte[0], sealed));
        sealed[1] ^= 1;
        assertNull(jdk.open(key, 7, new byte[0], sealed));
        assertEquals(-1, jdk.open(key, new byte[12], new byte[0], sealed, 0, 15, new byte[0], 0));
    }
}
