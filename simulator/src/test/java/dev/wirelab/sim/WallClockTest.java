package dev.wirelab.sim;

import static dev.wirelab.sim.Lab.ALICE_TUNNEL;
import static dev.wirelab.sim.Lab.BOB_TUNNEL;
import static dev.wirelab.sim.Lab.MS;
import static dev.wirelab.sim.Lab.S;
import static dev.wirelab.sim.Lab.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The responder keeps the greatest TAI64N timestamp it has seen from each peer and rejects
 * initiations that are not newer. A peer whose wall clock goes back cannot start a session until its
 * clock passes that timestamp, or until the other side initiates.
 */
class WallClockTest {
    @Test
    void afterARebootWithTheClockAt1970InitiationsAreRejectedUntilThePeerInitiates() {
        Simulation sim = Lab.pair(41, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Host alice = sim.host("alice");
        Host bob = sim.host("bob");
        Ping.start(sim, alice, ALICE_TUNNEL, BOB_TUNNEL, S, S, 12, 56);
        long rebootAt = 5500 * MS;
        sim.events().at(rebootAt, () -> {
            // Power cycle without a real-time clock: the wall clock starts at the Unix epoch.
            alice.clock().step(sim.events().now(), 0);
            Lab.reboot(sim, alice, "host:alice:boot-2");
            Lab.peer(sim, alice, "bob", bob.endpoint(), "10.0.0.2/32", 0);
        });
        sim.runUntil(60 * S);

        List<Trace.Record> bobInitiations = records(sim, "bob", "wg.initiation-sent");
        assertEquals(1, bobInitiations.size(), "bob's new-handshake timer is what recovers");
        long recoveredAt = bobInitiations.get(0).time();
        List<Trace.Record> aliceAfterReboot = records(sim, "alice", "wg.initiation-sent",
                r -> r.time() > rebootAt && r.time() < recoveredAt);
        assertTrue(aliceAfterReboot.size() >= 3, "alice kept trying: " + aliceAfterReboot.size());
        List<Trace.Record> rejected = records(sim, "bob", "wg.drop", r -> r.time() > rebootAt);
        assertEquals(aliceAfterReboot.size(), rejected.size());
        assertTrue(rejected.stream().allMatch(r -> r.string("reason").equals("REPLAYED_INITIATION")
                && r.string("from").equals("192.0.2.1:51820")), rejected::toString);
        assertEquals(List.of(), records(sim, "bob", "wg.response-sent", r -> r.time() > rebootAt));
        // bob sent data at 5 s and heard nothing back: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (+ jitter) later it initiates.
        long lastReply = records(sim, "bob", "wg.data-sent", r -> r.time() < rebootAt).getLast().time();
        assertTrue(recoveredAt - lastReply >= 15 * S && recoveredAt - lastReply < 15 * S + S / 3, "bob initiated at " + recoveredAt);
        // alice's fresh Device has seen no timestamp from bob: she answers, and every waiting ping goes through.
        assertEquals(1, records(sim, "alice", "wg.response-sent").size());
        assertEquals(IntStream.range(0, 12).boxed().toList(), Lab.replies(sim, "alice"));
    }

    @Test
    void aClockSteppedBackAnHourHasItsRekeyInitiationsRejected() {
        Simulation sim = Lab.pair(42, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Host alice = sim.host("alice");
        Ping.start(sim, alice, ALICE_TUNNEL, BOB_TUNNEL, S, 10 * S, 25, 56);
        sim.events().at(60 * S, () -> {
            long now = sim.events().now();
            alice.clock().step(now, alice.clock().wallAt(now) - 3600 * S);
        });
        sim.runUntil(260 * S);

        List<Trace.Record> bobInitiations = records(sim, "bob", "wg.initiation-sent");
        assertEquals(1, bobInitiations.size());
        long recoveredAt = bobInitiations.get(0).time();
        List<Trace.Record> aliceStale = records(sim, "alice", "wg.initiation-sent", r -> r.time() > 60 * S && r.time() < recoveredAt);
        assertTrue(aliceStale.size() >= 3, "rekey attempts: " + aliceStale.size());
        assertTrue(aliceStale.get(0).time() >= 120 * S, "the first rekey comes after REKEY_AFTER_TIME: " + aliceStale.get(0));
        List<Trace.Record> rejected = records(sim, "bob", "wg.drop", r -> r.string("reason").equals("REPLAYED_INITIATION"));
        assertEquals(aliceStale.size(), rejected.size());
        assertEquals(1, records(sim, "bob", "wg.response-sent").size(), "only alice's first initiation, before the step");
        // With no new session the old one runs out. Ping 18 leaves alice at 181 s on a keypair 179.98 s
        // old and reaches bob 10 ms later, when his side of it (made 10 ms before hers) is 180 s old:
        // the initiator's keypair outlives the responder's by the one-way delay, as in the kernel.
        List<Trace.Record> expired = records(sim, "bob", "wg.drop", r -> r.string("reason").equals("KEYPAIR_EXPIRED"));
        assertEquals(List.of(181 * S + 10 * MS), expired.stream().map(Trace.Record::time).toList());
        assertEquals(aliceStale.size() + 1, records(sim, "bob", "wg.drop").size());
        // bob's last reply went out at 171 s and nothing came back: his new-handshake timer recovers.
        assertTrue(recoveredAt >= 186 * S + 10 * MS && recoveredAt < 186 * S + 10 * MS + S / 3, "bob initiated at " + recoveredAt);
        List<Integer> all = IntStream.range(0, 25).boxed().filter(i -> i != 18).toList();
        assertEquals(all, Lab.replies(sim, "alice"), "the old session until 180 s, bob's session after");
    }
}
