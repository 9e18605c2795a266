package dev.wirelab.engine.crypto;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A 32-byte secret: a preshared key, a transport key or a cookie secret.
 *
 * <p>toString is redacted so a key never reaches a log by accident; {@link #destroy()} zeroes it.
 * The JVM may have copied the bytes during garbage collection or JIT spills, so zeroing limits
 * exposure but cannot promise erasure.
 */
public final class SymmetricKey {
    public static final int LENGTH = 32;

    private final byte[] key;
    private boolean destroyed;

    private SymmetricKey(byte[] key) {
        this.key = key;
    }

    /** Copies {@code bytes}, which must be 32 long. */
    public static SymmetricKey of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a symmetric key is 32 bytes, got " + bytes.length);
        }
        return new SymmetricKey(bytes.clone());
    }

    /** Copies 32 bytes from {@code bytes} at {@code offset}. */
    public static SymmetricKey of(byte[] bytes, int offset) {
        return new SymmetricKey(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
    }

    /** The all-zero key: WireGuard's preshared key when none is configured. */
    public static SymmetricKey zero() {
        return new SymmetricKey(new byte[LENGTH]);
    }

    /**
     * The key bytes themselves, not a copy: callers must not modify or keep them. Named to make
     * every read of a secret visible in review.
     */
    public byte[] secretBytes() {
        if (destroyed) {
            throw new IllegalStateException("key was destroyed");
        }
        return key;
    }

    public boolean isZero() {
        int acc = 0;
        for (byte b : key) {
            acc |= b;
        }
        return acc == 0;
    }

    public void destroy() {
        Arrays.fill(key, (byte) 0);
        destroyed = true;
    }

    public boolean isDestroyed() {
        return destroyed;
    }

    /** Constant-time comparison. */
    public boolean sameAs(SymmetricKey other) {
        return MessageDigest.isEqual(key, other.key);
    }

    @Override
    public String toString() {
        return destroyed ? "SymmetricKey[destroyed]" : "SymmetricKey[redacted]";
    }
}
