package dev.wirelab.engine.crypto;

/**
 * WireGuard's KDF (whitepaper §5.4, HKDF with HMAC-BLAKE2s):
 * <pre>
 *   T0 = HMAC(C, input)
 *   T1 = HMAC(T0, 0x1)
 *   Ti = HMAC(T0, T(i-1) || i)
 * </pre>
 * KDFn returns T1..Tn. T0 is zeroed before returning: it is the pseudorandom key of HKDF and
 * would let anyone derive every output.
 */
public final class Kdf {
    private Kdf() {}

    /** Returns {T1, ..., Tn} for n in 1..3. */
    public static byte[][] derive(Blake2s blake2s, int n, byte[] chainingKey, byte[] input) {
        if (n < 1 || n > 3) {
            throw new IllegalArgumentException("WireGuard uses KDF1..KDF3, not KDF" + n);
        }
        byte[] t0 = blake2s.hmac(chainingKey, input);
        byte[][] out = new byte[n][];
        try {
            byte[] previous = new byte[0];
            for (int i = 1; i <= n; i++) {
                out[i - 1] = blake2s.hmac(t0, previous, new byte[] {(byte) i});
                previous = out[i - 1];
            }
            return out;
        } finally {
            java.util.Arrays.fill(t0, (byte) 0);
        }
    }

    /** The pseudorandom key T0 = HMAC(C, input), exposed for the KDF vectors only. */
    public static byte[] extract(Blake2s blake2s, byte[] chainingKey, byte[] input) {
        return blake2s.hmac(chainingKey, input);
    }

    public static byte[] kdf1(Blake2s blake2s, byte[] chainingKey, byte[] input) {
        return derive(blake2s, 1, chainingKey, input)[0];
    }

    public static byte[][] kdf2(Blake2s blake2s, byte[] chainingKey, byte[] input) {
        return derive(blake2s, 2, chainingKey, input);
    }

    public static byte[][] kdf3(Blake2s blake2s, byte[] chainingKey, byte[] input) {
        return derive(blake2s, 3, chainingKey, input);
    }
}
