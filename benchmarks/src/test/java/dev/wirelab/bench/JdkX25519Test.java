package dev.wirelab.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wirelab.engine.crypto.BcX25519;
import dev.wirelab.engine.crypto.X25519;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The benchmark's JDK adapter must compute what BouncyCastle computes, or the ratio lies. */
class JdkX25519Test {
    // RFC 7748 §6.1.
    private static final byte[] ALICE_PRIVATE = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    private static final byte[] ALICE_PUBLIC = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    private static final byte[] BOB_PUBLIC = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    private static final byte[] SHARED = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");

    @Test
    void matchesRfc7748AndBouncyCastle() {
        for (X25519 x : new X25519[] {new JdkX25519(), new BcX25519()}) {
            byte[] out = new byte[32];
            x.publicKey(ALICE_PRIVATE, out);
            assertArrayEquals(ALICE_PUBLIC, out, x.getClass().getSimpleName() + " public key");
            x.sharedSecret(ALICE_PRIVATE, BOB_PUBLIC, out);
            assertArrayEquals(SHARED, out, x.getClass().getSimpleName() + " shared secret");
        }
    }

    @Test
    void lowOrderPointIsFailureNotException() {
        byte[] out = hex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
        assertFalse(new JdkX25519().sharedSecret(ALICE_PRIVATE, new byte[32], out));
        assertArrayEquals(new byte[32], out);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
