package dev.wirelab.bench;

import dev.wirelab.engine.crypto.X25519;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * X25519 through the JDK's {@code KeyAgreement("X25519")}, only so the benchmarks can compare it
 * with {@link dev.wirelab.engine.crypto.BcX25519}; the engine does not use it. Each call builds
 * the key objects the JCA needs from raw bytes, as an engine holding byte arrays would have to,
 * so that cost is part of what is measured. Not thread-safe.
 */
final class JdkX25519 implements X25519 {
    private final KeyFactory keyFactory;
    private final KeyAgreement agreement;

    JdkX25519() {
        try {
            keyFactory = KeyFactory.getInstance("X25519");
            agreement = KeyAgreement.getInstance("X25519");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no X25519", e);
        }
    }

    /** The JDK has no fixed-base entry point for raw bytes: multiply the base point u = 9. */
    @Override
    public void publicKey(byte[] privateKey, byte[] out) {
        if (!sharedSecret(privateKey, BASE_POINT, out)) {
            throw new IllegalStateException("X25519 of the base point cannot be zero");
        }
    }

    @Override
    public boolean sharedSecret(byte[] scalar, byte[] u, byte[] out) {
        try {
            // The JDK clamps the scalar itself (RFC 7748 decodeScalar25519).
            PrivateKey privateKey = keyFactory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
            PublicKey publicKey = keyFactory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(u)));
            agreement.init(privateKey);
            agreement.doPhase(publicKey, true);
            agreement.generateSecret(out, 0);
            return true;
        } catch (InvalidKeyException lowOrderPoint) {
            // The JDK throws where BouncyCastle returns false: an all-zero result (whitepaper §5.4.1).
            Arrays.fill(out, 0, KEY_LENGTH, (byte) 0);
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("X25519 failed: " + e.getMessage(), e);
        }
    }

    /** RFC 7748 decodeUCoordinate: little-endian, top bit masked; the JDK reduces mod p. */
    private static BigInteger decodeU(byte[] u) {
        byte[] bigEndian = new byte[KEY_LENGTH];
        for (int i = 0; i < KEY_LENGTH; i++) {
            bigEndian[i] = u[KEY_LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian);
    }
}
