package dev.wirelab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A million garbage datagrams at a wirelab device's listen port (random lengths, random bytes, most
 * with a forged WireGuard type in front) while a tunnel to wireguard-go is up: the device stays
 * alive, answers none of them (the flooding socket receives nothing back), and the tunnel still
 * carries pings afterwards.
 */
@NeedsRoot("network namespaces and TUN devices")
@LoadHeavy
class GarbageFloodTest {
    private static final Path LOGS = Path.of("target", "interop-logs", "flood");
    private static final int DATAGRAMS = 1_000_000;

    @Test
    void aMillionGarbageDatagramsGetNoReplyAndTheTunnelSurvives() throws Exception {
        long seed = System.nanoTime();
        try (TunnelPair p = TunnelPair.start(Implementation.WIRELAB, Implementation.WIREGUARD_GO, LOGS)) {
            assertEquals(2, Ping.replies(p.nsLeft, TunnelPair.RIGHT_TUNNEL_V4, 2), "the tunnel works before");
            long[] before = p.left.transfer(p.right);
            long t0 = System.nanoTime();
            int replies = p.nsRight.call(() -> {
                Random random = new Random(seed);
                try (DatagramChannel c = DatagramChannel.open()) {
                    c.bind(new InetSocketAddress(TunnelPair.RIGHT_UNDERLAY_V4, 0));
                    InetSocketAddress target = new InetSocketAddress(TunnelPair.LEFT_UNDERLAY_V4, TunnelPair.LEFT_PORT);
                    Garbage.send(c, target, DATAGRAMS, random);
                    Thread.sleep(1_000); // Anything the device still had queued would answer by now.
                    // Replies wait in this socket's receive buffer (room for hundreds): count them.
                    c.configureBlocking(false);
                    ByteBuffer in = ByteBuffer.allocate(2048);
                    int received = 0;
                    while (c.receive(in) != null) {
                        received++;
                        in.clear();
                    }
                    return received;
                }
            });
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("flood: %d garbage datagrams in %.1f s (seed %d): %d replies; device alive: %s%n",
                    DATAGRAMS, seconds, seed, replies, p.left.process().alive());
            assertEquals(0, replies, "garbage is answered with silence (seed " + seed + ")");
            assertTrue(p.left.process().alive(), "the device survives the flood: " + p.left.process().log());
            assertEquals(before[0], p.left.transfer(p.right)[0], "no garbage counted as received from the peer");
            assertEquals(3, Ping.replies(p.nsLeft, TunnelPair.RIGHT_TUNNEL_V4, 3), "the tunnel still works after");
        }
    }
}
