package dev.wirelab.datapath;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.noise.StaticIdentity;
import java.util.HexFormat;

/** Seeded keys for tests: the same seed and name give the same key pair everywhere. */
record Keys(PrivateKey privateKey, PublicKey publicKey) {
    static Keys of(long seed, String name) {
        PrivateKey key = PrivateKey.generate(new DeterministicEntropy(seed).split(name));
        return new Keys(key, StaticIdentity.of(Crypto.fastest().x25519(), key).publicKey());
    }

    String privateHex() {
        return HexFormat.of().formatHex(privateKey.secretBytes());
    }

    String publicHex() {
        return HexFormat.of().formatHex(publicKey.toByteArray());
    }
}
