package dev.wirelab.engine.crypto;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.XChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * XChaCha20-Poly1305 from BouncyCastle (since 1.85). The JDK has none; cookie replies are rare,
 * so speed does not matter here. Not thread-safe.
 */
public final class BcXChaCha20Poly1305 implements XAead {
    private final XChaCha20Poly1305 cipher = new XChaCha20Poly1305();

    @Override
    public byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
        // Same nonce-reuse guard as BouncyCastle's ChaCha20Poly1305; see BcChaCha20Poly1305.initEncrypt.
        BcChaCha20Poly1305.initEncrypt(cipher, key, nonce, aad);
        byte[] out = new byte[plaintext.length + TAG_LENGTH];
        int n = cipher.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("encryption cannot fail authentication", e);
        }
        return out;
    }

    @Override
    public byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) {
        if (ciphertext.length < TAG_LENGTH || nonce.length != NONCE_LENGTH) {
            return null;
        }
        cipher.init(false, new AEADParameters(new KeyParameter(key), 8 * TAG_LENGTH, nonce, aad));
        byte[] out = new byte[ciphertext.length - TAG_LENGTH];
        try {
            int n = cipher.processBytes(ciphertext, 0, ciphertext.length, out, 0);
            cipher.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            return null;
        }
    }
}
