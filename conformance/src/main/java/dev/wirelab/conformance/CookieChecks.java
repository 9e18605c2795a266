package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.message.CookieReply;
import dev.wirelab.engine.message.Initiation;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Cookie replies: under load, and what a cookie reply may and may not change. */
final class CookieChecks {
    private CookieChecks() {}

    static Check.Outcome cookieUnderLoad(Lab lab) throws Exception {
        int floodPort = 40000;
        lab.harness.openPort(floodPort);
        CookieGenerator macs = CRAFT.macsFor(lab.targetKey);
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread flood = Thread.ofPlatform().name("flood").start(() -> {
            while (flooding.get()) {
                try {
                    lab.harness.sendRawQuiet(floodPort, Lab.TARGET_ENDPOINT, CRAFT.mac1OnlyInitiation(macs));
                    sent.incrementAndGet();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        long t0 = lab.harness.now();
        Datagram firstCookie;
        Datagram harnessCookie;
        long floodAtCookie;
        long t1;
        try {
            firstCookie = lab.harness.await(t0, d -> d.type() == TYPE_COOKIE, Duration.ofSeconds(10));
            if (firstCookie == null) {
                return fail(sent.get() + " initiations sent, no cookie reply in 10 s",
                        "the target never answered with a cookie reply under a flood");
            }
            floodAtCookie = sent.get();
        } finally {
            flooding.set(false);
            flood.join();
        }
        // Under load now. Flooding on would keep the target's handshake queue full, and a full queue
        // drops every message, the harness's too (the kernel's, wireguard-go's and wirelab's do). So
        // stop, wait until the cookie replies to the flood stop coming (the queue has drained), and
        // send the harness's own initiation (a ping starts it) at once: a target stays under load
        // for 1 s after its queue was last long, so this initiation too must get a cookie reply.
        long drained = awaitQuiet(lab, floodPort, Duration.ofMillis(50), Duration.ofSeconds(10));
        t1 = lab.harness.now();
        lab.harness.sendEcho(Lab.HARNESS_TUNNEL_BYTES, Lab.TARGET_TUNNEL_BYTES, 1);
        // It waits behind what is left of the flood in the target's queue: seconds under qemu's TCG.
        harnessCookie = lab.harness.await(t1, d -> d.type() == TYPE_COOKIE && d.localPort() == Lab.HARNESS_PORT,
                Duration.ofSeconds(8));
        if (harnessCookie == null) {
            return fail("first cookie reply after " + floodAtCookie + " flood initiations; none to the harness's own initiation",
                    "the harness's initiation got no cookie reply under load");
        }
        // The flood is over; the next initiation carries mac2 made with the cookie and completes the handshake.
        boolean handshake = lab.harness.awaitEchoReply(1, Duration.ofSeconds(8));
        boolean mac2 = lab.harness.sent().stream()
                .filter(d -> d.type() == TYPE_INITIATION && d.monoNanos() > harnessCookie.monoNanos())
                .anyMatch(d -> !allZero(Arrays.copyOfRange(d.bytes(), Initiation.OFFSET_MAC2, Initiation.OFFSET_MAC2 + 16)));
        return expect(handshake && mac2, "first cookie reply after " + floodAtCookie + " flood initiations ("
                + ms(firstCookie.monoNanos() - t0) + "), queue drained " + ms(drained) + " after the flood stopped; "
                + "the harness's initiation answered with a cookie after "
                + ms(harnessCookie.monoNanos() - t1) + "; next initiation " + (mac2 ? "with mac2" : "WITHOUT mac2")
                + ", handshake " + (handshake ? "completed" : "FAILED"),
                "after a cookie reply, an initiation with a valid mac2 must complete the handshake");
    }

    static Check.Outcome cookieDoesNotRoam(Lab lab) throws Exception {
        int otherPort = 40001;
        lab.harness.openPort(otherPort);
        // The harness plays a responder under load: it answers the target's initiation with a cookie
        // reply, which we send from another port instead of the one the initiation went to.
        lab.harness.locked(d -> d.noteHandshakeBacklog(1 << 20));
        lab.harness.holdSends(true);
        long t0 = lab.harness.now();
        try (AutoCloseable ping = lab.target.pingInBackground(Lab.HARNESS_TUNNEL, 12)) {
            Datagram first = lab.harness.await(t0, d -> d.type() == TYPE_INITIATION, Duration.ofSeconds(3));
            if (first == null) {
                return fail("no initiation", "the target did not initiate");
            }
            Thread.sleep(100);
            List<Datagram> held = lab.harness.takeHeld();
            Datagram cookie = held.stream().filter(d -> d.type() == TYPE_COOKIE).findFirst().orElse(null);
            if (cookie == null) {
                return fail("harness made no cookie reply", "harness error: no cookie reply to send");
            }
            lab.harness.sendRaw(otherPort, Lab.TARGET_ENDPOINT, cookie.bytes());
            Thread.sleep(300);
            String endpoint = lab.targetSeesHarnessAt();
            Datagram retry = lab.harness.await(first.monoNanos() + 1, d -> d.type() == TYPE_INITIATION, Duration.ofSeconds(7));
            String mac2 = retry == null ? "none" : mac2FromCookie(lab.harness.publicKey(), first, cookie, retry);
            String expected = Lab.HARNESS_UNDERLAY + ":" + Lab.HARNESS_PORT;
            return expect(endpoint.equals(expected) && mac2.equals("the cookie's"), "endpoint after the cookie reply "
                    + endpoint + "; next initiation's mac2: " + mac2,
                    "the endpoint must stay " + expected + " and the next initiation must carry the mac2 the cookie gives");
        } finally {
            lab.harness.holdSends(false);
        }
    }

    /**
     * What mac2 {@code next} carries: "the cookie's" when it is MAC(cookie, next[0 : mac2]) for the
     * cookie that {@code cookieReply} (from the harness, answering {@code answered}) sealed, as
     * whitepaper §5.4.7 has it; else "zero" or "wrong".
     */
    static String mac2FromCookie(dev.wirelab.engine.crypto.PublicKey harness, Datagram answered,
            Datagram cookieReply, Datagram next) {
        dev.wirelab.engine.Now now = new dev.wirelab.engine.Now(System.nanoTime(), wallNow());
        CookieGenerator macs = CRAFT.macsFor(harness);
        macs.addMacs(answered.bytes().clone(), now); // the mac1 the cookie reply is sealed to
        if (!(dev.wirelab.engine.message.MessageCodec.parse(cookieReply.bytes(), 0, cookieReply.bytes().length)
                instanceof dev.wirelab.engine.message.CookieReply reply)
                || !(macs.consumeReply(reply, now) instanceof dev.wirelab.engine.Outcome.Ok<Void>)) {
            return "(the harness's cookie reply did not open: harness error)";
        }
        byte[] expected = next.bytes().clone();
        macs.addMacs(expected, now);
        byte[] got = Arrays.copyOfRange(next.bytes(), Initiation.OFFSET_MAC2, Initiation.OFFSET_MAC2 + 16);
        if (Arrays.equals(got, Arrays.copyOfRange(expected, Initiation.OFFSET_MAC2, Initiation.OFFSET_MAC2 + 16))) {
            return "the cookie's";
        }
        return allZero(got) ? "zero" : "wrong";
    }

    /**
     * Waits until nothing has arrived on {@code port} for {@code quiet}, at most {@code limit};
     * returns how long that took (from the call to the last arrival).
     */
    static long awaitQuiet(Lab lab, int port, Duration quiet, Duration limit) throws InterruptedException {
        long start = lab.harness.now();
        long deadline = start + limit.toNanos();
        while (lab.harness.now() < deadline) {
            List<Datagram> on = lab.harness.receivedSince(start).stream().filter(d -> d.localPort() == port).toList();
            long last = on.isEmpty() ? start : on.getLast().monoNanos();
            if (lab.harness.now() - last >= quiet.toNanos()) {
                return last - start;
            }
            Thread.sleep(5);
        }
        return limit.toNanos();
    }

    static Check.Outcome forgedCookieIgnored(Lab lab) throws Exception {
        return answerTheTargetsInitiation(lab, first -> {
            // A cookie reply to that initiation (its sender index) whose sealed cookie is random bytes.
            byte[] forged = CRAFT.randomBytes(64, TYPE_COOKIE);
            forged[1] = forged[2] = forged[3] = 0;
            System.arraycopy(first.bytes(), Initiation.OFFSET_SENDER, forged, CookieReply.OFFSET_RECEIVER, 4);
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, forged);
            Datagram retry = lab.harness.await(first.monoNanos() + 1, d -> d.type() == TYPE_INITIATION, Duration.ofSeconds(7));
            if (retry == null) {
                return fail("no retransmitted initiation in 7 s", "expected a retransmission REKEY_TIMEOUT after the first");
            }
            boolean zero = allZero(Arrays.copyOfRange(retry.bytes(), Initiation.OFFSET_MAC2, Initiation.OFFSET_MAC2 + 16));
            return expect(zero, "next initiation's mac2 " + (zero ? "zero" : "NON-ZERO"),
                    "a cookie reply that does not decrypt must be ignored: no mac2 from its cookie");
        });
    }
}
