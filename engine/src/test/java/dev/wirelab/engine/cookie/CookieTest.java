package dev.wirelab.engine.cookie;

import static dev.wirelab.engine.EnginePair.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.cookie.CookieChecker.MacState;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.message.CookieReply;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.noise.NoiseTrace;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** mac1, mac2 and the cookie reply round trip (whitepaper §5.4.4 and §5.4.7). */
class CookieTest {
    private static final Now T0 = new Now(5_000_000_000L, 1_700_000_000_000_000_000L);
    private static final Endpoint SOURCE = Endpoint.ipv4("203.0.113.9:40000");

    @Test
    void underLoadTheCookieRoundTripUnlocksTheHandshake() {
        EnginePair p = new EnginePair(21, false);
        byte[] first = p.initiation(T0, PrivateKey.generate(p.entropyI), 7, NoiseTrace.OFF);
        assertArrayEquals(new byte[16], Arrays.copyOfRange(first, 132, 148), "no cookie yet: mac2 is zero");
        assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE, p.checkerR.validate(first, first.length, SOURCE, T0, true));

        // The responder, under load, answers with a cookie reply addressed to sender index 7.
        CookieReply reply = p.checkerR.createReply(first, 7, SOURCE, T0);
        byte[] replyWire = MessageCodec.encode(reply);
        assertEquals(Protocol.COOKIE_REPLY_LENGTH, replyWire.length);
        CookieReply parsed = (CookieReply) MessageCodec.parse(replyWire);
        assertEquals(7, parsed.receiver());
        ok(p.macsToR.consumeReply(parsed, T0));

        Now retry = T0.plusNanos(Protocol.REKEY_TIMEOUT_NANOS);
        byte[] second = p.initiation(retry, PrivateKey.generate(p.entropyI), 8, NoiseTrace.OFF);
        assertNotEquals(Arrays.toString(new byte[16]), Arrays.toString(Arrays.copyOfRange(second, 132, 148)));
        assertEquals(MacState.VALID_MAC_WITH_COOKIE, p.checkerR.validate(second, second.length, SOURCE, retry, true));
        // The cookie is bound to the source address and port.
        assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE,
                p.checkerR.validate(second, second.length, Endpoint.ipv4("203.0.113.9:40001"), retry, true));
    }

    @Test
    void aCookieReplyIsOnlyAcceptedForTheMac1WeLastSent() {
        EnginePair p = new EnginePair(22, false);
        byte[] first = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        CookieReply reply = p.checkerR.createReply(first, 1, SOURCE, T0);
        // We send a newer initiation: the reply to the old one no longer matches our last mac1.
        p.initiation(T0.plusNanos(Protocol.SECOND_NANOS), PrivateKey.generate(p.entropyI), 2, NoiseTrace.OFF);
        assertEquals(Outcome.dropped(DropReason.BAD_COOKIE_REPLY), p.macsToR.consumeReply(reply, T0));
        // A reply nobody asked for (nothing sent) is refused too.
        EnginePair fresh = new EnginePair(23, false);
        assertEquals(Outcome.dropped(DropReason.BAD_COOKIE_REPLY), fresh.macsToR.consumeReply(reply, T0));
    }

    @Test
    void aCookieIsUsedForAtMostOneHundredFifteenSeconds() {
        EnginePair p = new EnginePair(24, false);
        byte[] first = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        ok(p.macsToR.consumeReply(p.checkerR.createReply(first, 1, SOURCE, T0), T0));
        long usable = Protocol.COOKIE_SECRET_MAX_AGE_NANOS - Protocol.COOKIE_SECRET_LATENCY_NANOS;
        byte[] stillFresh = p.initiation(T0.plusNanos(usable - 1), PrivateKey.generate(p.entropyI), 2, NoiseTrace.OFF);
        assertNotEquals(Arrays.toString(new byte[16]), Arrays.toString(Arrays.copyOfRange(stillFresh, 132, 148)));
        byte[] stale = p.initiation(T0.plusNanos(usable), PrivateKey.generate(p.entropyI), 3, NoiseTrace.OFF);
        assertArrayEquals(new byte[16], Arrays.copyOfRange(stale, 132, 148));
    }

    @Test
    void theResponderSecretRotatesEveryTwoMinutes() {
        EnginePair p = new EnginePair(25, false);
        byte[] first = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        ok(p.macsToR.consumeReply(p.checkerR.createReply(first, 1, SOURCE, T0), T0));
        Now later = T0.plusNanos(Protocol.COOKIE_SECRET_MAX_AGE_NANOS - Protocol.COOKIE_SECRET_LATENCY_NANOS - 1);
        byte[] second = p.initiation(later, PrivateKey.generate(p.entropyI), 2, NoiseTrace.OFF);
        assertEquals(MacState.VALID_MAC_WITH_COOKIE, p.checkerR.validate(second, second.length, SOURCE, later, true));
        Now rotated = T0.plusNanos(Protocol.COOKIE_SECRET_MAX_AGE_NANOS);
        assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE, p.checkerR.validate(second, second.length, SOURCE, rotated, true),
                "after 120 s the secret is new and the old cookie no longer verifies");
    }

    @Test
    void underLoadAFloodingSourceWithAValidCookieIsRateLimitedAfterTheBurst() {
        EnginePair p = new EnginePair(28, false);
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        CookieChecker checker = new CookieChecker(p.cryptoR, p.entropyR.split("limited"), p.identityR.publicKey(), limiter);
        byte[] first = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        ok(p.macsToR.consumeReply(checker.createReply(first, 1, SOURCE, T0), T0));
        Now now = T0.plusNanos(Protocol.SECOND_NANOS);
        byte[] flood = p.initiation(now, PrivateKey.generate(p.entropyI), 2, NoiseTrace.OFF);

        for (int i = 0; i < TokenBucketRateLimiter.PACKETS_BURSTABLE; i++) {
            assertEquals(MacState.VALID_MAC_WITH_COOKIE, checker.validate(flood, flood.length, SOURCE, now, true), "packet " + i);
        }
        assertEquals(MacState.VALID_MAC_WITH_COOKIE_BUT_RATELIMITED, checker.validate(flood, flood.length, SOURCE, now, true));
        Now almost = now.plusNanos(TokenBucketRateLimiter.PACKET_COST_NANOS - 1);
        assertEquals(MacState.VALID_MAC_WITH_COOKIE_BUT_RATELIMITED, checker.validate(flood, flood.length, SOURCE, almost, true));
        Now refilled = now.plusNanos(TokenBucketRateLimiter.PACKET_COST_NANOS);
        assertEquals(MacState.VALID_MAC_WITH_COOKIE, checker.validate(flood, flood.length, SOURCE, refilled, true), "one token per 50 ms");
        assertEquals(MacState.VALID_MAC_WITH_COOKIE_BUT_RATELIMITED, checker.validate(flood, flood.length, SOURCE, refilled, true));
        assertEquals(1, limiter.size());
    }

    @Test
    void onlyAValidMac2UnderLoadSpendsTheSourcesTokens() {
        EnginePair p = new EnginePair(29, false);
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        CookieChecker checker = new CookieChecker(p.cryptoR, p.entropyR.split("limited"), p.identityR.publicKey(), limiter);
        byte[] noCookie = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        for (int i = 0; i < 20; i++) {
            // Not under load: mac2 is not looked at, and the limiter is not asked.
            assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE, checker.validate(noCookie, noCookie.length, SOURCE, T0, false));
            // Under load without a cookie: a cookie reply is due, not a rate-limit verdict.
            assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE, checker.validate(noCookie, noCookie.length, SOURCE, T0, true));
        }
        assertEquals(0, limiter.size(), "an unproven address never reaches the limiter");

        ok(p.macsToR.consumeReply(checker.createReply(noCookie, 1, SOURCE, T0), T0));
        byte[] withCookie = p.initiation(T0, PrivateKey.generate(p.entropyI), 2, NoiseTrace.OFF);
        Endpoint spoofed = Endpoint.ipv4("203.0.113.9:40001");
        for (int i = 0; i < 20; i++) {
            // The cookie is bound to SOURCE: from another port mac2 fails, and SOURCE's budget is untouched.
            assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE, checker.validate(withCookie, withCookie.length, spoofed, T0, true));
        }
        for (int i = 0; i < TokenBucketRateLimiter.PACKETS_BURSTABLE; i++) {
            assertEquals(MacState.VALID_MAC_WITH_COOKIE, checker.validate(withCookie, withCookie.length, SOURCE, T0, true));
        }
        assertEquals(MacState.VALID_MAC_WITH_COOKIE_BUT_RATELIMITED, checker.validate(withCookie, withCookie.length, SOURCE, T0, true));
    }

    @Test
    void withoutARateLimiterAValidCookieIsNeverRateLimited() {
        EnginePair p = new EnginePair(30, false);
        byte[] first = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        ok(p.macsToR.consumeReply(p.checkerR.createReply(first, 1, SOURCE, T0), T0));
        byte[] second = p.initiation(T0, PrivateKey.generate(p.entropyI), 2, NoiseTrace.OFF);
        for (int i = 0; i < 100; i++) {
            assertEquals(MacState.VALID_MAC_WITH_COOKIE, p.checkerR.validate(second, second.length, SOURCE, T0, true));
        }
        assertTrue(RateLimiter.UNLIMITED.allow(SOURCE, Long.MIN_VALUE));
    }

    @Test
    void mac1ForSomeoneElseIsInvalid() {
        EnginePair p = new EnginePair(26, false);
        EnginePair other = new EnginePair(27, false);
        byte[] init = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        assertEquals(MacState.INVALID_MAC, other.checkerR.validate(init, init.length, SOURCE, T0, false));
        assertEquals(MacState.INVALID_MAC, p.checkerR.validate(init, 147, SOURCE, T0, false), "wrong length");
        Initiation parsed = (Initiation) MessageCodec.parse(init);
        assertEquals(1, parsed.sender());
    }
}
