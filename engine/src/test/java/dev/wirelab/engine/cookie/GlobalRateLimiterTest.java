package dev.wirelab.engine.cookie;

import static dev.wirelab.engine.cookie.TokenBucketRateLimiterTest.v4;
import static dev.wirelab.engine.cookie.TokenBucketRateLimiterTest.v6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;
import org.junit.jupiter.api.Test;

/** boringtun's device-wide handshake counter (noise/rate_limiter.rs), on an explicit clock. */
class GlobalRateLimiterTest {
    private static final long T0 = 42_000_000_000L;
    private static final long SECOND = Protocol.SECOND_NANOS;

    @Test
    void aHundredHandshakesASecondFromAnyoneThenRefusedUntilTheReset() {
        assertEquals(100, GlobalRateLimiter.HANDSHAKE_RATE_LIMIT);
        GlobalRateLimiter limiter = new GlobalRateLimiter();
        for (int i = 0; i < 100; i++) {
            // Every call a different source: the count is global.
            assertTrue(limiter.allow(v4(i, 51820), T0 + i), "handshake " + i);
        }
        assertFalse(limiter.allow(v4(1000, 1), T0 + 100), "the 101st, from a source never seen");
        assertFalse(limiter.allow(v6(1, 1, 1), T0 + SECOND - 1), "one nanosecond before the reset");
        for (int i = 0; i < 100; i++) {
            assertTrue(limiter.allow(v4(i, 51820), T0 + SECOND), "after the reset, handshake " + i);
        }
        assertFalse(limiter.allow(v4(0, 51820), T0 + SECOND));
    }

    @Test
    void aPeriodStartsAtTheCallThatResetsNotOnAGrid() {
        GlobalRateLimiter limiter = new GlobalRateLimiter(GlobalRateLimiter.PEER_HANDSHAKE_RATE_LIMIT);
        Endpoint source = v4(192, 0, 2, 1);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.allow(source, T0));
        }
        assertFalse(limiter.allow(source, T0));
        // Nothing arrives for 1.5 s; the reset happens at the first call after the period.
        long reset = T0 + SECOND + SECOND / 2;
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.allow(source, reset));
        }
        assertFalse(limiter.allow(source, T0 + 2 * SECOND), "no reset at T0 + 2 s: the period began at T0 + 1.5 s");
        assertFalse(limiter.allow(source, reset + SECOND - 1));
        assertTrue(limiter.allow(source, reset + SECOND));
    }

    @Test
    void aCallEarlyInAPeriodCountsAgainstThatPeriodOnly() {
        GlobalRateLimiter limiter = new GlobalRateLimiter(2);
        Endpoint source = v4(192, 0, 2, 1);
        assertTrue(limiter.allow(source, T0));
        assertTrue(limiter.allow(source, T0 + SECOND - 1));
        assertFalse(limiter.allow(source, T0 + SECOND - 1));
        assertTrue(limiter.allow(source, T0 + SECOND));
        assertTrue(limiter.allow(source, T0 + SECOND));
        assertFalse(limiter.allow(source, T0 + SECOND));
    }

    @Test
    void aLimitOfZeroRefusesEverything() {
        GlobalRateLimiter limiter = new GlobalRateLimiter(0);
        assertFalse(limiter.allow(v4(192, 0, 2, 1), T0));
        assertFalse(limiter.allow(v4(192, 0, 2, 1), T0 + 10 * SECOND));
    }
}
