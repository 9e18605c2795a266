package dev.wirelab.engine.crypto;

/**
 * Curve25519 Diffie-Hellman (RFC 7748 §5).
 *
 * <p>Security guarantees: scalars are clamped as RFC 7748 decodeScalar25519 prescribes; a shared
 * secret that comes out all zero (the peer sent a low-order point) is reported as failure, never
 * returned, because WireGuard must not derive keys from it (whitepaper §5.4.1).
 * Implementations are not thread-safe unless they say so.
 */
public interface X25519 {
    int KEY_LENGTH = 32;

    /** The RFC 7748 base point u = 9. */
    byte[] BASE_POINT = basePoint();

    /** Writes the public key of {@code privateKey} (32 bytes, clamped internally) to {@code out}. */
    void publicKey(byte[] privateKey, byte[] out);

    /**
     * Computes X25519(scalar, u) into {@code out}. Returns false, and leaves {@code out} zeroed,
     * when the result is all zero.
     */
    boolean sharedSecret(byte[] scalar, byte[] u, byte[] out);

    default PublicKey publicKey(PrivateKey privateKey) {
        byte[] out = new byte[KEY_LENGTH];
        publicKey(privateKey.secretBytes(), out);
        return PublicKey.of(out);
    }

    private static byte[] basePoint() {
        byte[] u = new byte[KEY_LENGTH];
        u[0] = 9;
        return u;
    }
}
