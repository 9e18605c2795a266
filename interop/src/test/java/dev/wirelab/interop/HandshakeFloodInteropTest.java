package dev.wirelab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A flood of handshake initiations with a valid mac1, 10^4 a second from 10^4 spoofed sources
 * ({@link SpoofedSources}), at a real wirelab device whose peer is wireguard-go. While it runs,
 * wireguard-go starts its first handshake with the device (a ping through the tunnel asks for it):
 * the device, under load, answers the flood with cookie replies (each to the source it came from),
 * never with a response; wireguard-go's first initiation gets a cookie too, and a retry carrying
 * mac2 completes the handshake, before a third retry would go out. The device stays alive, and its
 * heap after a full collection, and its thread count, come back to where they were before.
 */
@NeedsRoot("network namespaces, TUN devices and spoofed sources")
@LoadHeavy
class HandshakeFloodInteropTest {
    private static final Path LOGS = Path.of("target", "interop-logs", "handshake-flood");
    private static final int SOURCES = 10_000;
    private static final int PER_SECOND = 10_000;
    private static final double FLOOD_SECONDS = 25;
    /** Three initiations (the first and two retries) go out within 2 x (REKEY_TIMEOUT + 1/3 s) jitter; the fourth not before 15 s. */
    private static final double TWO_RETRIES_SECONDS = 15;
    /**
     * What the flood may leave behind in the heap: the rate limiter's table (at most 65,536 sources,
     * some 100 bytes each) and the 4,096-slot handshake queue of 148-byte datagrams, about 8 MB; twice
     * that is the bound.
     */
    private static final long HEAP_GROWTH_MAX = 16L << 20;

    @Test
    void aLegitimatePeerHandshakesThroughAFloodOfSpoofedInitiations() throws Exception {
        long seed = System.nanoTime();
        try (TunnelPair p = TunnelPair.start(Implementation.WIRELAB, Implementation.WIREGUARD_GO, LOGS).withBothEndpoints();
                SpoofedSources sources = SpoofedSources.open(p.nsRight, p.nsLeft, TunnelPair.RIGHT_UNDERLAY_V4, SOURCES)) {
            long pid = p.left.process().pid();
            JvmProbe.Sample before = JvmProbe.sample(pid);
            InetSocketAddress target = new InetSocketAddress(TunnelPair.LEFT_UNDERLAY_V4, TunnelPair.LEFT_PORT);
            long floodStart = System.nanoTime();
            // A thread of its own: the common pool may be busy with another test's work.
            CompletableFuture<Long> flood = new CompletableFuture<>();
            Thread.ofPlatform().name("flood").start(() -> {
                try {
                    flood.complete(sources.floodInitiations(target, p.left.publicKey(), PER_SECOND, FLOOD_SECONDS, seed));
                } catch (Exception | Error e) {
                    flood.completeExceptionally(e);
                }
            });
            // Let the backlog build, then have wireguard-go start its first handshake with the device.
            Thread.sleep(3_000);
            Proc ping = p.nsRight.start(List.of("ping", "-n", "-i", "0.5", "-c", "40", TunnelPair.LEFT_TUNNEL_V4),
                    LOGS.resolve("ping.log"));
            long pingStart = System.nanoTime();
            double handshakeSeconds = -1;
            while (System.nanoTime() - pingStart < TimeUnit.SECONDS.toNanos(20)) {
                if (p.right.latestHandshake(p.left) != 0) {
                    handshakeSeconds = (System.nanoTime() - pingStart) / 1e9;
                    break;
                }
                Thread.sleep(100);
            }
            boolean floodStillRunning = !flood.isDone();
            JvmProbe.Sample during = JvmProbe.sample(pid);
            long sent = flood.get(2 * (long) FLOOD_SECONDS, TimeUnit.SECONDS);
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
            Thread.sleep(2_000); // the queue drains; replies still in flight arrive
            SpoofedSources.Replies replies = sources.drain();
            ping.stop();
            int pingsAfter = Ping.replies(p.nsRight, TunnelPair.LEFT_TUNNEL_V4, 3);
            JvmProbe.Sample after = JvmProbe.sample(pid);
            System.out.printf("handshake flood: %d initiations from %d sources in %.1f s (%.0f/s, seed %d); %d cookie replies"
                    + " (%d well formed), %d other datagrams back; wireguard-go's handshake %.1f s after its first ping"
                    + " (flood still running: %s); pings after: %d/3; device before: %s, during: %s, after: %s%n",
                    sent, sources.count(), floodSeconds, sent / floodSeconds, seed, replies.cookieReplies(),
                    replies.wellFormedCookieReplies(), replies.otherDatagrams(), handshakeSeconds, floodStillRunning,
                    pingsAfter, before, during, after);

            assertTrue(p.left.process().alive(), "the device survives the flood: " + p.left.process().log());
            assertTrue(handshakeSeconds >= 0 && handshakeSeconds < TWO_RETRIES_SECONDS,
                    "wireguard-go handshakes within two retries: " + handshakeSeconds + " s");
            assertTrue(floodStillRunning, "the handshake happened under the flood");
            assertTrue(replies.cookieReplies() > 0, "under load, the device answers with cookie replies");
            assertEquals(replies.cookieReplies(), replies.wellFormedCookieReplies(), "each cookie reply answers its source");
            assertEquals(0, replies.otherDatagrams(), "no response or anything else goes to a spoofed source");
            assertEquals(3, pingsAfter, "the tunnel carries traffic after the flood");
            assertTrue(during.heapUsedAfterGcBytes() - before.heapUsedAfterGcBytes() < HEAP_GROWTH_MAX,
                    "heap after GC stays bounded during the flood: " + before + " -> " + during);
            assertTrue(after.heapUsedAfterGcBytes() - before.heapUsedAfterGcBytes() < HEAP_GROWTH_MAX,
                    "heap after GC stays bounded after the flood: " + before + " -> " + after);
            assertEquals(before.threads(), after.threads(), "no thread left behind");
        }
    }
}
