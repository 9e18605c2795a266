package dev.wirelab.engine.crypto;

/**
 * ChaCha20-Poly1305 (RFC 8439 §2.8): authenticated encryption with associated data.
 *
 * <p>Security guarantees: {@link #open} returns -1 and writes no plaintext the caller may trust
 * when the tag does not verify; tags are compared in constant time by the provider. A key and
 * nonce pair must never seal two different messages: WireGuard guarantees that with a counter
 * nonce that never repeats within a keypair. Not thread-safe: one instance per thread.
 */
public interface Aead {
    int KEY_LENGTH = 32;
    int NONCE_LENGTH = 12;
    int TAG_LENGTH = 16;

    /**
     * Seals {@code in[inOffset, inOffset+length)} into {@code out} at {@code outOffset}:
     * ciphertext followed by the 16-byte tag. Returns the bytes written (length + 16).
     * {@code in} and {@code out} may be the same array at the same offset.
     */
    int seal(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /**
     * Opens ciphertext-with-tag {@code in[inOffset, inOffset+length)} into {@code out}.
     * Returns the plaintext length, or -1 when the input is shorter than a tag or the tag is wrong.
     */
    int open(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /** WireGuard's and Noise's nonce: 32 zero bits then the 64-bit counter, little-endian. */
    static void counterNonce(long counter, byte[] nonce) {
        nonce[0] = 0;
        nonce[1] = 0;
        nonce[2] = 0;
        nonce[3] = 0;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (counter >>> (8 * i));
        }
    }

    default byte[] seal(byte[] key, long counter, byte[] aad, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_LENGTH];
        counterNonce(counter, nonce);
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        seal(key, nonce, aad, plaintext, 0, plaintext.length, out, 0);
        return out;
    }

    /** Returns the plaintext, or null when the tag does not verify. */
    default byte[] open(byte[] key, long counter, byte[] aad, byte[] ciphertext) {
        if (ciphertext.length < TAG_LENGTH) {
            return null;
        }
        byte[] nonce = new byte[NONCE_LENGTH];
        counterNonce(counter, nonce);
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        return open(key, nonce, aad, ciphertext, 0, ciphertext.length, out, 0) < 0 ? null : out;
    }
}
