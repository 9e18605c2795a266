package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import java.time.Duration;
import java.util.List;

/** A session's keypairs over their life: confirmation by the initiator, and the previous keypair after a rekey. */
final class SessionChecks {
    private SessionChecks() {}

    static Check.Outcome previousKeypairAfterRekey(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        // An echo request sealed on this first keypair and held back, as if delayed on the way.
        lab.harness.holdSends(true);
        lab.harness.sendEcho(Lab.HARNESS_TUNNEL_BYTES, Lab.TARGET_TUNNEL_BYTES, 2);
        List<Datagram> held = lab.harness.takeHeld();
        lab.harness.holdSends(false);
        if (held.size() != 1 || held.getFirst().type() != TYPE_DATA) {
            return fail("harness held " + types(held), "harness error: expected one transport datagram held back");
        }
        // A new handshake: the harness forgets its sessions with the target, and its next packet starts
        // one. That packet confirms the target's new keypair, which moves the first one to previous.
        lab.harness.removePeer(lab.targetKey);
        lab.harness.addPeer(lab.targetKey, Lab.TARGET_ENDPOINT, Lab.TARGET_TUNNEL + "/32");
        Thread.sleep(100); // past the 20 ms flood limit: an initiation right after the first would be ignored
        boolean rekeyed = lab.harnessPings(3);
        boolean newKeypair = receiver(lastSent(lab, TYPE_DATA)) != receiver(held.getFirst());
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, held.getFirst().bytes());
        boolean late = lab.harness.awaitEchoReply(2, Duration.ofSeconds(3));
        return expect(rekeyed && newKeypair && late, "new session " + (rekeyed && newKeypair ? "up" : "NOT up")
                        + "; then the held echo request, on the previous keypair: " + (late ? "answered" : "NOT answered"),
                "right after a rekey, packets on the previous keypair are still accepted (whitepaper §5.4.7; kernel"
                        + " noise_keypairs.previous_keypair)");
    }

    static Check.Outcome initiatorConfirmsWithKeepalive(Lab lab) throws Exception {
        if (!targetInitiatesThenHarnessGoesSilent(lab)) {
            return fail("no session", "could not establish a session");
        }
        // One packet the harness leaves unanswered: 15 s later the target starts a new handshake with
        // nothing queued (the packet went out on the old session). The harness answers that initiation
        // only: as initiator with nothing to send, the target must confirm the session with a keepalive.
        long t0 = lab.harness.now();
        Datagram initiation;
        try (AutoCloseable ping = lab.target.pingInBackground(Lab.HARNESS_TUNNEL, 1)) {
            initiation = lab.harness.await(t0, d -> d.type() == TYPE_INITIATION, Duration.ofSeconds(19));
        } finally {
            lab.harness.mode(HarnessPeer.Mode.AUTOPILOT);
        }
        if (initiation == null) {
            return fail("no initiation in 19 s", "expected a new handshake 15 s after unanswered data");
        }
        long answered = lab.harness.now();
        lab.harness.feed(initiation);
        Datagram confirmation = lab.harness.await(answered, d -> d.type() == TYPE_DATA, Duration.ofSeconds(2));
        if (confirmation == null) {
            return fail("no transport datagram within 2 s of the response",
                    "the initiator must confirm the new session at once, with a keepalive when it has nothing to send");
        }
        return expect(confirmation.bytes().length == 32, "first transport datagram " + ms(confirmation.monoNanos() - answered)
                        + " after the response: " + confirmation.bytes().length + " B",
                "with nothing queued, the confirmation is a keepalive (32 B: header and tag, no payload)");
    }
}
