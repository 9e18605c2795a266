package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import java.util.List;
import java.time.Duration;

/** The handshake both ways, and data through it. */
final class HandshakeChecks {
    private HandshakeChecks() {}

    static Check.Outcome targetResponds(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        boolean reply = lab.harnessPings(1);
        Datagram response = lab.harness.await(t0, d -> d.type() == TYPE_RESPONSE, Duration.ZERO);
        return expect(reply && response != null, "response " + (response == null ? "none" : ms(response.monoNanos() - t0) + " after the first initiation")
                + ", echo reply " + (reply ? "delivered" : "missing"), "no complete handshake and ping within 3 s");
    }

    static Check.Outcome targetInitiates(Lab lab) throws Exception {
        int replies = lab.target.ping(Lab.HARNESS_TUNNEL, 3);
        long initiations = lab.harness.received().stream().filter(d -> d.type() == TYPE_INITIATION).count();
        return expect(replies == 3 && initiations >= 1, replies + "/3 pings, " + initiations + " initiation(s)",
                "expected the target to initiate and all 3 pings to come back");
    }

    static Check.Outcome dataBothWays(Lab lab) throws Exception {
        int fromHarness = 0;
        for (int seq = 1; seq <= 10; seq++) {
            fromHarness += lab.harnessPings(seq) ? 1 : 0;
        }
        int fromTarget = lab.target.ping(Lab.HARNESS_TUNNEL, 10);
        String transfer = lab.target.wg("show", lab.target.ifname(), "transfer").strip();
        String[] f = transfer.split("\t");
        long rx = Long.parseLong(f[1]);
        long tx = Long.parseLong(f[2]);
        return expect(fromHarness == 10 && fromTarget == 10 && rx > 0 && tx > 0,
                "harness->target " + fromHarness + "/10, target->harness " + fromTarget + "/10, target rx " + rx + " B tx " + tx + " B",
                "every ping must come back and the counters must move");
    }

    static Check.Outcome responderWaitsForConfirmation(Lab lab) throws Exception {
        // An initiation made outside the harness's Device: the Device will not confirm the session,
        // so the target's new keypair stays unconfirmed for as long as we watch.
        byte[] initiation = CRAFT.initiation(lab.harness.identity(), lab.targetKey, wallNow());
        byte[] ourIndex = java.util.Arrays.copyOfRange(initiation, 4, 8);
        long t0 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, initiation);
        Datagram response = lab.harness.await(t0, d -> d.type() == TYPE_RESPONSE, java.time.Duration.ofSeconds(3));
        if (response == null) {
            return fail("no response", "the target did not answer a valid initiation");
        }
        // Now the target has data for the harness: 3 pings.
        lab.target.ping(Lab.HARNESS_TUNNEL, 3);
        List<Datagram> early = lab.harness.receivedSince(t0).stream()
                .filter(d -> d.type() == TYPE_DATA && java.util.Arrays.equals(java.util.Arrays.copyOfRange(d.bytes(), 4, 8), ourIndex))
                .toList();
        return expect(early.isEmpty(), early.size() + " transport datagram(s) on the unconfirmed keypair while the target"
                + " had 3 pings to send", "a responder must not send data before the initiator's first packet confirms the"
                + " keypair (whitepaper §5.4.7)");
    }
}
