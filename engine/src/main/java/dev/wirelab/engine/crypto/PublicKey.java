package dev.wirelab.engine.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * A Curve25519 public key: a peer's identity. Prints as base64, as {@code wg} shows it.
 */
public final class PublicKey {
    public static final int LENGTH = 32;

    private final byte[] key;
    /**
     * The base64 form, made on first use: the simulator traces it with every packet. A race makes
     * it twice at worst; a String is safely published through its final fields.
     */
    private String base64;

    private PublicKey(byte[] key) {
        this.key = key;
    }

    public static PublicKey of(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a public key is 32 bytes, got " + bytes.length);
        }
        return new PublicKey(bytes.clone());
    }

    public static PublicKey of(byte[] bytes, int offset) {
        return new PublicKey(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
    }

    /** Parses the base64 form {@code wg} prints; throws IllegalArgumentException saying why. */
    public static PublicKey fromBase64(String base64) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key is not valid base64: " + e.getMessage());
        }
        return of(bytes);
    }

    /** A copy of the 32 bytes. */
    public byte[] toByteArray() {
        return key.clone();
    }

    /** The bytes themselves, for hashing into the handshake; callers must not modify them. */
    public byte[] bytes() {
        return key;
    }

    public String base64() {
        String b = base64;
        if (b == null) {
            b = Base64.getEncoder().encodeToString(key);
            base64 = b;
        }
        return b;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PublicKey that && MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return base64();
    }
}
