package dev.wirelab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.transport.Keypair;
import org.junit.jupiter.api.Test;

/**
 * The handshake benchmark's operations, run outside JMH: each does valid work (a drop would throw),
 * the responder pool crosses from one responder to the next, and the X25519 counts that run.sh's
 * bound relies on match the code.
 */
class HandshakeBenchTest {
    private final HandshakeBench bench = new HandshakeBench();

    @Test
    void x25519CountsMatchTheCode() {
        HandshakeBench.checkX25519Counts();
    }

    @Test
    void createInitiationMakesWireInitiations() {
        HandshakeBench.Initiator s = new HandshakeBench.Initiator();
        s.setUp();
        for (int i = 0; i < 3; i++) {
            assertEquals(Protocol.INITIATION_LENGTH, bench.createInitiation(s).length);
        }
    }

    @Test
    void responderAcceptsEveryPairAcrossRows() {
        HandshakeBench.Responder s = new HandshakeBench.Responder();
        s.setUp();
        s.freshResponders();
        for (int k = 0; k < HandshakeBench.POOL_INITIATIONS + 3; k++) {
            assertEquals(Protocol.RESPONSE_LENGTH, bench.responder(s).length);
            assertFalse(s.peers.responderKeypair.isInitiator());
        }
        // A new iteration starts over with fresh responders, and the old pool is valid again.
        s.freshResponders();
        bench.responder(s);
    }

    @Test
    void consumeResponseAndRoundTripBeginSessions() {
        HandshakeBench.Confirm c = new HandshakeBench.Confirm();
        c.setUp();
        for (int i = 0; i < 3; i++) {
            c.prepare();
            Keypair k = bench.consumeResponse(c);
            assertTrue(k.isInitiator());
            assertEquals(c.peers.responderKeypair.localIndex(), k.remoteIndex());
        }
        HandshakeBench.RoundTrip r = new HandshakeBench.RoundTrip();
        r.setUp();
        for (int i = 0; i < 3; i++) {
            Keypair k = bench.roundTrip(r);
            assertTrue(k.isInitiator());
            assertEquals(r.peers.responderKeypair.localIndex(), k.remoteIndex());
        }
    }
}
