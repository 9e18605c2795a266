package dev.wirelab.sim;

import static dev.wirelab.sim.Lab.MS;
import static dev.wirelab.sim.Lab.S;
import static dev.wirelab.sim.Lab.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Endpoint;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * carol (10.1.0.2, tunnel 10.0.0.1) sits behind a NAT whose public address is 203.0.113.1; the
 * server srv (192.0.2.2:51820, tunnel 10.0.0.2) is on the internet and does not know carol's endpoint.
 */
class NatTest {
    private static final byte[] CAROL_TUNNEL = {10, 0, 0, 1};
    private static final byte[] SRV_TUNNEL = {10, 0, 0, 2};
    private static final Endpoint CAROL = Endpoint.ipv4("10.1.0.2:51820");
    private static final Endpoint SRV = Endpoint.ipv4("192.0.2.2:51820");
    private static final long TIMEOUT = 30 * S;

    private static Simulation behindNat(long seed, Nat.Filtering filtering, int carolKeepaliveSeconds) {
        Simulation sim = new Simulation(seed, true);
        Host carol = Lab.host(sim, "carol", "lan", CAROL.toString());
        Host srv = Lab.host(sim, "srv", "internet", SRV.toString());
        sim.addNat("nat", "lan", "internet", Endpoint.ipv4("203.0.113.1:0").address(), filtering, TIMEOUT,
                LinkSpec.ideal(10 * MS), LinkSpec.ideal(10 * MS));
        Lab.peer(sim, carol, "srv", SRV, "10.0.0.2/32", carolKeepaliveSeconds);
        Lab.peer(sim, srv, "carol", null, "10.0.0.1/32", 0);
        Ping.respond(carol, CAROL_TUNNEL);
        Ping.respond(srv, SRV_TUNNEL);
        return sim;
    }

    /** What reaches carol through her mapping: from a stranger, from srv's address on another port, from srv itself. */
    @ParameterizedTest
    @EnumSource(Nat.Filtering.class)
    void filteringDecidesWhoReachesTheInside(Nat.Filtering filtering) {
        Simulation sim = behindNat(21, filtering, 0);
        Ping.start(sim, sim.host("carol"), CAROL_TUNNEL, SRV_TUNNEL, S, S, 3, 56);
        Attacker mallory = sim.addAttacker("mallory", "internet", Endpoint.ipv4("198.51.100.66:6666"), LinkSpec.ideal(5 * MS),
                LinkSpec.ideal(5 * MS));
        Endpoint otherPort = new Endpoint(SRV.address(), 9999);
        sim.events().at(5 * S, () -> {
            Endpoint mapped = sim.nat("nat").publicEndpointOf(CAROL);
            assertNotNull(mapped, "carol's mapping is alive");
            mallory.garbage(mallory.endpoint(), mapped, 5 * S, MS, 3, 100);
            mallory.garbage(otherPort, mapped, 6 * S, MS, 3, 100);
            mallory.garbage(SRV, mapped, 7 * S, MS, 3, 100);
        });
        sim.runUntil(8 * S);

        assertEquals(List.of(0, 1, 2), Lab.replies(sim, "carol"), "the tunnel works through every filter");
        int fromStranger = records(sim, "carol", "udp.recv", r -> r.string("src").equals("198.51.100.66:6666")).size();
        int fromOtherPort = records(sim, "carol", "udp.recv", r -> r.string("src").equals(otherPort.toString())).size();
        int fromSrvAtGarbageTime = records(sim, "carol", "udp.recv", r -> r.time() >= 7 * S && r.string("src").equals(SRV.toString())).size();
        int filtered = records(sim, "nat", "nat.drop", r -> r.string("cause").equals("filtered")).size();
        switch (filtering) {
            case ENDPOINT_INDEPENDENT -> {
                assertEquals(List.of(3, 3, 3, 0), List.of(fromStranger, fromOtherPort, fromSrvAtGarbageTime, filtered));
            }
            case ADDRESS_DEPENDENT -> {
                assertEquals(List.of(0, 3, 3, 3), List.of(fromStranger, fromOtherPort, fromSrvAtGarbageTime, filtered));
            }
            case ADDRESS_AND_PORT_DEPENDENT -> {
                assertEquals(List.of(0, 0, 3, 6), List.of(fromStranger, fromOtherPort, fromSrvAtGarbageTime, filtered));
            }
        }
        // Whatever got in was garbage to carol's Device: dropped, never answered.
        assertEquals(fromStranger + fromOtherPort + fromSrvAtGarbageTime, records(sim, "carol", "wg.drop").size());
        assertEquals(List.of(), sim.trace().ofKind("attack.recv"));
    }

    /** The server moves to another port: its packets still reach carol unless the NAT filters by port. */
    @ParameterizedTest
    @EnumSource(Nat.Filtering.class)
    void aServerThatChangesPortIsHeardUnlessTheNatFiltersByPort(Nat.Filtering filtering) {
        Simulation sim = behindNat(22, filtering, 0);
        Ping.start(sim, sim.host("carol"), CAROL_TUNNEL, SRV_TUNNEL, S, S, 2, 56);
        Endpoint moved = Endpoint.ipv4("192.0.2.2:51821");
        sim.events().at(4 * S, () -> sim.moveHost("srv", "internet", moved));
        Ping.start(sim, sim.host("srv"), SRV_TUNNEL, CAROL_TUNNEL, 5 * S, S, 3, 56);
        sim.runUntil(9 * S);

        assertEquals(List.of(0, 1), Lab.replies(sim, "carol"));
        if (filtering == Nat.Filtering.ADDRESS_AND_PORT_DEPENDENT) {
            assertEquals(List.of(), Lab.replies(sim, "srv"));
            assertEquals(3, records(sim, "nat", "nat.drop", r -> r.string("src").equals(moved.toString())).size());
        } else {
            assertEquals(List.of(0, 1, 2), Lab.replies(sim, "srv"));
            // Authenticated data from the new port: carol's endpoint for srv follows it.
            assertEquals(moved.toString(), records(sim, "carol", "wg.endpoint").getLast().string("to"));
        }
    }

    @Test
    void anIdleMappingExpiresAndTheServerCanNoLongerReachTheClient() {
        Simulation sim = behindNat(23, Nat.Filtering.ENDPOINT_INDEPENDENT, 0);
        Ping.start(sim, sim.host("carol"), CAROL_TUNNEL, SRV_TUNNEL, S, S, 3, 56);
        Ping.start(sim, sim.host("srv"), SRV_TUNNEL, CAROL_TUNNEL, 60 * S, S, 3, 56);
        sim.runUntil(70 * S);

        assertEquals(List.of(0, 1, 2), Lab.replies(sim, "carol"));
        List<Trace.Record> carolSends = records(sim, "carol", "udp.send");
        long lastOutbound = carolSends.getLast().time();
        assertTrue(lastOutbound < 60 * S - TIMEOUT, "carol fell silent at " + lastOutbound);
        List<Trace.Record> expired = records(sim, "nat", "nat.expire");
        assertEquals(1, expired.size());
        assertTrue(expired.get(0).time() >= 60 * S, "expiry is noticed when the server's packet comes");
        List<Trace.Record> dropped = records(sim, "nat", "nat.drop", r -> r.string("cause").equals("no-mapping"));
        assertEquals(3, dropped.size(), "srv's three pings die at the NAT");
        assertEquals(List.of(), records(sim, "carol", "udp.recv", r -> r.time() > 30 * S));
        assertEquals(List.of(), Lab.replies(sim, "srv"));
    }

    @Test
    void persistentKeepaliveUnderTheMappingTimeoutKeepsTheServerReachable() {
        Simulation sim = behindNat(24, Nat.Filtering.ADDRESS_AND_PORT_DEPENDENT, 25);
        Ping.start(sim, sim.host("carol"), CAROL_TUNNEL, SRV_TUNNEL, S, S, 3, 56);
        Ping.start(sim, sim.host("srv"), SRV_TUNNEL, CAROL_TUNNEL, 100 * S, S, 3, 56);
        sim.runUntil(110 * S);

        assertEquals(List.of(0, 1, 2), Lab.replies(sim, "carol"));
        assertEquals(List.of(0, 1, 2), Lab.replies(sim, "srv"), "srv reaches carol long after she stopped pinging");
        assertEquals(List.of(), sim.trace().ofKind("nat.expire"));
        assertEquals(List.of(), sim.trace().ofKind("nat.drop"));
        assertEquals(1, sim.trace().ofKind("nat.map").size(), "one mapping, kept alive");
        // Keepalives went out at most 25 s apart while carol was otherwise idle.
        long previous = 0;
        for (Trace.Record send : records(sim, "carol", "udp.send")) {
            // 25 s after the last packet either way, and a reply comes at most one round trip (40 ms) after a send.
            assertTrue(send.time() - previous <= 25 * S + 40 * MS, "gap before " + send);
            previous = send.time();
        }
        assertTrue(records(sim, "carol", "wg.timer", r -> r.string("timer").equals("PERSISTENT_KEEPALIVE")).size() >= 3);
    }

    @Test
    void afterANatRebindTheServerFollowsTheNewPublicPort() {
        Simulation sim = behindNat(25, Nat.Filtering.ADDRESS_AND_PORT_DEPENDENT, 0);
        Ping.start(sim, sim.host("carol"), CAROL_TUNNEL, SRV_TUNNEL, S, S, 10, 56);
        Endpoint[] before = new Endpoint[1];
        Endpoint[] after = new Endpoint[1];
        sim.events().at(5500 * MS, () -> {
            before[0] = sim.nat("nat").publicEndpointOf(CAROL);
            sim.nat("nat").rebind();
            after[0] = sim.nat("nat").publicEndpointOf(CAROL);
        });
        sim.runUntil(12 * S);

        assertNotEquals(before[0], after[0]);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), Lab.replies(sim, "carol"), "no ping lost to the rebind");
        List<String> endpoints = records(sim, "srv", "wg.endpoint").stream().map(r -> r.string("to")).toList();
        assertEquals(List.of(before[0].toString(), after[0].toString()), endpoints);
        Trace.Record roamed = records(sim, "srv", "wg.endpoint").get(1);
        assertTrue(roamed.time() > 5500 * MS && roamed.time() < 6100 * MS, "srv follows with carol's next packet: " + roamed);
        assertEquals(List.of(), records(sim, "srv", "udp.send", r -> r.time() > roamed.time() && r.string("dst").equals(before[0].toString())));
    }

    @Test
    void aHostThatChangesAddressIsFollowedByItsPeer() {
        Simulation sim = Lab.pair(26, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Ping.start(sim, sim.host("alice"), Lab.ALICE_TUNNEL, Lab.BOB_TUNNEL, S, S, 10, 56);
        Endpoint cellular = Endpoint.ipv4("198.51.100.7:40000");
        // Wi-Fi to cellular: a new address and port, same Device, mid-session.
        sim.events().at(5500 * MS, () -> sim.moveHost("alice", "internet", cellular));
        sim.runUntil(12 * S);

        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), Lab.replies(sim, "alice"));
        List<String> endpoints = records(sim, "bob", "wg.endpoint").stream().map(r -> r.string("to")).toList();
        assertEquals(List.of("192.0.2.1:51820", cellular.toString()), endpoints);
        assertEquals(1, sim.trace().ofKind("host.move").size());
    }
}
