package dev.wirelab.engine.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * ChaCha20-Poly1305 from BouncyCastle: the pure-Java alternative to {@link JdkChaCha20Poly1305},
 * kept so benchmarks can show why the JDK one is the default and so vectors check both.
 * Not thread-safe.
 */
public final class BcChaCha20Poly1305 implements Aead {
    private final ChaCha20Poly1305 cipher;

    public BcChaCha20Poly1305() {
        this(new ChaCha20Poly1305());
    }

    BcChaCha20Poly1305(ChaCha20Poly1305 cipher) {
        this.cipher = cipher;
    }

    @Override
    public int seal(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        initEncrypt(cipher, key, nonce, aad);
        int n = cipher.processBytes(in, inOffset, length, out, outOffset);
        try {
            return n + cipher.doFinal(out, outOffset + n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail authentication", e);
        }
    }

    @Override
    public int open(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (length < TAG_LENGTH) {
            return -1;
        }
        cipher.init(false, new AEADParameters(new KeyParameter(key), 8 * TAG_LENGTH, nonce, aad));
        try {
            int n = cipher.processBytes(in, inOffset, length, out, outOffset);
            return n + cipher.doFinal(out, outOffset + n);
        } catch (InvalidCipherTextException e) {
            return -1;
        }
    }

    /**
     * BouncyCastle refuses to initialise for encryption under the key and nonce of its previous
     * init (encrypt or decrypt) as a guard against nonce reuse. As in {@link JdkChaCha20Poly1305}:
     * WireGuard never seals two different messages under one key and nonce, but deterministic
     * re-runs (vectors, replayed simulations) legitimately seal the same message again.
     * Initialising for decryption under another nonce clears the guard.
     */
    static void initEncrypt(AEADCipher cipher, byte[] key, byte[] nonce, byte[] aad) {
        AEADParameters parameters = new AEADParameters(new KeyParameter(key), 8 * TAG_LENGTH, nonce, aad);
        try {
            cipher.init(true, parameters);
        } catch (IllegalArgumentException sameKeyAndNonce) {
            byte[] other = nonce.clone();
            other[0] ^= 1;
            cipher.init(false, new AEADParameters(new KeyParameter(key), 8 * TAG_LENGTH, other, aad));
            cipher.init(true, parameters);
        }
    }
}
