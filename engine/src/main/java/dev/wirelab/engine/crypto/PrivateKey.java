package dev.wirelab.engine.crypto;

import java.util.Arrays;
import java.util.Base64;

/**
 * A Curve25519 private key (static or ephemeral). Redacted toString; {@link #destroy()} zeroes it.
 *
 * <p>Keys are clamped as RFC 7748 decodes scalars, so the stored bytes are what {@code wg genkey}
 * would print. The JVM cannot promise erasure (see {@link SymmetricKey}).
 */
public final class PrivateKey {
    public static final int LENGTH = 32;

    private final byte[] key;
    private boolean destroyed;

    private PrivateKey(byte[] key) {
        this.key = key;
    }

    /** Copies and clamps {@code bytes}, which must be 32 long. */
    public static PrivateKey of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a private key is 32 bytes, got " + bytes.length);
        }
        byte[] k = bytes.clone();
        clamp(k);
        return new PrivateKey(k);
    }

    /** A fresh key from {@code entropy}: the engine's only way to make one. */
    public static PrivateKey generate(dev.wirelab.engine.Entropy entropy) {
        byte[] k = new byte[LENGTH];
        entropy.nextBytes(k);
        try {
            return of(k);
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /** Parses the base64 form of {@code wg genkey}; the message never contains the input. */
    public static PrivateKey fromBase64(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("private key is not valid base64");
        }
        try {
            return of(bytes);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** RFC 7748 §5 decodeScalar25519, applied in place. */
    static void clamp(byte[] k) {
        k[0] &= (byte) 248;
        k[31] &= 127;
        k[31] |= 64;
    }

    /** The key bytes themselves; callers must not modify or keep them. */
    public byte[] secretBytes() {
        if (destroyed) {
            throw new IllegalStateException("key was destroyed");
        }
        return key;
    }

    /** For `wg showconf` and keylog files, which must show the key on purpose. */
    public String base64() {
        return Base64.getEncoder().encodeToString(secretBytes());
    }

    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    @Override
    public String toString() {
        return destroyed ? "PrivateKey[destroyed]" : "PrivateKey[redacted]";
    }
}
