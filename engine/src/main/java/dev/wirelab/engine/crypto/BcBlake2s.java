package dev.wirelab.engine.crypto;

import org.bouncycastle.crypto.digests.Blake2sDigest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/** BLAKE2s and HMAC-BLAKE2s from BouncyCastle (the JDK has no BLAKE2). Not thread-safe. */
public final class BcBlake2s implements Blake2s {
    private final Blake2sDigest hash = new Blake2sDigest(8 * HASH_LENGTH);
    private final HMac hmac = new HMac(new Blake2sDigest(8 * HASH_LENGTH));

    @Override
    public byte[] digest(byte[] key, int outputLength, byte[]... parts) {
        // The unkeyed 32-byte hash is the hot case (every handshake step): reuse one digest.
        Blake2sDigest d = key.length == 0 && outputLength == HASH_LENGTH
                ? hash
                : new Blake2sDigest(key.length == 0 ? null : key, outputLength, null, null);
        for (byte[] part : parts) {
            d.update(part, 0, part.length);
        }
        byte[] out = new byte[outputLength];
        d.doFinal(out, 0);
        return out;
    }

    @Override
    public byte[] hmac(byte[] key, byte[]... parts) {
        hmac.init(new KeyParameter(key));
        for (byte[] part : parts) {
            hmac.update(part, 0, part.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        hmac.doFinal(out, 0);
        return out;
    }
}
