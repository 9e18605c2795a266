package dev.wirelab.engine.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 from the JDK's SunJCE provider, which has AVX2/AVX-512 intrinsics and is
 * measured at about 6x BouncyCastle for 1420-byte packets (shared/notes/toolchain.md). One
 * Cipher per instance: not thread-safe.
 */
public final class JdkChaCha20Poly1305 implements Aead {
    private static final String ALGORITHM = "ChaCha20-Poly1305";

    private final Cipher cipher;
    /** The last sealing and opening keys: a keypair seals with one key and opens with the other. */
    private final KeySlot sealKey = new KeySlot();
    private final KeySlot openKey = new KeySlot();

    /**
     * A key object kept while callers pass the same key, as a transport keypair does for every
     * packet: SecretKeySpec copies the key each time one is built. {@code source} is the caller's
     * array and {@code bytes} what it held then, so a key changed in place (a keypair zeroed on
     * destroy) is never used stale. The copies live until the next key, as the cipher's own copy
     * does until its next init; the JDK gives no way to wipe either.
     */
    private static final class KeySlot {
        private SecretKeySpec spec;
        private byte[] source;
        private final byte[] bytes = new byte[KEY_LENGTH];

        SecretKeySpec get(byte[] key) {
            if (key != source || key.length != KEY_LENGTH || !MessageDigest.isEqual(key, bytes)) {
                spec = new SecretKeySpec(key, "ChaCha20");
                source = key;
                if (key.length == KEY_LENGTH) {
                    System.arraycopy(key, 0, bytes, 0, KEY_LENGTH);
                }
            }
            return spec;
        }
    }

    public JdkChaCha20Poly1305() {
        try {
            cipher = Cipher.getInstance(ALGORITHM);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no " + ALGORITHM + " cipher", e);
        }
    }

    @Override
    public int seal(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        try {
            initEncrypt(key, nonce);
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (GeneralSecurityException e) {
            // Only reachable through a wrong key/nonce length or a short output buffer: caller bugs.
            throw new IllegalArgumentException("ChaCha20-Poly1305 seal failed: " + e.getMessage(), e);
        }
    }

    @Override
    public int open(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        if (length < TAG_LENGTH) {
            return -1;
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, openKey.get(key), new IvParameterSpec(nonce));
            if (aad.length > 0) {
                cipher.updateAAD(aad);
            }
            return cipher.doFinal(in, inOffset, length, out, outOffset);
        } catch (javax.crypto.AEADBadTagException e) {
            return -1;
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 open: output buffer too short", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 open failed: " + e.getMessage(), e);
        }
    }

    private void initEncrypt(byte[] key, byte[] nonce) throws GeneralSecurityException {
        SecretKeySpec spec = sealKey.get(key);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(nonce));
        } catch (InvalidKeyException sameKeyAndNonce) {
            // SunJCE refuses to encrypt twice in a row under the same key and nonce, as a guard
            // against nonce reuse. WireGuard never reuses a nonce for different plaintexts, but a
            // deterministic re-run (vectors, replayed simulations) legitimately seals the same
            // message again. Re-initialising in decrypt mode with another nonce clears the guard.
            byte[] other = nonce.clone();
            other[0] ^= 1;
            cipher.init(Cipher.DECRYPT_MODE, spec, new IvParameterSpec(other));
            cipher.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(nonce));
        }
    }
}
