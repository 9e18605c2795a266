package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.Protocol;
import dev.wirelab.sim.Icmp;
import java.time.Duration;
import java.util.List;

/** Replays: of initiations (TAI64N, and the flood limit on them) and of transport data (the replay window). */
final class ReplayChecks {
    private ReplayChecks() {}

    static Check.Outcome replayedInitiation(Lab lab) throws Exception {
        byte[] initiation = CRAFT.initiation(lab.harness.identity(), lab.targetKey, wallNow());
        long t0 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, initiation);
        Datagram first = lab.harness.await(t0, d -> d.type() == TYPE_RESPONSE, Duration.ofSeconds(3));
        if (first == null) {
            return fail("no response to the original", "the original initiation was not answered");
        }
        Thread.sleep(200);
        long t1 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, initiation);
        Datagram second = lab.harness.await(t1, d -> d.type() == TYPE_RESPONSE, QUIET);
        return expect(second == null, "original answered in " + ms(first.monoNanos() - t0) + ", replay " + (second == null ? "ignored" : "ANSWERED"),
                "the replayed initiation was answered");
    }

    static Check.Outcome replayedTransport(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        Datagram data = lastSent(lab, TYPE_DATA);
        Thread.sleep(200);
        long t0 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, data.bytes());
        Thread.sleep(QUIET.toMillis());
        List<Datagram> after = lab.harness.receivedSince(t0);
        boolean stillWorks = lab.harnessPings(2);
        return expect(after.isEmpty() && stillWorks, after.size() + " datagram(s) after the replay; session " + (stillWorks ? "still works" : "BROKEN"),
                "a replayed echo request was answered, or the session broke: " + types(after));
    }

    static Check.Outcome replayWindowEdges(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        int count = 8200;
        lab.harness.holdSends(true);
        for (int seq = 2; seq < 2 + count; seq++) {
            lab.harness.sendInner(Icmp.echoRequest(Lab.HARNESS_TUNNEL_BYTES, Lab.TARGET_TUNNEL_BYTES, 0x574c, seq, 16));
        }
        lab.harness.holdSends(false);
        List<Datagram> held = lab.harness.takeHeld();
        if (held.size() != count) {
            return fail(held.size() + " held", "expected " + count + " sealed packets");
        }
        // held[i] carries echo sequence 2 + i and counter c0 + i. After the newest (G), the kernel's
        // counter table (selftest counter.c, cases 18 and 20) accepts G - 8128 and rejects G - 8129.
        int newestIndex = count - 1;
        boolean newest = sendHeldAndAwaitReply(lab, held, newestIndex, 2 + newestIndex);
        boolean behind100 = sendHeldAndAwaitReply(lab, held, newestIndex - 100, 2 + newestIndex - 100);
        boolean edge = sendHeldAndAwaitReply(lab, held, newestIndex - WINDOW, 2 + newestIndex - WINDOW);
        boolean pastEdge = sendHeldAndAwaitReply(lab, held, newestIndex - WINDOW - 1, 2 + newestIndex - WINDOW - 1);
        boolean duplicate = sendHeldAndAwaitReply(lab, held, newestIndex - 100, 2 + newestIndex - 100);
        return expect(newest && behind100 && edge && !pastEdge && !duplicate,
                "newest " + yes(newest) + ", 100 behind " + yes(behind100) + ", " + WINDOW + " behind " + yes(edge) + ", "
                        + (WINDOW + 1) + " behind " + yes(pastEdge) + ", duplicate " + yes(duplicate),
                "expected accepted, accepted, accepted, rejected, rejected (window of " + WINDOW + " counters)");
    }

    /** The replay window: counters up to this far behind the greatest are still accepted once. */
    static final int WINDOW = 8128;

    static boolean sendHeldAndAwaitReply(Lab lab, List<Datagram> held, int index, int sequence) throws Exception {
        int before = lab.harness.delivered().size();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, held.get(index).bytes());
        long deadline = System.nanoTime() + QUIET.toNanos();
        while (System.nanoTime() < deadline) {
            List<byte[]> delivered = lab.harness.delivered();
            for (int i = before; i < delivered.size(); i++) {
                Icmp.Echo e = Icmp.parse(delivered.get(i));
                if (e != null && !e.request() && e.sequence() == sequence) {
                    return true;
                }
            }
            Thread.sleep(5);
        }
        return false;
    }
    static Check.Outcome olderTimestamp(Lab lab) throws Exception {
        long now = wallNow();
        boolean current = answered(lab, now);
        Thread.sleep(100);
        boolean older = answered(lab, now - 30_000_000_000L);
        Thread.sleep(100);
        boolean newer = answered(lab, wallNow() + 1_000_000_000L);
        return expect(current && !older && newer, "now " + yes(current) + ", 30 s older " + yes(older) + ", newer " + yes(newer),
                "expected answered, ignored, answered");
    }

    static boolean answered(Lab lab, long wallNanos) throws Exception {
        long t0 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, CRAFT.initiation(lab.harness.identity(), lab.targetKey, wallNanos));
        return lab.harness.await(t0, d -> d.type() == TYPE_RESPONSE, QUIET) != null;
    }

    static Check.Outcome equalTimestamp(Lab lab) throws Exception {
        // Not the same bytes again: a new ephemeral key and index, only the timestamp equal. Whitepaper
        // §5.1: an initiation is taken only when its timestamp is greater than the last one taken.
        long stamp = wallNow();
        boolean first = answered(lab, stamp);
        Thread.sleep(100); // far past the 20 ms flood limit, which would also silence it
        boolean equal = answered(lab, stamp);
        Thread.sleep(100);
        boolean newer = answered(lab, wallNow() + 1_000_000_000L);
        return expect(first && !equal && newer, "first " + yes(first) + ", a new initiation with the same timestamp "
                + yes(equal) + ", newer " + yes(newer),
                "expected answered, ignored, answered: a timestamp must be greater than the last one taken, not equal");
    }

    /** Initiations sent back to back by the flood check, their timestamps 100 ms apart, each newer. */
    private static final int FLOOD_BURST = 30;
    /**
     * The spacing of consumed initiations, 1 s / INITIATIONS_PER_SECOND = 20 ms (kernel noise.c,
     * wireguard-go noise-protocol.go), less 5 ms: the kernel measures it on its coarse clock (jiffies).
     */
    private static final long FLOOD_SPACING_NANOS = 1_000_000_000L / Protocol.INITIATIONS_PER_SECOND - 5_000_000L;

    static Check.Outcome initiationFloodLimit(Lab lab) throws Exception {
        long stamp = wallNow();
        List<byte[]> burst = new java.util.ArrayList<>();
        for (int i = 0; i < FLOOD_BURST; i++) {
            burst.add(CRAFT.initiation(lab.harness.identity(), lab.targetKey, stamp + i * 100_000_000L));
        }
        long t0 = lab.harness.now();
        for (byte[] initiation : burst) {
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, initiation);
        }
        long sending = lab.harness.now() - t0;
        Thread.sleep(QUIET.toMillis());
        List<Long> responses = lab.harness.receivedSince(t0).stream().filter(d -> d.type() == TYPE_RESPONSE)
                .map(Datagram::monoNanos).toList();
        if (responses.isEmpty()) {
            return fail("no response to " + FLOOD_BURST + " valid initiations", "the target answered none of them");
        }
        // Every initiation it took was consumed after the first was sent and before its response came
        // back, each at least 20 ms after the one before: so n of them need (n - 1) x 20 ms of that span.
        // (Not the responses' spacing: a response leaves when its DH work is done, the first one late.)
        long span = responses.getLast() - t0;
        long allowed = 1 + span / FLOOD_SPACING_NANOS;
        return expect(responses.size() <= allowed, responses.size() + " of " + FLOOD_BURST + " answered (sent in "
                        + ms(sending) + "), the last response " + ms(span) + " after the first initiation",
                "one peer's initiations are consumed at most one per 20 ms: " + ms(span) + " allow at most " + allowed);
    }
}
