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

    static Check.Outcome privateKeyChange(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return Check.Outcome.fail("no session", "could not establish a session");
        }
        // The target takes a new key under traffic; the harness knows it by that key only from now on.
        dev.wirelab.engine.noise.StaticIdentity next = Checks.strangerIdentity();
        lab.target.setPrivateKey(next.privateKey().base64());
        lab.harness.removePeer(lab.targetKey);
        lab.harness.addPeer(next.publicKey(), Lab.TARGET_ENDPOINT, Lab.TARGET_TUNNEL + "/32");
        long t0 = lab.harness.now();
        int replies = lab.target.ping(Lab.HARNESS_TUNNEL, 3);
        long initiations = lab.harness.receivedSince(t0).stream().filter(d -> d.type() == Checks.TYPE_INITIATION).count();
        String shown = lab.target.wg("show", lab.target.ifname(), "public-key").strip();
        boolean showsNew = shown.equals(next.publicKey().base64());
        return expect(replies == 3 && initiations >= 1 && showsNew, "after the key change: " + initiations
                        + " new initiation(s), " + replies + "/3 pings; `wg show public-key` " + (showsNew ? "the new key" : shown),
                "a new private key ends the sessions made with the old one: the next packet starts a handshake under the new key");
    }
}
