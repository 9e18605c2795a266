package dev.wirelab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A real wirelab device soaked: a tunnel to wireguard-go carries rounds of TCP (iperf3) and pings,
 * garbage datagrams hit the device's port between them, and the wireguard-go peer roams: a new
 * listen port every other round, a new preferred source address in the rounds between (wireguard-go
 * keeps answering from the address it was reached at, so that one shows with its next new port). Throughout, the device stays alive and the
 * tunnel works after each roam; at the end each side's rx_bytes accounts for the other side's
 * tx_bytes (garbage counts nowhere, and all that is missing is what the receiving kernel dropped:
 * datagrams to a port the peer just left, or past a full socket buffer, as its UDP counters say),
 * and neither the device's heap after a full collection nor its thread count grew from the first
 * round to the last.
 *
 * <p>The default run lasts about a minute. The long run is the same test for longer:
 * <pre>
 * sudo ./mvnw -B test -pl interop -am -Dtest=DeviceSoakInteropTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dwirelab.device-soak.seconds=600
 * </pre>
 * Its figures are in docs/reliability.md.
 */
@NeedsRoot("network namespaces and TUN devices")
@LoadHeavy
class DeviceSoakInteropTest {
    private static final Path LOGS = Path.of("target", "interop-logs", "device-soak");
    private static final int GARBAGE_PER_ROUND = 20_000;
    /**
     * Growth allowed in live heap from the first round to the last: the device holds a fixed set of
     * objects once its session runs (about 7 MB in all), so a leak of one small object per packet over
     * a minute's hundreds of thousands of packets would pass this.
     */
    private static final long HEAP_GROWTH_MAX = 4L << 20;

    @Test
    void trafficGarbageAndRoamingLeaveCountersConsistentAndNothingGrowing() throws Exception {
        long seconds = Long.parseLong(System.getProperty("wirelab.device-soak.seconds", "60"));
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (TunnelPair p = TunnelPair.start(Implementation.WIRELAB, Implementation.WIREGUARD_GO, LOGS).withBothEndpoints()) {
            long pid = p.left.process().pid();
            // A second address for the roaming peer's source: the route to the underlay prefers one or the other.
            Veth.addAddress(p.nsRight, p.veth.nameB(), "192.0.2.3/24");
            InetSocketAddress target = new InetSocketAddress(TunnelPair.LEFT_UNDERLAY_V4, TunnelPair.LEFT_PORT);
            assertEquals(3, Ping.replies(p.nsLeft, TunnelPair.RIGHT_TUNNEL_V4, 3), "the tunnel works before");
            List<JvmProbe.Sample> samples = new ArrayList<>();
            List<String> endpoints = new ArrayList<>();
            double mbitsSum = 0;
            long garbage = 0;
            int rounds = 0;
            long[] udpDropsBefore = {udpDrops(p.nsLeft), udpDrops(p.nsRight)};
            long start = System.nanoTime();
            while (rounds < 2 || System.nanoTime() - start < seconds * 1_000_000_000L) {
                rounds++;
                mbitsSum += Iperf.tcp(p.nsLeft, TunnelPair.LEFT_TUNNEL_V4, p.nsRight, 3, 2, LOGS).mbits();
                p.nsRight.call(() -> {
                    try (DatagramChannel c = DatagramChannel.open()) {
                        c.bind(new InetSocketAddress(TunnelPair.RIGHT_UNDERLAY_V4, 0));
                        Garbage.send(c, target, GARBAGE_PER_ROUND, random);
                    }
                    return null;
                });
                garbage += GARBAGE_PER_ROUND;
                roam(p, rounds);
                // The roamed peer speaks first (its pings), so the device learns the new endpoint from them.
                assertEquals(5, Ping.replies(p.nsRight, TunnelPair.LEFT_TUNNEL_V4, 5), "round " + rounds + ": pings after roaming");
                endpoints.add(p.left.endpointOf(p.right));
                assertTrue(p.left.process().alive(), "round " + rounds + ": " + p.left.process().log());
                samples.add(JvmProbe.sample(pid));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            long[][] counters = quiescentTransfers(p);
            long droppedAtLeft = udpDrops(p.nsLeft) - udpDropsBefore[0];
            long droppedAtRight = udpDrops(p.nsRight) - udpDropsBefore[1];
            JvmProbe.Sample first = samples.get(0);
            JvmProbe.Sample last = samples.get(samples.size() - 1);
            System.out.printf("device soak: %d rounds in %.0f s (seed %d): TCP %.0f Mbit/s on average, %d garbage datagrams,"
                    + " %d source moves, %d distinct endpoints seen; wirelab rx/tx %d/%d, wireguard-go rx/tx %d/%d, UDP datagrams the"
                    + " kernel dropped before wirelab %d, before wireguard-go %d; device %s in round 1,"
                    + " %s in round %d; live heap over all rounds %.1f to %.1f MB, threads %d to %d%n",
                    rounds, wall, seed, mbitsSum / rounds, garbage, rounds, endpoints.stream().distinct().count(),
                    counters[0][0], counters[0][1], counters[1][0], counters[1][1], droppedAtLeft, droppedAtRight, first,
                    last, rounds, mb(samples.stream().mapToLong(JvmProbe.Sample::heapUsedAfterGcBytes).min().orElseThrow()),
                    mb(samples.stream().mapToLong(JvmProbe.Sample::heapUsedAfterGcBytes).max().orElseThrow()),
                    samples.stream().mapToInt(JvmProbe.Sample::threads).min().orElseThrow(),
                    samples.stream().mapToInt(JvmProbe.Sample::threads).max().orElseThrow());

            assertAccountedFor(counters[0][1], counters[1][0], droppedAtRight, "wirelab to wireguard-go");
            assertAccountedFor(counters[1][1], counters[0][0], droppedAtLeft, "wireguard-go to wirelab");
            assertTrue(endpoints.stream().distinct().count() >= (rounds + 1) / 2, "the device followed each new port: " + endpoints);
            assertTrue(last.heapUsedAfterGcBytes() - first.heapUsedAfterGcBytes() < HEAP_GROWTH_MAX,
                    "live heap grew: " + samples);
            assertEquals(first.threads(), last.threads(), "thread count changed: " + samples);
        }
    }

    private static double mb(long bytes) {
        return bytes / 1048576.0;
    }

    /** Largest datagram either side sends: a full 1420-byte tunnel packet plus 32 bytes of WireGuard. */
    private static final int DATAGRAM_MAX = 1420 + 32;

    /**
     * The receiver counted what the sender sent, less what its kernel dropped before any socket read
     * it: exactly, if it dropped nothing.
     */
    private static void assertAccountedFor(long sent, long received, long dropped, String direction) {
        assertTrue(received <= sent, direction + ": received " + received + " > sent " + sent);
        if (dropped == 0) {
            assertEquals(sent, received, direction + ": nothing dropped, so every byte sent is counted received");
        } else {
            assertTrue(sent - received <= dropped * DATAGRAM_MAX, direction + ": " + (sent - received)
                    + " bytes missing, more than the " + dropped + " datagrams the kernel dropped can hold");
        }
    }

    /** UDP datagrams the kernel of {@code ns} dropped on receipt: no socket on the port, or an error such as a full buffer. */
    private static long udpDrops(Netns ns) throws Exception {
        String[] lines = ns.run("cat", "/proc/net/snmp").split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("Udp:") && lines[i + 1].startsWith("Udp:")) {
                List<String> names = List.of(lines[i].trim().split("\\s+"));
                String[] values = lines[i + 1].trim().split("\\s+");
                return Long.parseLong(values[names.indexOf("NoPorts")]) + Long.parseLong(values[names.indexOf("InErrors")]);
            }
        }
        throw new AssertionError("no Udp lines in /proc/net/snmp of " + ns);
    }

    /**
     * Moves wireguard-go's source: odd rounds a new listen port, even rounds the other source address
     * (the route's preferred source), so the device sees a new endpoint every round.
     */
    private static void roam(TunnelPair p, int round) throws Exception {
        if (round % 2 == 1) {
            p.right.wg("set", p.right.ifname(), "listen-port", Integer.toString(TunnelPair.RIGHT_PORT + round));
        } else {
            String source = round % 4 == 2 ? "192.0.2.3" : TunnelPair.RIGHT_UNDERLAY_V4;
            p.nsRight.run("ip", "route", "replace", "192.0.2.0/24", "dev", p.veth.nameB(), "src", source);
        }
    }

    /**
     * {wirelab {rx, tx}, wireguard-go {rx, tx}} read while nothing is in flight: read until two
     * readings in a row agree (a keepalive may cross between the two sides' reads).
     */
    private static long[][] quiescentTransfers(TunnelPair p) throws Exception {
        long[][] previous = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            Thread.sleep(500);
            long[][] now = {p.left.transfer(p.right), p.right.transfer(p.left)};
            if (previous != null && java.util.Arrays.deepEquals(previous, now)) {
                return now;
            }
            previous = now;
        }
        throw new AssertionError("the counters never settled: " + java.util.Arrays.deepToString(previous));
    }
}
