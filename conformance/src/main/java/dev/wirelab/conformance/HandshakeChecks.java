package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.differs;
import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Check.Outcome.pass;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;
import java.time.Duration;
import java.util.List;

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
        long[] transfer = lab.targetTransfer();
        long rx = transfer[0];
        long tx = transfer[1];
        return expect(fromHarness == 10 && fromTarget == 10 && rx > 0 && tx > 0,
                "harness->target " + fromHarness + "/10, target->harness " + fromTarget + "/10, target rx " + rx + " B tx " + tx + " B",
                "every ping must come back and the counters must move");
    }

    static Check.Outcome responderWaitsForConfirmation(Lab lab) throws Exception {
        // An initiation made outside the harness's Device: the Device will not confirm the session,
        // so the target's new keypair stays unconfirmed for as long as we watch.
        byte[] initiation = CRAFT.initiation(lab.harness.identity(), lab.targetKey, wallNow());
        int ourIndex = MessageCodec.readInt(initiation, Initiation.OFFSET_SENDER);
        long t0 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, initiation);
        Datagram response = lab.harness.await(t0, d -> d.type() == TYPE_RESPONSE, java.time.Duration.ofSeconds(3));
        if (response == null) {
            return fail("no response", "the target did not answer a valid initiation");
        }
        // Now the target has data for the harness: 3 pings.
        lab.target.ping(Lab.HARNESS_TUNNEL, 3);
        List<Datagram> early = lab.harness.receivedSince(t0).stream()
                .filter(d -> d.type() == TYPE_DATA && receiver(d) == ourIndex)
                .toList();
        return expect(early.isEmpty(), early.size() + " transport datagram(s) on the unconfirmed keypair while the target"
                + " had 3 pings to send", "a responder must not send data before the initiator's first packet confirms the"
                + " keypair (whitepaper §5.4.7)");
    }

    static Check.Outcome initiationTimestamp(Lab lab) throws Exception {
        long before = wallNow();
        if (lab.target.ping(Lab.HARNESS_TUNNEL, 1) != 1) {
            return fail("no session", "the target did not initiate a working session");
        }
        long after = wallNow();
        // The harness consumed the target's initiation: its TAI64N is the greatest it has seen from it.
        byte[][] t = new byte[1][];
        lab.harness.locked(d -> t[0] = d.peer(lab.targetKey).latestTimestamp().toByteArray());
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(t[0]);
        long label = b.getLong();
        int nanos = b.getInt();
        // The label less the Unix seconds of the wall clock around the handshake: the TAI64N base offset.
        long offset = label - 0x4000000000000000L - Math.floorDiv(after, 1_000_000_000L);
        long slack = Math.floorDiv(after, 1_000_000_000L) - Math.floorDiv(before, 1_000_000_000L) + 2;
        boolean whitened = (nanos & 0xffffff) == 0;
        String measured = String.format(java.util.Locale.ROOT, "label 2^62 + %d + Unix seconds (±%d s), nanoseconds %d (%s)",
                offset, slack, nanos, whitened ? "a multiple of 2^24" : "not rounded");
        if (Math.abs(offset - 10) <= slack && whitened) {
            return pass(measured);
        }
        if (Math.abs(offset - 37) <= slack && !whitened) {
            return differs("tai64n-boringtun", measured, "boringtun's TAI64N: base 2^62 + 37, nanoseconds not rounded");
        }
        return fail(measured, "expected base 2^62 + 10 and nanoseconds rounded down to 2^24 (noise.c tai64n_now)");
    }

    static Check.Outcome forgedResponseIgnored(Lab lab) throws Exception {
        return answerTheTargetsInitiation(lab, initiation -> {
            // A response to it (its sender index as receiver) with a valid mac1, whose ephemeral and
            // encrypted empty payload are random: it cannot decrypt, so no session may begin.
            byte[] forged = CRAFT.randomBytes(Protocol.RESPONSE_LENGTH, TYPE_RESPONSE);
            forged[1] = forged[2] = forged[3] = 0;
            System.arraycopy(initiation.bytes(), Initiation.OFFSET_SENDER, forged, Response.OFFSET_RECEIVER, 4);
            CRAFT.macsFor(lab.targetKey).addMacs(forged, new dev.wirelab.engine.Now(System.nanoTime(), wallNow()));
            long t1 = lab.harness.now();
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, forged);
            Datagram retry = lab.harness.await(t1, d -> d.type() == TYPE_INITIATION, Duration.ofSeconds(7));
            List<Datagram> data = lab.harness.receivedSince(t1).stream().filter(d -> d.type() == TYPE_DATA).toList();
            return expect(data.isEmpty() && retry != null, data.size() + " transport datagram(s) after the forged response;"
                    + " retransmitted initiation " + (retry == null ? "none in 7 s" : "after " + ms(retry.monoNanos() - t1)),
                    "a response that does not decrypt must be ignored: no session, and the initiation is retransmitted");
        });
    }
}
