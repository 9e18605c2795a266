package dev.wirelab.engine.crypto;

/**
 * The primitives one engine instance uses. Each field is not thread-safe unless its class says so:
 * give every thread its own {@code Crypto} (see {@link #fastest()}).
 */
public record Crypto(X25519 x25519, Aead aead, XAead xaead, Blake2s blake2s) {

    /**
     * The fastest correct provider per primitive, as measured on this machine kind
     * (shared/notes/toolchain.md; benchmarks module): BouncyCastle X25519 (~1.9x the JDK's),
     * the JDK's ChaCha20-Poly1305 (~6x BouncyCastle's), BouncyCastle BLAKE2s and XChaCha20-Poly1305
     * (the JDK has neither).
     */
    public static Crypto fastest() {
        return new Crypto(new BcX25519(), new JdkChaCha20Poly1305(), new BcXChaCha20Poly1305(), new BcBlake2s());
    }
}
