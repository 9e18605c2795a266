package dev.wirelab.sim;

import static dev.wirelab.sim.Lab.BOB_TUNNEL;
import static dev.wirelab.sim.Lab.ALICE_TUNNEL;
import static dev.wirelab.sim.Lab.MS;
import static dev.wirelab.sim.Lab.S;
import static dev.wirelab.sim.Lab.number;
import static dev.wirelab.sim.Lab.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.Response;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AttackerTest {
    private static final Endpoint MALLORY = Endpoint.ipv4("198.51.100.66:6666");
    private static final Prefix SPOOFED = Prefix.parse("198.18.0.0/15");

    private static Attacker mallory(Simulation sim) {
        return sim.addAttacker("mallory", "internet", MALLORY, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
    }

    /** Nothing the attacker sent from its own address got an answer: no send to it, nothing received. */
    private static void assertNobodyAnsweredMallory(Simulation sim) {
        for (Trace.Record r : sim.trace().ofKind("udp.send")) {
            assertNotEquals(MALLORY.toString(), r.string("dst"), () -> "answered the attacker: " + r);
        }
        assertEquals(List.of(), sim.trace().ofKind("attack.recv"));
    }

    /** Every attack at once, on a lossy, jittery wire. */
    private static Simulation everything(long seed) {
        LinkSpec rough = new LinkSpec(5 * MS, 2 * MS, new Ratio(1, 20), null, new Ratio(1, 20), Ratio.NEVER, 0, 0, 0, 0, List.of());
        Simulation sim = Lab.pair(seed, rough, rough);
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 10, 56);
        Attacker mallory = mallory(sim);
        Replay replay = mallory.record(sim.links("alice")[0]);
        replay.replayRandom(5 * S, 10, Attacker.Source.SPOOFED);
        mallory.flipBits(sim.links("bob")[0], new Ratio(1, 10));
        mallory.handshakeFlood(sim.host("bob").endpoint(), Lab.publicKey(sim, "bob"), SPOOFED, 2 * S, 100 * MS, 10_000);
        mallory.garbage(sim.host("bob").endpoint(), 3 * S, 7 * MS, 20, 100);
        mallory.portScan(sim.host("alice").endpoint().address(), 51810, 51830, 4 * S, MS, Bytes.EMPTY);
        sim.runUntil(15 * S);
        return sim;
    }

    @Test
    void attacksAreReproducibleFromTheSeed() {
        Simulation one = everything(16);
        Simulation two = everything(16);
        Simulation other = everything(17);
        assertEquals(one.trace().sha256(), two.trace().sha256());
        assertEquals(one.trace().count(), two.trace().count());
        assertNotEquals(one.trace().sha256(), other.trace().sha256());
        assertNotEquals(one.trace().ofKind("attack.flood").get(0).string("src"), other.trace().ofKind("attack.flood").get(0).string("src"));
    }

    @Test
    void replayedInitiationsAndTransportAreDroppedAndNeverAnswered() {
        Simulation sim = Lab.pair(11, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 10, 56);
        Attacker mallory = mallory(sim);
        Replay replay = mallory.record(sim.links("alice")[0]);
        replay.replay(3 * S, Protocol.MESSAGE_INITIATION, 0, Attacker.Source.OWN);
        replay.replay(3 * S + 100 * MS, Protocol.MESSAGE_INITIATION, 0, Attacker.Source.SPOOFED);
        replay.replay(4 * S, Protocol.MESSAGE_TRANSPORT_DATA, 0, Attacker.Source.OWN);
        replay.replay(4 * S + 100 * MS, Protocol.MESSAGE_TRANSPORT_DATA, 2, Attacker.Source.SPOOFED);
        replay.replayRandom(12 * S, 8, Attacker.Source.OWN);
        replay.replayRandom(13 * S, 8, Attacker.Source.SPOOFED);
        sim.runUntil(15 * S);

        List<Trace.Record> replays = sim.trace().ofKind("attack.replay");
        assertEquals(20, replays.size(), "every replay went out");
        assertEquals(List.of(), sim.trace().ofKind("attack.replay-missed"));
        // Each replay reached bob and was dropped as a replay: the next thing bob does after receiving it.
        List<Trace.Record> all = sim.trace().records();
        for (Trace.Record replayed : replays) {
            int recv = -1;
            for (int i = 0; i < all.size(); i++) {
                Trace.Record r = all.get(i);
                if (r.at().equals("bob") && r.kind().equals("udp.recv") && number(r, "id") == number(replayed, "id")) {
                    recv = i;
                }
            }
            assertTrue(recv >= 0, () -> "replay reached bob: " + replayed);
            Trace.Record next = all.get(Lab.nextIndex(all, recv, "bob", "wg."));
            assertEquals("wg.drop", next.kind(), () -> "bob's reaction to " + replayed);
            String expected = number(replayed, "type") == Protocol.MESSAGE_INITIATION ? "REPLAYED_INITIATION" : "REPLAYED_COUNTER";
            assertEquals(expected, next.string("reason"), () -> "bob's reaction to " + replayed);
            assertEquals(replayed.string("src"), next.string("from"));
        }
        assertNobodyAnsweredMallory(sim);
        // A spoofed replay of the initiation made bob answer nobody: one response only, to alice's real initiation.
        assertEquals(1, records(sim, "bob", "wg.response-sent").size());
        // The replays moved nothing: bob's endpoint for alice was set once, by her initiation.
        assertEquals(List.of("192.0.2.1:51820"), records(sim, "bob", "wg.endpoint").stream().map(r -> r.string("to")).toList());
        assertEquals(10, records(sim, "bob", "tunnel.deliver").size(), "every ping delivered once, no replayed copy");
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), Lab.replies(sim, "alice"));
        assertEquals(List.of(), sim.trace().ofKind("ping.duplicate"));
    }

    @Test
    void replayAllReinjectsEveryRecordedDatagramOfTheTypeInOrder() {
        Simulation sim = Lab.pair(17, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 5, 56);
        Attacker mallory = mallory(sim);
        Replay replay = mallory.record(sim.links("alice")[0]);
        replay.replayAll(8 * S, Protocol.MESSAGE_TRANSPORT_DATA, Attacker.Source.OWN);
        replay.replayAll(9 * S, 0, Attacker.Source.SPOOFED);
        replay.replayAll(9 * S, Protocol.MESSAGE_COOKIE_REPLY, Attacker.Source.OWN);
        sim.runUntil(10 * S);

        List<Datagram> recorded = replay.recorded();
        assertEquals(6, recorded.size(), "one initiation, five pings");
        List<Trace.Record> replays = sim.trace().ofKind("attack.replay");
        assertEquals(5 + 6, replays.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(recorded.get(i + 1).id(), number(replays.get(i), "copyOf"), "transport in recorded order");
            assertEquals(MALLORY.toString(), replays.get(i).string("src"));
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(recorded.get(i).id(), number(replays.get(5 + i), "copyOf"));
            assertEquals("192.0.2.1:51820", replays.get(5 + i).string("src"));
        }
        List<Trace.Record> missed = sim.trace().ofKind("attack.replay-missed");
        assertEquals(1, missed.size());
        assertEquals("no datagram of type 3", missed.get(0).string("why"));
        assertEquals(Map.of("REPLAYED_COUNTER", 10, "REPLAYED_INITIATION", 1), Lab.dropReasons(sim, "bob"));
        assertNobodyAnsweredMallory(sim);
    }

    @Test
    void handshakeFloodPutsTheResponderUnderLoadAndALegitimatePeerStillConnectsWithItsCookie() {
        Simulation sim = Lab.pair(12, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Host bob = sim.host("bob");
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 20, 56);
        Attacker mallory = mallory(sim);
        long floodStart = 500 * MS;
        long floodEnd = floodStart + 7 * S;
        mallory.handshakeFlood(bob.endpoint(), Lab.publicKey(sim, "bob"), SPOOFED, floodStart, floodEnd - floodStart, 10_000);
        // What alice put on the wire, to read the macs of her initiations.
        Replay aliceWire = mallory.record(sim.links("alice")[0]);
        sim.runUntil(25 * S);

        List<Trace.Record> flood = sim.trace().ofKind("attack.flood");
        assertEquals(70_000, flood.size());
        Set<String> spoofedSources = new HashSet<>();
        for (Trace.Record r : flood) {
            spoofedSources.add(r.string("src"));
            assertTrue(SPOOFED.contains(Endpoint.ipv4(r.string("src")).address().toByteArray()), r::toString);
        }
        assertTrue(spoofedSources.size() > 69_000, "many spoofed sources: " + spoofedSources.size());

        // The flood's own backlog put bob under load, within a fraction of a second.
        List<Trace.Record> load = records(sim, "bob", "host.under-load");
        assertEquals(1, load.size(), "under load once, for the whole flood");
        long underLoadAt = load.get(0).time();
        assertTrue(underLoadAt > floodStart && underLoadAt < floodStart + 200 * MS, "under load at " + underLoadAt);

        // Every flood initiation was answered with a cookie reply to its spoofed source, or (before
        // the backlog built up) dropped after bob found the static key undecryptable; never a response.
        long recvFromSpoofed = records(sim, "bob", "udp.recv", r -> spoofedSources.contains(r.string("src"))).size();
        assertEquals(flood.size(), recvFromSpoofed);
        List<Trace.Record> cookies = records(sim, "bob", "wg.cookie-sent", r -> spoofedSources.contains(r.string("to")));
        List<Trace.Record> drops = records(sim, "bob", "wg.drop", r -> spoofedSources.contains(r.string("from")));
        assertEquals(flood.size(), cookies.size() + drops.size());
        assertTrue(cookies.size() > 65_000, "cookie replies to spoofed sources: " + cookies.size());
        for (Trace.Record d : drops) {
            assertTrue(d.time() <= underLoadAt, "drops only before under load: " + d);
            assertTrue(Set.of("HANDSHAKE_DECRYPTION_FAILED", "LOW_ORDER_KEY").contains(d.string("reason")), d::toString);
        }
        for (Trace.Record send : records(sim, "bob", "udp.send")) {
            if (spoofedSources.contains(send.string("dst"))) {
                assertEquals(3, number(send, "type"), () -> "only cookie replies go to spoofed sources: " + send);
            }
        }
        assertTrue(records(sim, "bob", "wg.response-sent").stream().allMatch(r -> r.string("to").equals("192.0.2.1:51820")));

        // alice: her first initiation got a cookie reply; her first retry carried mac2 and was answered.
        List<Trace.Record> initiations = records(sim, "alice", "wg.initiation-sent");
        List<Trace.Record> sessions = records(sim, "alice", "wg.session");
        assertFalse(sessions.isEmpty(), "alice got a session during the flood");
        long sessionAt = sessions.get(0).time();
        List<Trace.Record> before = initiations.stream().filter(r -> r.time() < sessionAt).toList();
        assertTrue(before.size() <= 3, "within two retries: " + before.size() + " initiations");
        assertEquals(2, before.size(), "first attempt answered with a cookie, the retry with a response");
        assertEquals(1, records(sim, "bob", "wg.cookie-sent", r -> r.string("to").equals("192.0.2.1:51820")).size());
        List<Trace.Record> cookieAtAlice = records(sim, "alice", "wg.cookie-received");
        assertEquals(1, cookieAtAlice.size());
        assertTrue(cookieAtAlice.get(0).time() < before.get(1).time());
        assertTrue(sessionAt < floodEnd, "the session came while the flood still ran: " + sessionAt);
        List<Datagram> aliceInitiations = aliceWire.recorded().stream()
                .filter(d -> d.payload().get(0) == Protocol.MESSAGE_INITIATION).toList();
        assertEquals(initiations.size(), aliceInitiations.size());
        assertTrue(isZero(aliceInitiations.get(0).payload(), Initiation.OFFSET_MAC2), "no cookie yet: mac2 zero");
        assertFalse(isZero(aliceInitiations.get(1).payload(), Initiation.OFFSET_MAC2), "the retry carries mac2");
        // bob was still under load when it answered the retry: it sent cookies to the flood after it.
        long responseAt = records(sim, "bob", "wg.response-sent").get(0).time();
        assertTrue(cookies.stream().anyMatch(c -> c.time() > responseAt));
        assertEquals(List.of(), records(sim, "bob", "host.load-normal", r -> r.time() < responseAt));
        // And once connected, every ping (those that waited for the handshake too) was answered.
        assertEquals(20, Lab.replies(sim, "alice").size());
    }

    private static boolean isZero(Bytes payload, int from) {
        byte[] b = payload.toByteArray();
        return Arrays.equals(Arrays.copyOfRange(b, from, from + 16), new byte[16]);
    }

    @Test
    void bitFlipsAreDroppedWithReasonsAndNoCorruptedDataIsDelivered() {
        LinkSpec wire = LinkSpec.ideal(5 * MS);
        Simulation sim = Lab.pair(13, wire, wire);
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 40, 56);
        Attacker mallory = mallory(sim);
        mallory.flipBits(sim.links("alice")[0], new Ratio(1, 4));
        mallory.flipBits(sim.links("bob")[0], new Ratio(1, 4));
        List<byte[]> deliveredToBob = new ArrayList<>();
        sim.host("bob").onTunnel(deliveredToBob::add);
        sim.runUntil(60 * S);

        List<Trace.Record> flips = sim.trace().ofKind("attack.bitflip");
        assertTrue(flips.size() > 10, "flips: " + flips.size());
        List<Trace.Record> all = sim.trace().records();
        int accepted = 0;
        for (Trace.Record flip : flips) {
            String receiver = flip.string("link").startsWith("alice") ? "bob" : "alice";
            int recv = -1;
            for (int i = 0; i < all.size(); i++) {
                Trace.Record r = all.get(i);
                if (r.at().equals(receiver) && r.kind().equals("udp.recv") && number(r, "id") == number(flip, "id")) {
                    recv = i;
                }
            }
            assertTrue(recv >= 0, "ideal links deliver every flipped datagram: " + flip);
            Trace.Record reaction = all.get(Lab.nextIndex(all, recv, receiver, "wg."));
            long type = number(flip, "type");
            long at = number(flip, "byte");
            // mac2 is checked only under load: a flip there goes unnoticed, and that is the protocol.
            boolean inMac2 = type == Protocol.MESSAGE_INITIATION && at >= Initiation.OFFSET_MAC2
                    || type == Protocol.MESSAGE_RESPONSE && at >= Response.OFFSET_MAC2;
            if (inMac2) {
                accepted++;
                assertNotEquals("wg.drop", reaction.kind(), () -> "flip in mac2 when not under load: " + flip);
            } else {
                assertEquals("wg.drop", reaction.kind(), () -> "flipped datagram " + flip + " led to " + reaction);
            }
        }
        int drops = records(sim, "alice", "wg.drop").size() + records(sim, "bob", "wg.drop").size();
        assertEquals(flips.size() - accepted, drops, "every drop is a flip and vice versa: " + Lab.dropReasons(sim, "bob")
                + Lab.dropReasons(sim, "alice"));
        // What bob delivered is exactly what alice's pinger wrote: valid checksums, one per sequence.
        Set<Integer> sequences = new HashSet<>();
        for (byte[] p : deliveredToBob) {
            assertEquals(0, Icmp.checksum(p, 0, 20, 0), "IPv4 header intact");
            assertEquals(0, Icmp.checksum(p, 20, p.length - 20, 0), "ICMP intact");
            Icmp.Echo echo = Icmp.parse(p);
            assertNotNull(echo);
            assertTrue(sequences.add(echo.sequence()), "delivered once: " + echo.sequence());
        }
        assertEquals(List.of(), sim.trace().ofKind("ping.duplicate"));
        assertTrue(Lab.replies(sim, "alice").size() >= 20, "most pings still answered: " + Lab.replies(sim, "alice"));
    }

    @Test
    void garbageGetsDroppedInSilence() {
        Simulation sim = Lab.pair(14, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, S, S, 10, 56);
        Attacker mallory = mallory(sim);
        mallory.garbage(sim.host("bob").endpoint(), 500 * MS, 10 * MS, 1000, 200);
        // Garbage from alice's address too: it must neither answer her nor move her endpoint.
        mallory.garbage(sim.host("alice").endpoint(), sim.host("bob").endpoint(), 505 * MS, 10 * MS, 1000, 200);
        sim.runUntil(15 * S);

        assertEquals(2000, sim.trace().ofKind("attack.garbage").size());
        Map<String, Integer> reasons = Lab.dropReasons(sim, "bob");
        assertEquals(2000, reasons.values().stream().mapToInt(Integer::intValue).sum(), "one drop per garbage datagram: " + reasons);
        assertTrue(reasons.keySet().containsAll(Set.of("EMPTY_DATAGRAM", "UNKNOWN_MESSAGE_TYPE", "BAD_MESSAGE_LENGTH")), reasons::toString);
        assertNobodyAnsweredMallory(sim);
        assertEquals(List.of("192.0.2.1:51820"), records(sim, "bob", "wg.endpoint").stream().map(r -> r.string("to")).toList());
        // bob sent alice only its handshake response and the echo replies.
        assertEquals(11, records(sim, "bob", "udp.send").size());
        assertEquals(10, Lab.replies(sim, "alice").size());
    }

    @Test
    void aPortScanMeetsSilence() {
        Simulation sim = Lab.pair(15, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Attacker mallory = mallory(sim);
        Host bob = sim.host("bob");
        mallory.portScan(bob.endpoint().address(), 51800, 51840, S, MS, Bytes.EMPTY);
        mallory.portScan(bob.endpoint().address(), 51820, 51820, 2 * S, MS, Bytes.wrap(new byte[148]));
        sim.runUntil(3 * S);

        assertEquals(42, sim.trace().ofKind("attack.scan").size());
        assertEquals(40, records(sim, "bob", "host.closed-port").size());
        assertEquals(Map.of("EMPTY_DATAGRAM", 1, "UNKNOWN_MESSAGE_TYPE", 1), Lab.dropReasons(sim, "bob"));
        assertEquals(List.of(), records(sim, "bob", "udp.send"));
        assertNobodyAnsweredMallory(sim);
    }
}
