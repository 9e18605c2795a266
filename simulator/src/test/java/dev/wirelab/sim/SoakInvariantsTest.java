package dev.wirelab.sim;

import static dev.wirelab.sim.Lab.MS;
import static dev.wirelab.sim.Lab.S;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.device.Peer;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.transport.Keypair;
import org.junit.jupiter.api.Test;

/** The soak's checks fail when their invariant is broken: each one is broken here on purpose. */
class SoakInvariantsTest {
    /** alice and bob with a session, the invariants watching from the start, no violation yet. */
    private static Simulation connected(SoakInvariants[] out) {
        Simulation sim = new Simulation(3, false);
        Host alice = Lab.host(sim, "alice", "internet", "192.0.2.1:51820", LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        Host bob = Lab.host(sim, "bob", "internet", "192.0.2.2:51820", LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
        out[0] = new SoakInvariants(sim);
        Lab.peer(sim, alice, "bob", bob.endpoint(), "10.0.0.2/32", 0);
        Lab.peer(sim, bob, "alice", null, "10.0.0.1/32", 0);
        byte[] packet = SoakTraffic.packet(Lab.ALICE_TUNNEL, Lab.BOB_TUNNEL, 0);
        out[0].sending(packet, bob);
        sim.events().at(S, () -> alice.sendTunnel(packet));
        sim.runUntil(2 * S);
        out[0].scan(2 * S);
        assertEquals(0, out[0].violationCount(), () -> String.join("\n", out[0].violations()));
        assertEquals(1, out[0].deliveries());
        return sim;
    }

    @Test
    void aSecondDeliveryOfTheSamePacketIsAViolation() {
        assertBobDeliveringIsOneViolation(0, "a second time");
    }

    @Test
    void aPacketNobodySentIsAViolation() {
        assertBobDeliveringIsOneViolation(5, "nobody sent");
    }

    /** bob's tunnel gets soak packet {@code id} from alice once more, past his Device: one violation that says {@code says}. */
    private static void assertBobDeliveringIsOneViolation(long id, String says) {
        SoakInvariants[] inv = new SoakInvariants[1];
        Simulation sim = connected(inv);
        sim.host("bob").effects().deliver(SoakTraffic.packet(Lab.ALICE_TUNNEL, Lab.BOB_TUNNEL, id));
        assertEquals(1, inv[0].violationCount());
        assertTrue(inv[0].violations().get(0).contains(says), inv[0].violations()::toString);
    }

    @Test
    void aDatagramTheDeviceDidNotCountIsAViolation() {
        SoakInvariants[] inv = new SoakInvariants[1];
        Simulation sim = connected(inv);
        Host alice = sim.host("alice");
        // Sent on alice's behalf but past her Device: the wire now says more than her tx_bytes.
        alice.effects().send(sim.host("bob").endpoint(), new byte[] {(byte) Protocol.MESSAGE_INITIATION, 0, 0, 0});
        inv[0].scan(sim.events().now());
        assertTrue(inv[0].violations().stream().anyMatch(v -> v.contains("counts tx_bytes")), inv[0].violations()::toString);
    }

    @Test
    void aKeypairStillHeldPastTheZeroingDeadlineIsAViolation() {
        SoakInvariants[] inv = new SoakInvariants[1];
        Simulation sim = connected(inv);
        // Scanned as if 3 x REJECT_AFTER_TIME had passed without the zero-key-material timer running.
        inv[0].scan(sim.events().now() + 3 * Protocol.REJECT_AFTER_TIME_NANOS);
        assertEquals(2, inv[0].violationCount(), inv[0].violations()::toString);
        assertTrue(inv[0].violations().stream().allMatch(v -> v.contains("was due to be zeroed")), inv[0].violations()::toString);
    }

    @Test
    void transportSentOnAKeypairPastRejectAfterTimeIsAViolation() {
        SoakInvariants[] inv = new SoakInvariants[1];
        Simulation sim = connected(inv);
        Host alice = sim.host("alice");
        Peer bob = alice.device().peers().get(0);
        Keypair k = bob.keypairs().current();
        byte[] d = new byte[Protocol.TRANSPORT_MINIMUM_LENGTH];
        MessageCodec.writeInt(d, 0, Protocol.MESSAGE_TRANSPORT_DATA);
        MessageCodec.writeInt(d, 4, k.remoteIndex());
        Datagram late = new Datagram(99, alice.endpoint(), bob.endpoint(), Bytes.of(d), 0);
        inv[0].departed(alice, late, k.birthMonoNanos() + Protocol.REJECT_AFTER_TIME_NANOS + 1);
        assertTrue(inv[0].violations().stream().anyMatch(v -> v.contains("past REJECT_AFTER_TIME")), inv[0].violations()::toString);
    }
}
