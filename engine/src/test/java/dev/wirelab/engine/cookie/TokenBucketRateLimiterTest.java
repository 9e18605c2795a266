package dev.wirelab.engine.cookie;

import static dev.wirelab.engine.cookie.TokenBucketRateLimiter.PACKET_COST_NANOS;
import static dev.wirelab.engine.cookie.TokenBucketRateLimiter.PACKETS_BURSTABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kernel's rate limiter on an explicit clock: the expected sequence of its selftest
 * (drivers/net/wireguard/selftest/ratelimiter.c) and of wireguard-go's ratelimiter_test.go, the
 * exact refill instant, the /64 grouping, collection of idle entries and the table bound.
 */
class TokenBucketRateLimiterTest {
    /** Any origin: the limiter looks only at differences. Negative on purpose. */
    private static final long T0 = -7_000_000_000L;
    private static final long MS = 1_000_000L;

    /** One row of the kernel's expected_results: wait this long, then expect this answer. */
    private record Step(long waitNanos, boolean allowed) {}

    private static final List<Step> KERNEL_SEQUENCE = List.of(
            new Step(0, true), new Step(0, true), new Step(0, true), new Step(0, true), new Step(0, true),
            new Step(0, false),
            new Step(PACKET_COST_NANOS, true),
            new Step(0, false),
            new Step(2 * PACKET_COST_NANOS, true),
            new Step(0, true),
            new Step(0, false));

    @Test
    void theKernelSelftestSequenceForIpv4AndIpv6() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        long now = T0;
        int v4 = 8182;
        for (int i = 0; i < KERNEL_SEQUENCE.size(); i++) {
            Step step = KERNEL_SEQUENCE.get(i);
            now += step.waitNanos();
            assertEquals(step.allowed(), limiter.allow(v4(v4, 1), now), "IPv4, step " + i);
            assertTrue(limiter.allow(v4(v4 + i + 1, 1), now), "a fresh IPv4 source, step " + i);
            // As in the selftest the low 64 bits change every step: it is one /64, so one bucket.
            long low = (long) i << 32 | i;
            assertEquals(step.allowed(), limiter.allow(v6(1212L << 32 | 289188, low, 1), now), "IPv6, step " + i);
            assertTrue(limiter.allow(v6((1212L + i + 1) << 32 | 289188, low, 1), now), "a fresh IPv6 /64, step " + i);
        }
    }

    @Test
    void wireguardGoTestAddressesEachGetTheSameSequence() {
        List<Endpoint> sources = List.of(
                v4(127, 0, 0, 1), v4(192, 168, 1, 1), v4(172, 167, 2, 3), v4(97, 231, 252, 215),
                v4(248, 97, 91, 167), v4(188, 208, 233, 47), v4(104, 2, 183, 179), v4(72, 129, 46, 120),
                v6(0x20010db80a0b12f0L, 0x0000000000000001L, 1), v6(0xf5c2818fc052655aL, 0x9860b136689425f0L, 1),
                v6(0xb2d715ab48a7b07cL, 0xa541f144a9fe54fcL, 1), v6(0xa47b786e1671a22bL, 0xd6f94ab0abc7c918L, 1),
                v6(0xea1ed1557f7a98fbL, 0x2bf5948380f65445L, 1), v6(0x3f0e54a2f5b4cd19L, 0xa21d58e1374684c4L, 1));
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        long now = T0;
        for (int i = 0; i < KERNEL_SEQUENCE.size(); i++) {
            now += KERNEL_SEQUENCE.get(i).waitNanos();
            for (Endpoint source : sources) {
                assertEquals(KERNEL_SEQUENCE.get(i).allowed(), limiter.allow(source, now), source + " at step " + i);
            }
        }
        assertEquals(sources.size(), limiter.size());
    }

    @Test
    void aBurstOfFiveThenOneTokenEveryFiftyMilliseconds() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        Endpoint source = v4(203, 0, 113, 9);
        assertEquals(50 * MS, PACKET_COST_NANOS);
        for (int i = 0; i < PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(source, T0), "burst packet " + i);
        }
        assertFalse(limiter.allow(source, T0), "the sixth at once");
        assertFalse(limiter.allow(source, T0 + PACKET_COST_NANOS - 1), "one nanosecond short of a token");
        assertTrue(limiter.allow(source, T0 + PACKET_COST_NANOS), "exactly one token after 50 ms");
        assertFalse(limiter.allow(source, T0 + PACKET_COST_NANOS), "and only one");
        // 20 a second sustained: one every 50 ms, never two.
        for (int k = 2; k <= 40; k++) {
            long t = T0 + k * PACKET_COST_NANOS;
            assertFalse(limiter.allow(source, t - 1), "early at " + k);
            assertTrue(limiter.allow(source, t), "on time at " + k);
            assertFalse(limiter.allow(source, t), "twice at " + k);
        }
    }

    @Test
    void aLongPauseRefillsTheBurstButNoMore() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        Endpoint source = v4(203, 0, 113, 9);
        drain(limiter, source, T0);
        // 900 ms is 18 tokens' worth, but the bucket holds 5; under a second, so no collection either.
        long later = T0 + 900 * MS;
        for (int i = 0; i < PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(source, later), "refilled packet " + i);
        }
        assertFalse(limiter.allow(source, later));
        assertEquals(1, limiter.size());
    }

    @Test
    void theRefusedPacketsOfAFloodDoNotPostponeTheRefill() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        Endpoint source = v4(203, 0, 113, 9);
        drain(limiter, source, T0);
        for (long t = T0 + MS; t < T0 + PACKET_COST_NANOS; t += MS) {
            assertFalse(limiter.allow(source, t));
        }
        assertTrue(limiter.allow(source, T0 + PACKET_COST_NANOS));
    }

    @Test
    void ipv6SourcesInOneSlash64ShareABucketAndOtherSlash64sDoNot() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        Endpoint a = v6(0x20010db800010002L, 0x0000000000000001L, 51820);
        Endpoint sameSlash64 = v6(0x20010db800010002L, 0xffff00000000beefL, 4000);
        Endpoint nextSlash64 = v6(0x20010db800010003L, 0x0000000000000001L, 51820);
        for (int i = 0; i < PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(i % 2 == 0 ? a : sameSlash64, T0), "shared burst packet " + i);
        }
        assertFalse(limiter.allow(a, T0));
        assertFalse(limiter.allow(sameSlash64, T0), "another host of the /64 gets nothing either");
        assertTrue(limiter.allow(nextSlash64, T0), "the neighbouring /64 has its own bucket");
        assertEquals(2, limiter.size());
    }

    @Test
    void theIpv4PortIsIgnoredAndFamiliesNeverShareABucket() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        Endpoint v4 = Endpoint.ipv4("192.0.2.1:51820");
        drain(limiter, Endpoint.ipv4("192.0.2.1:1"), T0);
        assertFalse(limiter.allow(v4, T0), "another port of the same address");
        // An IPv6 /64 whose 64 bits equal the IPv4 address as a number: still a separate table.
        assertTrue(limiter.allow(v6(0x00000000c0000201L, 0, 51820), T0));
        assertEquals(2, limiter.size());
    }

    @Test
    void anEntryIdleForMoreThanASecondIsCollected() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        limiter.allow(v4(10, 0, 0, 1), T0);
        limiter.allow(v4(10, 0, 0, 2), T0 + Protocol.SECOND_NANOS + 1);
        assertEquals(1, limiter.size(), "10.0.0.1 was idle 1 s + 1 ns when the collection ran");

        TokenBucketRateLimiter exact = new TokenBucketRateLimiter();
        exact.allow(v4(10, 0, 0, 1), T0);
        exact.allow(v4(10, 0, 0, 2), T0 + Protocol.SECOND_NANOS);
        assertEquals(2, exact.size(), "idle exactly 1 s is not more than 1 s: kept");
    }

    @Test
    void collectionRunsAtMostOncePerSecond() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        limiter.allow(v4(10, 0, 0, 1), T0); // starts the collection clock
        limiter.allow(v4(10, 0, 0, 2), T0 + 500 * MS);
        limiter.allow(v4(10, 0, 0, 3), T0 + 1000 * MS); // collection: .1 idle exactly 1 s, kept
        assertEquals(3, limiter.size());
        limiter.allow(v4(10, 0, 0, 4), T0 + 1600 * MS); // not due: .1 and .2 stay although idle > 1 s
        assertEquals(4, limiter.size());
        limiter.allow(v4(10, 0, 0, 5), T0 + 2000 * MS); // collection: .1 and .2 go, .3 (idle 1 s) stays
        assertEquals(3, limiter.size());
    }

    @Test
    void collectionDoesNotChangeTheAnswers() {
        // A drained source idle 1.5 s: collected and recreated, or refilled, it gets 5 either way.
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        Endpoint source = v4(10, 0, 0, 1);
        drain(limiter, source, T0);
        long later = T0 + 1500 * MS;
        for (int i = 0; i < PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(source, later), "packet " + i);
        }
        assertFalse(limiter.allow(source, later));
    }

    @Test
    void theKernelCapacityTestAtTheDefaultBound() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        assertEquals(65536, TokenBucketRateLimiter.MAX_ENTRIES);
        for (int i = 0; i <= TokenBucketRateLimiter.MAX_ENTRIES; i++) {
            assertEquals(i != TokenBucketRateLimiter.MAX_ENTRIES, limiter.allow(v4(i, 1), T0), "source " + i);
        }
        assertEquals(TokenBucketRateLimiter.MAX_ENTRIES, limiter.size());
        assertTrue(limiter.allow(v4(0, 1), T0), "a known source keeps its bucket when the table is full");
        assertFalse(limiter.allow(v6(1, 1, 1), T0), "IPv6 sources count against the same bound");
    }

    @Test
    void aFullTableRefusesNewSourcesUntilIdleEntriesAreCollected() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter(3);
        assertTrue(limiter.allow(v4(10, 0, 0, 1), T0));
        assertTrue(limiter.allow(v6(0x20010db800000001L, 1, 1), T0));
        assertTrue(limiter.allow(v4(10, 0, 0, 3), T0 + 600 * MS));
        assertFalse(limiter.allow(v4(10, 0, 0, 4), T0 + 600 * MS), "full");
        assertFalse(limiter.allow(v4(10, 0, 0, 4), T0 + Protocol.SECOND_NANOS), "full: nothing idle more than 1 s yet");
        assertTrue(limiter.allow(v4(10, 0, 0, 3), T0 + Protocol.SECOND_NANOS), "known sources are served");
        // The next collection is due 1 s after the last one, at T0 + 2 s: the two T0 entries go.
        assertFalse(limiter.allow(v4(10, 0, 0, 4), T0 + 2 * Protocol.SECOND_NANOS - 1), "collection not due yet");
        assertTrue(limiter.allow(v4(10, 0, 0, 4), T0 + 2 * Protocol.SECOND_NANOS));
        assertTrue(limiter.allow(v4(10, 0, 0, 5), T0 + 2 * Protocol.SECOND_NANOS));
        assertEquals(3, limiter.size());
    }

    @Test
    void timeRunningBackwardsRefillsNothing() {
        TokenBucketRateLimiter limiter = new TokenBucketRateLimiter();
        Endpoint source = v4(10, 0, 0, 1);
        drain(limiter, source, T0);
        assertFalse(limiter.allow(source, T0 - Protocol.SECOND_NANOS));
        assertFalse(limiter.allow(source, T0 + PACKET_COST_NANOS - 1), "the step back did not move the bucket's clock");
        assertTrue(limiter.allow(source, T0 + PACKET_COST_NANOS));
    }

    @Test
    void aBoundBelowOneIsAProgrammerError() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBucketRateLimiter(0));
    }

    private static void drain(TokenBucketRateLimiter limiter, Endpoint source, long now) {
        for (int i = 0; i < PACKETS_BURSTABLE; i++) {
            assertTrue(limiter.allow(source, now), "burst packet " + i);
        }
        assertFalse(limiter.allow(source, now), "drained");
    }

    static Endpoint v4(int a, int b, int c, int d) {
        return v4(a << 24 | b << 16 | c << 8 | d, 51820);
    }

    static Endpoint v4(int address, int port) {
        return new Endpoint(Bytes.wrap(new byte[] {
            (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address}), port);
    }

    static Endpoint v6(long high, long low, int port) {
        byte[] a = new byte[16];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte) (high >>> (56 - 8 * i));
            a[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return new Endpoint(Bytes.wrap(a), port);
    }
}
