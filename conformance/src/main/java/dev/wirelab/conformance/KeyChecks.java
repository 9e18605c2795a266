package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Checks.CRAFT;
import static dev.wirelab.conformance.Checks.yes;

import dev.wirelab.engine.crypto.SymmetricKey;

/** Preshared keys (whitepaper §5.2): mixed into the handshake by both sides, or no session. */
final class KeyChecks {
    private KeyChecks() {}

    static Check.Outcome pskBothSides(Lab lab) throws Exception {
        byte[] psk = CRAFT.randomBytes(32, -1);
        lab.target.setPresharedKey(lab.harness.publicKey().base64(), java.util.Base64.getEncoder().encodeToString(psk));
        lab.harness.presharedKey(lab.targetKey, SymmetricKey.of(psk));
        boolean first = lab.harnessPings(1);
        boolean second = lab.harnessPings(2);
        return expect(first && second, "with the same preshared key on both sides: pings " + yes(first) + ", " + yes(second),
                "a handshake with the same preshared key on both sides must complete");
    }

    static Check.Outcome pskOneSided(Lab lab) throws Exception {
        byte[] psk = CRAFT.randomBytes(32, -1);
        lab.target.setPresharedKey(lab.harness.publicKey().base64(), java.util.Base64.getEncoder().encodeToString(psk));
        boolean ping = lab.harnessPings(1);
        return expect(!ping, "preshared key on the target only: ping " + yes(ping),
                "a preshared key on one side only must give no session (the response does not decrypt)");
    }
}
