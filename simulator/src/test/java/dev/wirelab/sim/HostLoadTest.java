package dev.wirelab.sim;

import static dev.wirelab.sim.Lab.ALICE_TUNNEL;
import static dev.wirelab.sim.Lab.BOB_TUNNEL;
import static dev.wirelab.sim.Lab.MS;
import static dev.wirelab.sim.Lab.S;
import static dev.wirelab.sim.Lab.number;
import static dev.wirelab.sim.Lab.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.allowedips.Prefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The host's handshake queue model: each message adds 250 µs of work (4000/s), drained continuously. */
class HostLoadTest {
    private static final long US = 1_000L;

    @Test
    void aBurstBuildsTheBacklogMessageByMessageAndItDrainsAtTheServiceRate() {
        Simulation sim = Lab.pair(51, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Host bob = sim.host("bob");
        Attacker mallory = sim.addAttacker("mallory", "internet", Endpoint.ipv4("198.51.100.66:6666"), LinkSpec.ideal(5 * MS),
                LinkSpec.ideal(5 * MS));
        // 1000 initiations 10 µs apart, arriving from 10 ms on.
        mallory.handshakeFlood(bob.endpoint(), Lab.publicKey(sim, "bob"), Prefix.parse("198.18.0.0/15"), 0, 10 * MS, 100_000);
        List<Integer> backlog = new ArrayList<>();
        for (long t : new long[] {20 * MS, 140 * MS, 260 * MS}) {
            sim.events().at(t, () -> backlog.add(bob.handshakeBacklog()));
        }
        Ping.start(sim, sim.host("alice"), ALICE_TUNNEL, BOB_TUNNEL, 500 * MS, S, 8, 56);
        sim.runUntil(8 * S);

        // After message k (from 0) the queue holds (k + 1) * 250 - k * 10 µs of work: message 532
        // is the first to find 512 waiting (511.72, rounded up), the profile's under-load backlog.
        List<Trace.Record> underLoad = records(sim, "bob", "host.under-load");
        assertEquals(1, underLoad.size());
        assertEquals(10 * MS + 532 * 10 * US, underLoad.get(0).time());
        assertEquals(512L, number(underLoad.get(0), "backlog"));
        // Before that each initiation cost bob a Diffie-Hellman and a drop; after it, a cookie reply.
        Map<String, Integer> drops = Lab.dropReasons(sim, "bob");
        assertEquals(Map.of("HANDSHAKE_DECRYPTION_FAILED", 532), drops);
        assertEquals(1000 - 532, records(sim, "bob", "wg.cookie-sent", r -> !r.string("to").startsWith("192.0.2.")).size());
        // The last message left 1000 * 250 - 999 * 10 = 240010 µs of work; it drains in real time.
        long left = 240_010 * US - (20 * MS - (10 * MS + 999 * 10 * US));
        assertEquals(List.of((int) ((left + 250 * US - 1) / (250 * US)), (int) ((left - 120 * MS + 250 * US - 1) / (250 * US)), 0), backlog);
        // alice's first initiation (0.5 s) finds an empty queue but a Device still under load for 1 s
        // after it last saw the backlog: a cookie. Her next one (5 s later, with mac2) is answered.
        assertEquals(1, records(sim, "bob", "wg.cookie-sent", r -> r.string("to").equals("192.0.2.1:51820")).size());
        List<Trace.Record> normal = records(sim, "bob", "host.load-normal");
        assertEquals(1, normal.size());
        assertEquals(1L, number(normal.get(0), "backlog"));
        assertEquals(1, records(sim, "bob", "wg.response-sent").size());
        assertTrue(records(sim, "bob", "wg.response-sent").get(0).time() > 5 * S);
        assertEquals(8, Lab.replies(sim, "alice").size());
    }

    @Test
    void aFasterServiceRateNeedsAFasterFlood() {
        Simulation sim = Lab.pair(52, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Host bob = sim.host("bob");
        bob.setHandshakeServiceRate(20_000);
        Attacker mallory = sim.addAttacker("mallory", "internet", Endpoint.ipv4("198.51.100.66:6666"), LinkSpec.ideal(5 * MS),
                LinkSpec.ideal(5 * MS));
        mallory.handshakeFlood(bob.endpoint(), Lab.publicKey(sim, "bob"), Prefix.parse("198.18.0.0/15"), 0, 100 * MS, 10_000);
        sim.runUntil(S);

        assertEquals(List.of(), records(sim, "bob", "host.under-load"), "10^4/s never queues at 2 * 10^4/s");
        assertEquals(Map.of("HANDSHAKE_DECRYPTION_FAILED", 1000), Lab.dropReasons(sim, "bob"));
        assertThrows(IllegalArgumentException.class, () -> bob.setHandshakeServiceRate(0));
    }
}
