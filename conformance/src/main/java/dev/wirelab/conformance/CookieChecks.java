package dev.wirelab.conformance;

import static dev.wirelab.conformance.Check.Outcome.expect;
import static dev.wirelab.conformance.Check.Outcome.fail;
import static dev.wirelab.conformance.Checks.*;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.message.CookieReply;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** Cookie replies: under load, and what a cookie reply may and may not change. */
final class CookieChecks {
    private CookieChecks() {}

    /** What a flood of mac1-valid initiations got: the first cookie reply (null: none in 10 s) and how many it took. */
    record Flood(Datagram firstCookie, long initiations, long startNanos) {}

    /**
     * Floods the target from harness port {@code port} with initiations that carry only a valid mac1
     * (each costs it a Diffie-Hellman) until the first cookie reply comes, at most 10 s: the target is
     * then under load.
     */
    static Flood floodUntilCookie(Lab lab, int port) throws Exception {
        lab.harness.openPort(port);
        CookieGenerator macs = CRAFT.macsFor(lab.targetKey);
        AtomicBoolean flooding = new AtomicBoolean(true);
        AtomicLong sent = new AtomicLong();
        Thread flood = Thread.ofPlatform().name("flood").start(() -> {
            while (flooding.get()) {
                try {
                    lab.harness.sendRawQuiet(port, Lab.TARGET_ENDPOINT, CRAFT.mac1OnlyInitiation(macs));
                    sent.incrementAndGet();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        long t0 = lab.harness.now();
        try {
            Datagram cookie = lab.harness.await(t0, d -> d.type() == TYPE_COOKIE, Duration.ofSeconds(10));
            return new Flood(cookie, sent.get(), t0);
        } finally {
            flooding.set(false);
            flood.join();
        }
    }

    static Check.Outcome cookieUnderLoad(Lab lab) throws Exception {
        int floodPort = 40000;
        Flood flood = floodUntilCookie(lab, floodPort);
        if (flood.firstCookie() == null) {
            return fail(flood.initiations() + " initiations sent, no cookie reply in 10 s",
                    "the target never answered with a cookie reply under a flood");
        }
        Datagram firstCookie = flood.firstCookie();
        long floodAtCookie = flood.initiations();
        long t0 = flood.startNanos();
        Datagram harnessCookie;
        long t1;
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
    static String mac2FromCookie(PublicKey harness, Datagram answered,
            Datagram cookieReply, Datagram next) {
        Now now = new Now(System.nanoTime(), wallNow());
        CookieGenerator macs = withCookie(harness, answered.bytes(), cookieReply.bytes(), now);
        if (macs == null) {
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
     * Macs toward {@code to} holding the cookie that {@code cookieReply} seals, {@code cookieReply}
     * answering the message {@code answered} (it is sealed to that message's mac1): what addMacs gives
     * next carries the mac2 the cookie gives. Null when the reply does not open.
     */
    static CookieGenerator withCookie(PublicKey to, byte[] answered, byte[] cookieReply, Now now) {
        CookieGenerator macs = CRAFT.macsFor(to);
        macs.addMacs(answered.clone(), now);
        return MessageCodec.parse(cookieReply, 0, cookieReply.length) instanceof CookieReply reply
                && macs.consumeReply(reply, now) instanceof Outcome.Ok<Void> ? macs : null;
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

    /** The per-source bucket under load (kernel ratelimiter.c, wireguard-go ratelimiter.go): 20 a second, a burst of 5. */
    private static final int RATE_PER_SECOND = 20;
    private static final int RATE_BURST = 5;
    /**
     * Initiations with a valid mac2 in the burst, and their spacing. They come from two identities the
     * target knows, in turn: each peer's then arrive 24 ms apart, above the 20 ms flood limit per peer,
     * while the source address (the harness's, which the bucket is kept for) sends twice as fast.
     */
    private static final int RATE_PROBES = 40;
    private static final long RATE_SPACING_MS = 12;

    static Check.Outcome rateLimitUnderLoad(Lab lab) throws Exception {
        StringBuilder tries = new StringBuilder();
        // A second identity the target knows as a peer, sending from the harness's address too.
        dev.wirelab.engine.noise.StaticIdentity second = strangerIdentity();
        lab.target.wg("set", lab.target.ifname(), "peer", second.publicKey().base64(), "allowed-ips", "198.51.100.3/32");
        // A target stays under load only 1 s after its queue was last long; a try whose last initiation
        // no longer got a cookie reply ran past that, and proves nothing: it is tried again.
        for (int attempt = 1; attempt <= 3; attempt++) {
            Check.Outcome o = rateLimitOnce(lab, attempt, second, tries);
            if (o != null) {
                return o;
            }
        }
        return fail(tries.toString().strip(), "the target was not under load until the end of any of 3 tries: "
                + "no verdict on its rate limit");
    }

    private static Check.Outcome rateLimitOnce(Lab lab, int attempt, dev.wirelab.engine.noise.StaticIdentity second,
            StringBuilder tries) throws Exception {
        int floodPort = 40010 + attempt;
        Flood flood = floodUntilCookie(lab, floodPort);
        if (flood.firstCookie() == null) {
            return fail(flood.initiations() + " initiations sent, no cookie reply in 10 s",
                    "the target never came under load (no cookie reply to a flood)");
        }
        awaitQuiet(lab, floodPort, Duration.ofMillis(50), Duration.ofSeconds(10));
        // Under load for up to 1 s more. The flood spent none of the harness address's tokens: a bucket is
        // charged only for initiations whose mac2 is valid. Get a cookie for the harness's own port.
        // Timestamps 100 ms apart, and each try's past the last's: every initiation is newer than any before.
        long stamp = wallNow() + (attempt - 1) * 5_000_000_000L;
        byte[] first = CRAFT.initiation(lab.harness.identity(), lab.targetKey, stamp);
        long t0 = lab.harness.now();
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, first);
        Datagram cookie = lab.harness.await(t0, d -> d.type() == TYPE_COOKIE && d.localPort() == Lab.HARNESS_PORT,
                Duration.ofSeconds(3));
        Now now = new Now(System.nanoTime(), wallNow());
        CookieGenerator macs = cookie == null ? null : withCookie(lab.targetKey, first, cookie.bytes(), now);
        if (macs == null) {
            tries.append(" no usable cookie reply to the harness's initiation;");
            return null;
        }
        java.util.Set<Integer> burst = new java.util.HashSet<>();
        List<dev.wirelab.engine.noise.StaticIdentity> senders = List.of(lab.harness.identity(), second);
        long start = lab.harness.now();
        for (int i = 1; i <= RATE_PROBES; i++) {
            byte[] initiation = CRAFT.initiation(senders.get(i % 2), lab.targetKey, stamp + i * 100_000_000L);
            macs.addMacs(initiation, now); // mac1 and the cookie's mac2
            burst.add(MessageCodec.readInt(initiation, Initiation.OFFSET_SENDER));
            lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, initiation);
            Thread.sleep(RATE_SPACING_MS);
        }
        // The last one without mac2: a cookie reply to it shows the target was under load to the end.
        byte[] last = CRAFT.initiation(lab.harness.identity(), lab.targetKey, stamp + (RATE_PROBES + 1) * 100_000_000L);
        int lastSender = MessageCodec.readInt(last, Initiation.OFFSET_SENDER);
        lab.harness.sendRaw(Lab.HARNESS_PORT, Lab.TARGET_ENDPOINT, last);
        Thread.sleep(QUIET.toMillis());
        List<Datagram> back = lab.harness.receivedSince(start).stream().filter(d -> d.localPort() == Lab.HARNESS_PORT).toList();
        List<Datagram> answered = back.stream().filter(d -> d.type() == TYPE_RESPONSE
                && burst.contains(MessageCodec.readInt(d.bytes(), Response.OFFSET_RECEIVER))).toList();
        boolean stillUnderLoad = back.stream().anyMatch(d -> d.type() == TYPE_COOKIE
                && MessageCodec.readInt(d.bytes(), CookieReply.OFFSET_RECEIVER) == lastSender);
        if (!stillUnderLoad) {
            tries.append(" ").append(answered.size()).append(" of ").append(RATE_PROBES)
                    .append(" answered but the load had ended by the last;");
            return null;
        }
        // The bucket refills while the target works through them: count from the first send to the last answer.
        long window = Math.max(lab.harness.now() - start - QUIET.toNanos(),
                answered.isEmpty() ? 0 : answered.getLast().monoNanos() - start);
        long allowed = RATE_BURST + (long) Math.ceil(RATE_PER_SECOND * seconds(window)) + 2;
        String measured = answered.size() + " of " + RATE_PROBES + " initiations with a valid mac2, " + RATE_SPACING_MS
                + " ms apart, answered in " + ms(window) + " under load (still under load at the end)";
        if (answered.size() > allowed) {
            return Check.Outcome.differs("rate-limiter-global", measured, "one address's initiations under load are"
                    + " limited to a burst of " + RATE_BURST + " and " + RATE_PER_SECOND + "/s: at most " + allowed + " here");
        }
        return answered.isEmpty() ? fail(measured, "none answered: a valid mac2 under load must get a response while the"
                + " bucket has tokens") : Check.Outcome.pass(measured);
    }
}
