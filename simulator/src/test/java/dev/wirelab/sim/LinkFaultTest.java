package dev.wirelab.sim;

import static dev.wirelab.sim.Lab.ALICE_TUNNEL;
import static dev.wirelab.sim.Lab.BOB_TUNNEL;
import static dev.wirelab.sim.Lab.MS;
import static dev.wirelab.sim.Lab.S;
import static dev.wirelab.sim.Lab.number;
import static dev.wirelab.sim.Lab.records;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LinkFaultTest {
    private static LinkSpec.GilbertElliott bursts() {
        // Good -> bad once in 50 datagrams, bad -> good once in 5; everything in the bad state is lost.
        return new LinkSpec.GilbertElliott(new Ratio(1, 50), new Ratio(1, 5), Ratio.NEVER, Ratio.ALWAYS);
    }

    /** Sends {@code n} datagrams over a link with {@code spec}; returns which were lost, in order. */
    private static boolean[] lossPattern(long seed, LinkSpec spec, int n) {
        Simulation sim = new Simulation(seed, true);
        Set<Long> arrived = new HashSet<>();
        Link link = new Link("wire", spec, sim.events(), sim.entropy("link:wire"), sim.trace(), d -> arrived.add(d.id()));
        Endpoint a = Endpoint.ipv4("192.0.2.1:1");
        Endpoint b = Endpoint.ipv4("192.0.2.2:2");
        for (int i = 1; i <= n; i++) {
            link.transmit(new Datagram(i, a, b, Bytes.wrap(new byte[32]), 0));
        }
        sim.runUntil(S);
        boolean[] lost = new boolean[n];
        for (int i = 0; i < n; i++) {
            lost[i] = !arrived.contains((long) i + 1);
        }
        assertEquals(n - arrived.size(), sim.trace().ofKind("link.lost").size(), "every loss is traced");
        return lost;
    }

    private static double meanRun(boolean[] lost) {
        int runs = 0;
        int losses = 0;
        for (int i = 0; i < lost.length; i++) {
            if (lost[i]) {
                losses++;
                if (i == 0 || !lost[i - 1]) {
                    runs++;
                }
            }
        }
        return (double) losses / runs;
    }

    private static int losses(boolean[] lost) {
        int n = 0;
        for (boolean l : lost) {
            n += l ? 1 : 0;
        }
        return n;
    }

    @Test
    void gilbertElliottLossesComeInRunsWhereIndependentLossesDoNot() {
        int n = 20_000;
        LinkSpec burstSpec = new LinkSpec(MS, 0, Ratio.NEVER, bursts(), Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0, List.of());
        // The same long-run loss rate, (1/50) / (1/50 + 1/5) = 1/11, drawn independently.
        LinkSpec iidSpec = new LinkSpec(MS, 0, new Ratio(1, 11), null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0, List.of());
        boolean[] burst = lossPattern(31, burstSpec, n);
        boolean[] iid = lossPattern(31, iidSpec, n);

        double burstRate = (double) losses(burst) / n;
        double iidRate = (double) losses(iid) / n;
        assertTrue(Math.abs(burstRate - 1.0 / 11) < 0.015, "bursty loss rate " + burstRate);
        assertTrue(Math.abs(iidRate - 1.0 / 11) < 0.01, "independent loss rate " + iidRate);
        // A bad spell lasts 1 / (1/5) = 5 datagrams on average; independent losses cluster by chance only (1 / (1 - 1/11) = 1.1).
        assertTrue(meanRun(burst) > 4 && meanRun(burst) < 6, "burst run length " + meanRun(burst));
        assertTrue(meanRun(iid) < 1.3, "independent run length " + meanRun(iid));
        // Same seed, same losses.
        assertArrayEquals(burst, lossPattern(31, burstSpec, n));
    }

    @Test
    void duplicatesAreDroppedByTheReplayWindowAndNothingIsDeliveredTwice() {
        LinkSpec doubling = new LinkSpec(5 * MS, 0, Ratio.NEVER, null, Ratio.ALWAYS, Ratio.NEVER, 0, 0, 0, 0, List.of());
        Simulation sim = Lab.pair(32, doubling, LinkSpec.ideal(5 * MS));
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 10, 56);
        sim.runUntil(15 * S);

        List<Trace.Record> sent = records(sim, "alice", "udp.send");
        assertEquals(sent.size(), sim.trace().ofKind("link.duplicate").size(), "every datagram doubled");
        long transport = sent.stream().filter(r -> number(r, "type") == 4).count();
        long initiations = sent.stream().filter(r -> number(r, "type") == 1).count();
        assertEquals(Map.of("REPLAYED_COUNTER", (int) transport, "REPLAYED_INITIATION", (int) initiations), Lab.dropReasons(sim, "bob"));
        assertEquals(10, records(sim, "bob", "tunnel.deliver").size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), Lab.replies(sim, "alice"));
        assertEquals(List.of(), sim.trace().ofKind("ping.duplicate"));
    }

    @Test
    void reorderedPacketsWithinTheWindowAreAllAccepted() {
        LinkSpec shuffling = new LinkSpec(5 * MS, 0, Ratio.NEVER, null, Ratio.NEVER, new Ratio(1, 3), 45 * MS, 0, 0, 0, List.of());
        Simulation sim = Lab.pair(33, shuffling, LinkSpec.ideal(5 * MS));
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, 10 * MS, 100, 56);
        sim.runUntil(5 * S);

        assertTrue(sim.trace().ofKind("link.reorder").size() > 20, "reordered: " + sim.trace().ofKind("link.reorder").size());
        List<Long> counters = new ArrayList<>();
        for (Trace.Record r : records(sim, "bob", "wg.data-received")) {
            counters.add(Long.parseLong(r.string("counter")));
        }
        int inversions = 0;
        for (int i = 1; i < counters.size(); i++) {
            inversions += counters.get(i) < counters.get(i - 1) ? 1 : 0;
        }
        assertTrue(inversions > 10, "bob saw counters out of order: " + counters);
        assertEquals(Map.of(), Lab.dropReasons(sim, "bob"), "nothing dropped: every counter is inside the window");
        assertEquals(100, Lab.replies(sim, "alice").size());
    }

    @Test
    void aFullQueueDropsTheTailOfABurst() {
        // 1 Mbit/s with room for 3000 bytes: a 1100-byte datagram takes 8.8 ms to serialise.
        LinkSpec narrow = new LinkSpec(5 * MS, 0, Ratio.NEVER, null, Ratio.NEVER, Ratio.NEVER, 0, 1_000_000, 3000, 0, List.of());
        Simulation sim = Lab.pair(34, narrow, LinkSpec.ideal(5 * MS));
        // 20 pings at once wait for the handshake, then leave in one burst: 1000 bytes of payload
        // make 1028-byte IP packets, padded to 1040, + 32 of WireGuard = 1072, + 28 of UDP/IP = 1100.
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, 0, 20, 1000);
        sim.runUntil(3 * S);

        List<Trace.Record> tail = sim.trace().ofKind("link.lost");
        assertEquals(18, tail.size(), "the first goes at once, the second waits 1100 bytes, the third would make 3300");
        assertTrue(tail.stream().allMatch(r -> r.string("cause").equals("queue-full")));
        List<Trace.Record> replies = records(sim, "alice", "ping.reply");
        assertEquals(2, replies.size());
        assertEquals(8_800_000L, number(replies.get(1), "rttNanos") - number(replies.get(0), "rttNanos"));
    }

    @Test
    void packetsLargerThanTheLinkMtuAreLost() {
        LinkSpec small = new LinkSpec(5 * MS, 0, Ratio.NEVER, null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 1200, List.of());
        Simulation sim = Lab.pair(35, small, LinkSpec.ideal(5 * MS));
        Host alice = sim.host("alice");
        List<Integer> answered = new ArrayList<>();
        alice.onTunnel(p -> answered.add(Icmp.parse(p).sequence()));
        // payload -> IP packet -> padded -> + WireGuard 32 -> + UDP/IP 28 on the wire
        int[] payloads = {
            1000, // 1028 -> 1040 -> 1072 -> 1100: passes
            1112, // 1140 -> 1152 -> 1184 -> 1212: lost
            1100, // 1128 -> 1136 -> 1168 -> 1196: passes
            1104, // 1132 -> 1136 -> 1168 -> 1196: passes (padding did not push it over)
            1124, // 1152 -> 1152 -> 1184 -> 1212: lost
        };
        for (int i = 0; i < payloads.length; i++) {
            int seq = i;
            sim.events().at((1 + i) * S, () -> alice.sendTunnel(Icmp.echoRequest(ALICE_TUNNEL, BOB_TUNNEL, 7, seq, payloads[seq])));
        }
        sim.runUntil(8 * S);

        assertEquals(List.of(0, 2, 3), answered);
        List<Trace.Record> lost = sim.trace().ofKind("link.lost");
        assertEquals(2, lost.size());
        assertTrue(lost.stream().allMatch(r -> r.string("cause").equals("mtu")));
        assertEquals(List.of(1212L, 1212L), records(sim, "alice", "udp.send", r -> number(r, "len") > 1000).stream()
                .filter(r -> lost.stream().anyMatch(l -> number(l, "id") == number(r, "id")))
                .map(r -> number(r, "len") + 28).toList());
    }

    @Test
    void partitionsOnAScheduleLoseExactlyWhatCrossesThemAndTheSessionCarriesOn() {
        LinkSpec cut = new LinkSpec(5 * MS, 0, Ratio.NEVER, null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0,
                List.of(new LinkSpec.Partition(3 * S, 5 * S), new LinkSpec.Partition(9 * S, 11 * S)));
        Simulation sim = Lab.pair(36, cut, LinkSpec.ideal(5 * MS));
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 15, 56);
        sim.runUntil(20 * S);

        // Ping i leaves at (1 + i) s: those at 3, 4, 9 and 10 s meet a partition.
        assertEquals(List.of(0, 1, 4, 5, 6, 7, 10, 11, 12, 13, 14), Lab.replies(sim, "alice"));
        assertEquals(4, sim.trace().ofKind("link.lost").size());
        assertTrue(sim.trace().ofKind("link.lost").stream().allMatch(r -> r.string("cause").equals("partition")));
        assertEquals(1, records(sim, "alice", "wg.initiation-sent").size(), "short partitions need no new handshake");
    }
}
