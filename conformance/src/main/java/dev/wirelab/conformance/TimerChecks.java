package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;
import dev.wirelab.sim.Icmp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The timers (whitepaper §6): keepalives, retransmissions, new handshakes and rekeys. */
final class TimerChecks {
    private TimerChecks() {}

    static Check.Outcome passiveKeepalive(Lab lab) throws Exception {
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        Thread.sleep(200);
        // An echo reply nobody asked for: delivered, authenticated data the target's stack does not answer.
        byte[] unanswered = Icmp.echoReply(new Icmp.Echo(Lab.TARGET_TUNNEL_BYTES, Lab.HARNESS_TUNNEL_BYTES, 7, 7, true), 16);
        long t0 = lab.harness.now();
        lab.harness.sendInner(unanswered);
        Datagram keepalive = lab.harness.await(t0, d -> d.type() == TYPE_DATA && d.bytes().length == 32, Duration.ofSeconds(14));
        if (keepalive == null) {
            return fail("none in 14 s", "no keepalive after receiving data");
        }
        double s = seconds(keepalive.monoNanos() - t0);
        return expect(s >= 10 - EARLY_SLACK_S && s <= 10 + LATE_SLACK_S, String.format(Locale.ROOT, "keepalive after %.3f s", s),
                "expected 10 s (slack -" + EARLY_SLACK_S + "/+" + LATE_SLACK_S + " s)");
    }

    static Check.Outcome retransmitInterval(Lab lab) throws Exception {
        List<Long> times = initiationsAfterOnePacket(lab, RETRANSMIT_WATCH);
        if (times.size() < RETRANSMIT_INTERVALS + 1) {
            return fail(times.size() + " initiation(s) in " + RETRANSMIT_WATCH.toSeconds() + " s",
                    "expected at least " + (RETRANSMIT_INTERVALS + 1) + " (0, ~5, ~10, … s)");
        }
        List<String> intervals = new ArrayList<>();
        boolean inBounds = true;
        double longestExtra = 0;
        for (int i = 1; i < times.size(); i++) {
            double s = seconds(times.get(i) - times.get(i - 1));
            intervals.add(String.format(Locale.ROOT, "%.3f", s));
            inBounds &= s >= 5 - EARLY_SLACK_S && s <= 5 + 0.334 + LATE_SLACK_S;
            longestExtra = Math.max(longestExtra, s - 5);
        }
        // Jitter is uniform in [0, 333 ms) per retransmission: the chance that none of 5 intervals
        // exceeds 5 s by JITTER_SEEN_S is (50/333)^5 < 1e-4, while a timer with no jitter runs late by
        // its scheduling delay only, a few milliseconds.
        boolean jitterSeen = longestExtra >= JITTER_SEEN_S;
        return expect(inBounds && jitterSeen, "intervals " + String.join(", ", intervals) + " s",
                !inBounds ? "each interval must be 5 s + jitter < 334 ms (slack -" + EARLY_SLACK_S + "/+" + LATE_SLACK_S + " s)"
                        : String.format(Locale.ROOT, "no jitter: no interval exceeds REKEY_TIMEOUT by %.0f ms or more",
                                JITTER_SEEN_S * 1000));
    }

    static Check.Outcome newHandshakeAfterNoReply(Lab lab) throws Exception {
        if (!targetInitiatesThenHarnessGoesSilent(lab)) {
            return fail("no session", "could not establish a session");
        }
        long t0 = lab.harness.now();
        try (AutoCloseable ping = lab.target.pingInBackground(Lab.HARNESS_TUNNEL, 20)) {
            Datagram firstData = lab.harness.await(t0, d -> d.type() == TYPE_DATA && d.bytes().length > 32, Duration.ofSeconds(3));
            if (firstData == null) {
                return fail("no data", "the target sent no data");
            }
            Datagram initiation = lab.harness.await(t0, d -> d.type() == TYPE_INITIATION, Duration.ofSeconds(19));
            if (initiation == null) {
                return fail("no initiation in 19 s", "expected a new handshake 15 s after unanswered data");
            }
            double s = seconds(initiation.monoNanos() - firstData.monoNanos());
            return expect(s >= 15 - EARLY_SLACK_S && s <= 15 + 0.334 + LATE_SLACK_S,
                    String.format(Locale.ROOT, "new initiation %.3f s after the first unanswered data", s),
                    "expected 15 s + jitter < 334 ms (slack -" + EARLY_SLACK_S + "/+" + LATE_SLACK_S + " s)");
        }
    }

    static Check.Outcome rekeyAfter120s(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        try (AutoCloseable ping = lab.target.pingInBackground(Lab.HARNESS_TUNNEL, 128)) {
            Thread.sleep(127_000);
        }
        List<Datagram> all = lab.harness.receivedSince(t0);
        Datagram anyData = all.stream().filter(d -> d.type() == TYPE_DATA).findFirst().orElse(null);
        if (anyData == null) {
            return fail("no data", "the target sent no data: no session");
        }
        Datagram rekey = all.stream().filter(d -> d.type() == TYPE_INITIATION && d.monoNanos() - anyData.monoNanos() > 60_000_000_000L)
                .findFirst().orElse(null);
        if (rekey == null) {
            return fail("no second handshake in 127 s", "expected a new initiation at 120 s");
        }
        // The session that is rekeyed is the one whose keypair carried the target's data just before: its
        // receiver index is the harness's index in the response that made it, and that response answered
        // the initiation that began it. (Not simply the first: a target may have handshaken twice at the
        // start, a response racing a retransmission, and then it counts from the second.)
        int inUse = receiver(all.stream().filter(d -> d.type() == TYPE_DATA && d.monoNanos() < rekey.monoNanos())
                .reduce((a, b) -> b).orElseThrow());
        Datagram response = lab.harness.sent().stream().filter(d -> d.type() == TYPE_RESPONSE
                && MessageCodec.readInt(d.bytes(), Response.OFFSET_SENDER) == inUse).findFirst().orElse(null);
        int initiator = response == null ? 0 : MessageCodec.readInt(response.bytes(), Response.OFFSET_RECEIVER);
        Datagram sessionStart = response == null ? null : all.stream().filter(d -> d.type() == TYPE_INITIATION
                && d.monoNanos() <= response.monoNanos() && MessageCodec.readInt(d.bytes(), Initiation.OFFSET_SENDER) == initiator)
                .reduce((a, b) -> b).orElse(null);
        if (sessionStart == null) {
            return fail("data before the rekey on index " + Integer.toUnsignedString(inUse, 16) + ", which no response of the"
                    + " harness gave", "harness error: cannot tell which handshake began the session");
        }
        Datagram firstData = all.stream().filter(d -> d.type() == TYPE_DATA && receiver(d) == inUse).findFirst().orElseThrow();
        // REKEY_AFTER_TIME counts from the keypair's birth, when the target consumed the response: after
        // its initiation went out, no later than its first data (staged data leaves at once). On a slow
        // target the response can come seconds after the initiation, so the initiation bounds the rekey
        // from below and the first data from above. The rekey goes out with the first data sent after
        // REKEY_AFTER_TIME: if the target sent nothing for a while then (a starved VM's ping stalls), it
        // is due with the next data, not before.
        long due = firstData.monoNanos() + 120_000_000_000L;
        Datagram dataAfter = all.stream().filter(d -> d.type() == TYPE_DATA && d.monoNanos() >= due).findFirst().orElse(null);
        double s = seconds(rekey.monoNanos() - sessionStart.monoNanos());
        double latest = seconds((dataAfter == null ? due + 1_000_000_000L : Math.max(dataAfter.monoNanos(), due + 1_000_000_000L))
                - sessionStart.monoNanos());
        return expect(s >= 120 - EARLY_SLACK_S && s <= latest + LATE_SLACK_S,
                String.format(Locale.ROOT, "new initiation %.3f s after the one that began the session (its first data %.3f s after it); "
                        + "first data 120 s after that at %s", s, seconds(firstData.monoNanos() - sessionStart.monoNanos()),
                        dataAfter == null ? "none" : String.format(Locale.ROOT, "%.3f s", seconds(dataAfter.monoNanos() - sessionStart.monoNanos()))),
                "expected REKEY_AFTER_TIME = 120 s after the session began (between its initiation and its first data), "
                        + "with the first data sent after it (slack -" + EARLY_SLACK_S + "/+" + LATE_SLACK_S + " s)");
    }

    static Check.Outcome persistentKeepalive(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        lab.target.wg("set", lab.target.ifname(), "peer", lab.harness.publicKey().base64(), "persistent-keepalive",
                Integer.toString(PERSISTENT_KEEPALIVE_S));
        Thread.sleep(9_500);
        List<Datagram> all = lab.harness.receivedSince(t0);
        if (all.isEmpty()) {
            return fail("nothing in 9.5 s", "expected a keepalive at once and then every " + PERSISTENT_KEEPALIVE_S + " s");
        }
        double first = seconds(all.getFirst().monoNanos() - t0);
        List<Long> keepalives = all.stream().filter(d -> d.type() == TYPE_DATA && d.bytes().length == 32)
                .map(Datagram::monoNanos).toList();
        List<String> intervals = new ArrayList<>();
        boolean ok = first <= 1.0 && keepalives.size() >= 4;
        // From the second keepalive on: the first goes out with the handshake, and a fresh device may
        // take a while to seal it after arming its timer (a JVM's first seal), which shortens that interval.
        for (int i = 2; i < keepalives.size(); i++) {
            double s = seconds(keepalives.get(i) - keepalives.get(i - 1));
            intervals.add(String.format(Locale.ROOT, "%.3f", s));
            ok &= s >= PERSISTENT_KEEPALIVE_S - EARLY_SLACK_S && s <= PERSISTENT_KEEPALIVE_S + LATE_SLACK_S;
        }
        return expect(ok, String.format(Locale.ROOT, "first datagram %.3f s after `wg set`; %d keepalives, intervals %s s",
                        first, keepalives.size(), intervals),
                "persistent-keepalive " + PERSISTENT_KEEPALIVE_S + ": something at once (within 1 s), then a keepalive every "
                        + PERSISTENT_KEEPALIVE_S + " s (slack -" + EARLY_SLACK_S + "/+" + LATE_SLACK_S + " s)");
    }

    /** The persistent keepalive interval the check sets, in seconds. */
    private static final int PERSISTENT_KEEPALIVE_S = 2;

    static Check.Outcome giveUpAfterRekeyAttemptTime(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        List<Long> times = initiationsAfterOnePacket(lab, GIVE_UP_WATCH);
        if (times.isEmpty()) {
            return fail("no initiation", "the target did not initiate");
        }
        // The first initiation and MAX_TIMER_HANDSHAKES + 1 = 19 retransmissions (the kernel's
        // expired_retransmit_handshake gives up when attempts exceed REKEY_ATTEMPT_TIME / REKEY_TIMEOUT
        // = 18), each REKEY_TIMEOUT + jitter (< 334 ms) after the one before, plus what the kernel's
        // timer wheel adds to each: 19 x 5.33 s was 101.3 s under qemu.
        double span = seconds(times.getLast() - times.getFirst());
        double latest = 19 * (5 + 0.334 + TIMER_WHEEL_SLACK_S);
        return expect(times.size() == 20 && span <= latest, String.format(Locale.ROOT,
                        "%d initiations, the last %.3f s after the first; none in the %.0f s after it", times.size(), span,
                        seconds(t0 + GIVE_UP_WATCH.toNanos() - times.getLast())),
                String.format(Locale.ROOT, "expected 20 initiations (the first and 19 retransmissions) within %.1f s, then"
                        + " none: REKEY_ATTEMPT_TIME (90 s) is up", latest));
    }

    private static final Duration GIVE_UP_WATCH = Duration.ofSeconds(118);
    /** What a kernel timer wheel may add to one 5 s retransmission (rounding up to its level's granularity). */
    private static final double TIMER_WHEEL_SLACK_S = 0.25;

    static Check.Outcome keypairRejectedAfter180s(Lab lab) throws Exception {
        long t0 = lab.harness.now();
        if (!lab.harnessPings(1)) {
            return fail("no session", "could not establish a session");
        }
        // The target is the responder here, so it never rekeys by time; its keypair was born before the
        // harness had its response.
        long bornBefore = lab.harness.receivedSince(t0).stream().filter(d -> d.type() == TYPE_RESPONSE).findFirst()
                .map(Datagram::monoNanos).orElseThrow();
        Datagram reply = lab.harness.receivedSince(t0).stream().filter(d -> d.type() == TYPE_DATA).findFirst().orElseThrow();
        int ourIndex = receiver(reply);
        // One echo request sealed now on this session, to be sent once the keypair is past REJECT_AFTER_TIME.
        lab.harness.holdSends(true);
        lab.harness.sendEcho(Lab.HARNESS_TUNNEL_BYTES, Lab.TARGET_TUNNEL_BYTES, 500);
        lab.harness.holdSends(false);
        List<Datagram> held = lab.harness.takeHeld();
        // Silent from now on: the target keeps sending data on this keypair and its handshakes go unanswered.
        lab.harness.mode(HarnessPeer.Mode.SILENT);
        long rejectAt = bornBefore + 180_000_000_000L;
        long[] before;
        long[] after;
        try (AutoCloseable ping = lab.target.pingInBackground(Lab.HARNESS_TUNNEL, 200)) {
            Thread.sleep(Math.max(0, (rejectAt + 3_000_000_000L - lab.harness.now()) / 1_000_000));
            before = lab.targetTransfer();
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, held.getFirst().bytes());
            Thread.sleep(1_500);
            after = lab.targetTransfer();
        }
        List<Long> onOld = lab.harness.receivedSince(t0).stream()
                .filter(d -> d.type() == TYPE_DATA && receiver(d) == ourIndex)
                .map(Datagram::monoNanos).toList();
        double lastSent = seconds(onOld.getLast() - bornBefore);
        boolean sentLate = lastSent > 180 + LATE_SLACK_S;
        boolean acceptedLate = after[0] != before[0];
        return expect(!sentLate && !acceptedLate && held.size() == 1, String.format(Locale.ROOT,
                        "last data on the keypair %.3f s after its birth; a packet sealed on it, sent at 183 s: %s (rx %d -> %d B)",
                        lastSent, acceptedLate ? "ACCEPTED" : "rejected", before[0], after[0]),
                "a keypair older than REJECT_AFTER_TIME (180 s) is neither used to send (slack +" + LATE_SLACK_S
                        + " s) nor accepted");
    }

    /**
     * The harness plays dead and the target gets one packet for it; when each initiation arrived in
     * {@code watch}. One packet only: every later one would ask for a handshake itself once
     * REKEY_TIMEOUT had passed, and with a ping a second the initiations would follow the ping's
     * clock, not the retransmit timer's.
     */
    private static List<Long> initiationsAfterOnePacket(Lab lab, Duration watch) throws Exception {
        lab.harness.mode(HarnessPeer.Mode.SILENT);
        long t0 = lab.harness.now();
        try (AutoCloseable ping = lab.target.pingInBackground(Lab.HARNESS_TUNNEL, 1)) {
            Thread.sleep(watch.toMillis());
        }
        return lab.harness.receivedSince(t0).stream().filter(d -> d.type() == TYPE_INITIATION).map(Datagram::monoNanos).toList();
    }

    static Check.Outcome oneInitiationPerRekeyTimeout(Lab lab) throws Exception {
        lab.harness.mode(HarnessPeer.Mode.SILENT);
        long t0 = lab.harness.now();
        // 30 packets 0.2 s apart, none answered: each one finds no session and asks for a handshake.
        lab.target.ping(Lab.HARNESS_TUNNEL, 30);
        List<Long> times = lab.harness.receivedSince(t0).stream().filter(d -> d.type() == TYPE_INITIATION)
                .map(Datagram::monoNanos).toList();
        List<String> intervals = new ArrayList<>();
        boolean spaced = true;
        for (int i = 1; i < times.size(); i++) {
            double s = seconds(times.get(i) - times.get(i - 1));
            intervals.add(String.format(Locale.ROOT, "%.3f", s));
            spaced &= s >= 5 - EARLY_SLACK_S;
        }
        return expect(!times.isEmpty() && spaced, String.format(Locale.ROOT, "%d initiation(s) in %.1f s of packets every"
                        + " 0.2 s; intervals %s s", times.size(), seconds(lab.harness.now() - t0), intervals),
                "at most one initiation per REKEY_TIMEOUT (5 s), however many packets wait (kernel send.c"
                        + " wg_packet_send_queued_handshake_initiation)");
    }
}
