package dev.wirelab.engine.noise;

import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.X25519;

/** This device's static key pair: what the whitepaper calls S_priv and S_pub. */
public record StaticIdentity(PrivateKey privateKey, PublicKey publicKey) {
    public static StaticIdentity of(X25519 x25519, PrivateKey privateKey) {
        return new StaticIdentity(privateKey, x25519.publicKey(privateKey));
    }

    @Override
    public String toString() {
        return "StaticIdentity[public=" + publicKey + "]";
    }
}
