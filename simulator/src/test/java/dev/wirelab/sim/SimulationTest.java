package dev.wirelab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationTest {
    private static final long S = Protocol.SECOND_NANOS;
    private static final long MS = 1_000_000L;
    private static final byte[] TUNNEL_ALICE = {10, 0, 0, 1};
    private static final byte[] TUNNEL_BOB = {10, 0, 0, 2};

    /** alice and bob on one segment, 10 ms each way, alice pings bob 10 times a second apart. */
    static Simulation pingPair(long seed, LinkSpec aliceUp) {
        Simulation sim = new Simulation(seed, true);
        Host alice = sim.addHost("alice", "internet", Endpoint.ipv4("192.0.2.1:51820"), aliceUp, LinkSpec.ideal(5 * MS),
                Profile.REFERENCE, new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        Host bob = sim.addHost("bob", "internet", Endpoint.ipv4("192.0.2.2:51820"), LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS),
                Profile.REFERENCE, new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        PrivateKey ka = PrivateKey.generate(sim.entropy("key:alice"));
        PrivateKey kb = PrivateKey.generate(sim.entropy("key:bob"));
        PublicKey pa = Crypto.fastest().x25519().publicKey(ka);
        PublicKey pb = Crypto.fastest().x25519().publicKey(kb);
        alice.device().apply(DeviceEdit.privateKey(ka), alice.now(), alice.effects());
        bob.device().apply(DeviceEdit.privateKey(kb), bob.now(), bob.effects());
        alice.device().apply(DeviceEdit.peers(PeerEdit.add(pb, bob.endpoint(), Prefix.parse("10.0.0.2/32"))), alice.now(), alice.effects());
        bob.device().apply(DeviceEdit.peers(PeerEdit.add(pa, null, Prefix.parse("10.0.0.1/32"))), bob.now(), bob.effects());
        Ping.respond(bob, TUNNEL_BOB);
        Ping.start(sim, alice, TUNNEL_ALICE, TUNNEL_BOB, S, S, 10, 56);
        return sim;
    }

    @Test
    void aPingPairHandshakesAndEveryPingIsAnswered() {
        Simulation sim = pingPair(1, LinkSpec.ideal(5 * MS));
        sim.runUntil(15 * S);
        Trace t = sim.trace();
        assertEquals(10, t.ofKind("ping.reply").size());
        assertEquals(1, t.ofKind("wg.initiation-sent").size());
        // First ping waits for the handshake: 1 RTT of handshake + 1 RTT of ping = 40 ms.
        assertEquals(40 * MS, ((Number) t.ofKind("ping.reply").get(0).get("rttNanos")).longValue());
        assertEquals(20 * MS, ((Number) t.ofKind("ping.reply").get(1).get("rttNanos")).longValue());
        assertTrue(t.ofKind("wg.endpoint").stream().anyMatch(r -> r.at().equals("bob") && r.string("to").equals("192.0.2.1:51820")));
    }

    @Test
    void sameSeedSameTraceOtherSeedOtherTrace() {
        LinkSpec lossy = new LinkSpec(5 * MS, 3 * MS, Ratio.parse("30%"), null, Ratio.parse("5%"), Ratio.NEVER, 0, 0, 0, 0, List.of());
        Simulation one = pingPair(7, lossy);
        one.runUntil(30 * S);
        Simulation two = pingPair(7, lossy);
        two.runUntil(30 * S);
        Simulation three = pingPair(8, lossy);
        three.runUntil(30 * S);
        assertEquals(one.trace().sha256(), two.trace().sha256());
        assertEquals(one.trace().count(), two.trace().count());
        assertNotEquals(one.trace().sha256(), three.trace().sha256());
        assertTrue(one.trace().ofKind("link.lost").size() > 0, "30% loss lost something");
    }

    @Test
    void underThirtyPercentLossRetriesStillGetThrough() {
        LinkSpec lossy = new LinkSpec(5 * MS, 0, Ratio.parse("30%"), null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0, List.of());
        Simulation sim = pingPair(3, lossy);
        sim.runUntil(60 * S);
        int replies = sim.trace().ofKind("ping.reply").size();
        assertTrue(replies >= 5, "most pings answered despite 30% loss on alice's uplink: " + replies);
        assertEquals(0, sim.trace().ofKind("ping.duplicate").size());
    }

    @Test
    void icmpChecksumsAreValid() {
        byte[] v4 = Icmp.echoRequest(TUNNEL_ALICE, TUNNEL_BOB, 7, 9, 56);
        assertEquals(0, Icmp.checksum(v4, 0, 20, 0), "IPv4 header checksum verifies to zero");
        assertEquals(0, Icmp.checksum(v4, 20, v4.length - 20, 0), "ICMP checksum verifies to zero");
        Icmp.Echo e = Icmp.parse(v4);
        assertEquals(7, e.identifier());
        assertEquals(9, e.sequence());
        byte[] a6 = Prefix.parse("fd00::1/128").address().toByteArray();
        byte[] b6 = Prefix.parse("fd00::2/128").address().toByteArray();
        byte[] v6 = Icmp.echoRequest(a6, b6, 1, 2, 8);
        assertEquals(129, Icmp.echoReply(Icmp.parse(v6), 8)[40] & 0xff);
        assertEquals(Bytes.wrap(b6), Bytes.wrap(Icmp.parse(v6).destination()));
    }
}
