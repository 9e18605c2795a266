package dev.wirelab.engine.crypto;

/**
 * XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): ChaCha20-Poly1305 with a 24-byte nonce, via
 * HChaCha20. WireGuard uses it only for cookie replies, whose nonce is random.
 * Same guarantees as {@link Aead}. Not thread-safe.
 */
public interface XAead {
    int KEY_LENGTH = 32;
    int NONCE_LENGTH = 24;
    int TAG_LENGTH = 16;

    /** Returns ciphertext followed by the 16-byte tag. */
    byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext);

    /** Returns the plaintext, or null when the input is too short or the tag does not verify. */
    byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext);
}
