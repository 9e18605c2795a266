package dev.wirelab.engine.crypto;

/**
 * BLAKE2s (RFC 7693) in the three shapes WireGuard uses: HASH (unkeyed, 32 bytes), MAC (keyed,
 * 16-byte output: a different parameter block, not a truncated 32-byte hash) and HMAC-BLAKE2s
 * (RFC 2104 over BLAKE2s-256, block size 64), which the KDF is built on.
 * Not thread-safe: one instance per thread.
 */
public interface Blake2s {
    int HASH_LENGTH = 32;
    int MAC_LENGTH = 16;
    int BLOCK_LENGTH = 64;
    int MAX_KEY_LENGTH = 32;

    /**
     * BLAKE2s with the given key (empty for none) and output length 1..32 over the
     * concatenation of {@code parts}: the general form RFC 7693 specifies.
     */
    byte[] digest(byte[] key, int outputLength, byte[]... parts);

    /** HASH(parts...): unkeyed BLAKE2s-256. */
    default byte[] hash(byte[]... parts) {
        return digest(new byte[0], HASH_LENGTH, parts);
    }

    /** MAC(key, parts...): keyed BLAKE2s with a 16-byte output. */
    default byte[] mac(byte[] key, byte[]... parts) {
        return digest(key, MAC_LENGTH, parts);
    }

    /** HMAC(key, parts...) with BLAKE2s-256: 32 bytes. Keys longer than 64 bytes are hashed first. */
    byte[] hmac(byte[] key, byte[]... parts);
}
