package dev.wirelab.engine.noise;

import dev.wirelab.engine.crypto.Aead;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.Kdf;
import java.util.Arrays;

/**
 * Noise's symmetric state for IKpsk2 with BLAKE2s: the chaining key C and the transcript hash H.
 *
 * <p>WireGuard uses every handshake key once, with nonce 0, so the cipher key is returned to the
 * caller rather than kept with a nonce counter. Operations that can fail ({@link #decryptAndHash})
 * leave the state untouched on failure, so a consumer can abandon it without rollback.
 */
final class SymmetricState {
    private final Crypto crypto;
    byte[] chainingKey;
    byte[] hash;

    private SymmetricState(Crypto crypto, byte[] chainingKey, byte[] hash) {
        this.crypto = crypto;
        this.chainingKey = chainingKey;
        this.hash = hash;
    }

    /**
     * InitializeSymmetric(protocol name) then MixHash(prologue). The name is longer than 32 bytes,
     * so H = HASH(name) and C = H. For WireGuard: C = HASH(CONSTRUCTION), H = HASH(C || IDENTIFIER).
     */
    static SymmetricState initialize(Crypto crypto, byte[] protocolName, byte[] prologue) {
        byte[] h;
        if (protocolName.length <= 32) {
            h = Arrays.copyOf(protocolName, 32);
        } else {
            h = crypto.blake2s().hash(protocolName);
        }
        SymmetricState s = new SymmetricState(crypto, h.clone(), h);
        s.mixHash(prologue);
        return s;
    }

    static SymmetricState resume(Crypto crypto, byte[] chainingKey, byte[] hash) {
        return new SymmetricState(crypto, chainingKey.clone(), hash.clone());
    }

    /** H = HASH(H || data). */
    void mixHash(byte[] data) {
        hash = crypto.blake2s().hash(hash, data);
    }

    /** C = KDF1(C, input): the WireGuard form of MixKey when the key is not used. */
    void mixChain(byte[] input) {
        byte[] c = Kdf.kdf1(crypto.blake2s(), chainingKey, input);
        Arrays.fill(chainingKey, (byte) 0);
        chainingKey = c;
    }

    /** (C, k) = KDF2(C, input); returns k. */
    byte[] mixKey(byte[] input) {
        byte[][] out = Kdf.kdf2(crypto.blake2s(), chainingKey, input);
        Arrays.fill(chainingKey, (byte) 0);
        chainingKey = out[0];
        return out[1];
    }

    /** (C, tau, k) = KDF3(C, psk); H = HASH(H || tau); returns k. */
    byte[] mixKeyAndHash(byte[] psk) {
        byte[][] out = Kdf.kdf3(crypto.blake2s(), chainingKey, psk);
        Arrays.fill(chainingKey, (byte) 0);
        chainingKey = out[0];
        mixHash(out[1]);
        Arrays.fill(out[1], (byte) 0);
        return out[2];
    }

    /** c = AEAD(k, 0, plaintext, H); H = HASH(H || c). */
    byte[] encryptAndHash(byte[] key, byte[] plaintext) {
        byte[] c = crypto.aead().seal(key, 0, hash, plaintext);
        mixHash(c);
        return c;
    }

    /** The plaintext, or null (state unchanged) when the tag does not verify. */
    byte[] decryptAndHash(byte[] key, byte[] ciphertext) {
        byte[] p = crypto.aead().open(key, 0, hash, ciphertext);
        if (p != null) {
            mixHash(ciphertext);
        }
        return p;
    }

    /** (T_initiator->responder, T_responder->initiator) = KDF2(C, empty). */
    byte[][] split() {
        return Kdf.kdf2(crypto.blake2s(), chainingKey, new byte[0]);
    }

    byte[] chainingKeyCopy() {
        return chainingKey.clone();
    }

    byte[] hashCopy() {
        return hash.clone();
    }

    void destroy() {
        Arrays.fill(chainingKey, (byte) 0);
        Arrays.fill(hash, (byte) 0);
    }
}
