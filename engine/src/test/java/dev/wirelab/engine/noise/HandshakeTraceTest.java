package dev.wirelab.engine.noise;

import dev.wirelab.engine.transport.KeypairLimits;
import static dev.wirelab.engine.EnginePair.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeTraceTest {
    private static final Now T0 = new Now(1_000_000_000L, 1_700_000_000_000_000_000L);

    @Test
    void bothSidesWalkTheSameElevenStepsWithTheSameChainingKeyAndHash() {
        EnginePair p = new EnginePair(31, true);
        List<NoiseStep> iSteps = new ArrayList<>();
        List<NoiseStep> rSteps = new ArrayList<>();
        NoiseTrace i = NoiseTrace.collecting(iSteps);
        NoiseTrace r = NoiseTrace.collecting(rSteps);
        byte[] init = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, i);
        ok(p.responderConsumes(init, T0, r));
        byte[] resp = p.response(T0, PrivateKey.generate(p.entropyR), 2, r);
        ok(p.handshakeI.consumeResponse((Response) MessageCodec.parse(resp), i));
        ok(p.handshakeI.beginSession(T0, KeypairLimits.REFERENCE, i));
        ok(p.handshakeR.beginSession(T0, KeypairLimits.REFERENCE, r));

        List<Integer> numbers = List.of(1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12);
        assertEquals(numbers, iSteps.stream().map(NoiseStep::number).toList());
        assertEquals(numbers, rSteps.stream().map(NoiseStep::number).toList());
        for (int k = 0; k < numbers.size(); k++) {
            NoiseStep a = iSteps.get(k);
            NoiseStep b = rSteps.get(k);
            assertEquals(a.token(), b.token());
            assertEquals(a.chainingKeyAfter(), b.chainingKeyAfter(), "C after step " + a.number());
            assertEquals(a.hashAfter(), b.hashAfter(), "H after step " + a.number());
            if (k > 0 && a.number() != 7) {
                assertEquals(iSteps.get(k - 1).chainingKeyAfter(), a.chainingKeyBefore(), "C continuity at " + a.number());
                assertEquals(iSteps.get(k - 1).hashAfter(), a.hashBefore(), "H continuity at " + a.number());
            }
        }
        // Step 1 starts from C = HASH(CONSTRUCTION), H = HASH(HASH(C || IDENTIFIER) || S_pub_r).
        Crypto c = Crypto.fastest();
        byte[] c0 = c.blake2s().hash(Protocol.CONSTRUCTION);
        byte[] h0 = c.blake2s().hash(c.blake2s().hash(c0, Protocol.IDENTIFIER), p.identityR.publicKey().bytes());
        assertEquals(Bytes.of(c0), iSteps.get(0).chainingKeyBefore());
        assertEquals(Bytes.of(h0), iSteps.get(0).hashBefore());
        // The split gives the same two keys on both sides.
        assertEquals(iSteps.get(10).values(), rSteps.get(10).values());
        // Each DH is reported under its whitepaper name, and both sides compute the same value.
        assertEquals(iSteps.get(1).values().get("DH(E_priv_i, S_pub_r)"), rSteps.get(1).values().get("DH(S_priv_r, E_pub_i)"));
        assertEquals(iSteps.get(6).values().get("DH(E_priv_i, E_pub_r)"), rSteps.get(6).values().get("DH(E_priv_r, E_pub_i)"));
    }

    @Test
    void beginSessionZeroesTheHandshakeSecrets() {
        EnginePair p = new EnginePair(32, false);
        PrivateKey ephemeral = PrivateKey.generate(p.entropyI);
        byte[] init = p.initiation(T0, ephemeral, 1, NoiseTrace.OFF);
        ok(p.responderConsumes(init, T0, NoiseTrace.OFF));
        HandshakeState.ConsumedInitiation atResponder = (HandshakeState.ConsumedInitiation) p.handshakeR.state();
        byte[] resp = p.response(T0, PrivateKey.generate(p.entropyR), 2, NoiseTrace.OFF);
        // Moving on from ConsumedInitiation wiped its C and H.
        assertArrayEquals(new byte[32], atResponder.chainingKey());
        assertArrayEquals(new byte[32], atResponder.hash());
        ok(p.handshakeI.consumeResponse((Response) MessageCodec.parse(resp), NoiseTrace.OFF));
        assertTrue(ephemeral.isDestroyed(), "the initiator's ephemeral is gone once the response is consumed");
        HandshakeState.ConsumedResponse s = (HandshakeState.ConsumedResponse) p.handshakeI.state();
        ok(p.handshakeI.beginSession(T0, KeypairLimits.REFERENCE, NoiseTrace.OFF));
        assertArrayEquals(new byte[32], s.chainingKey());
        assertArrayEquals(new byte[32], s.hash());
        assertInstanceOf(HandshakeState.Zeroed.class, p.handshakeI.state());
    }

    @Test
    void aLowOrderPeerKeyMakesNothingToSend() {
        EnginePair p = new EnginePair(33, false);
        // u = 1 has order 1 on Curve25519: every DH with it is all zero (RFC 7748 §6.1 note).
        byte[] one = new byte[32];
        one[0] = 1;
        Handshake toLowOrder = new Handshake(p.cryptoI, p.identityI, PublicKey.of(one));
        assertEquals(Outcome.dropped(DropReason.LOW_ORDER_KEY),
                toLowOrder.createInitiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF));
        assertInstanceOf(HandshakeState.Zeroed.class, toLowOrder.state());
    }

    @Test
    void anInitiationWithALowOrderEphemeralIsDropped() {
        EnginePair p = new EnginePair(34, false);
        Initiation genuine = ok(p.handshakeI.createInitiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF));
        Initiation forged = new Initiation(1, Bytes.wrap(new byte[32]), genuine.encryptedStatic(),
                genuine.encryptedTimestamp(), genuine.mac1(), genuine.mac2());
        assertEquals(Outcome.dropped(DropReason.LOW_ORDER_KEY), Handshake.consumeInitiation(p.identityR, forged,
                k -> p.handshakeR, T0, p.cryptoR, NoiseTrace.OFF));
    }

    @Test
    void anInitiationFromAStrangerIsDropped() {
        EnginePair p = new EnginePair(35, false);
        Initiation m = ok(p.handshakeI.createInitiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF));
        assertEquals(Outcome.dropped(DropReason.UNKNOWN_PEER),
                Handshake.consumeInitiation(p.identityR, m, k -> null, T0, p.cryptoR, NoiseTrace.OFF));
    }

    @Test
    void aResponseToAnotherIndexIsUnexpected() {
        EnginePair p = new EnginePair(36, false);
        byte[] init = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        ok(p.responderConsumes(init, T0, NoiseTrace.OFF));
        Response r = ok(p.handshakeR.createResponse(PrivateKey.generate(p.entropyR), 2, NoiseTrace.OFF));
        Response misaddressed = new Response(r.sender(), 99, r.ephemeral(), r.encryptedNothing(), r.mac1(), r.mac2());
        assertEquals(Outcome.dropped(DropReason.UNEXPECTED_HANDSHAKE_STATE), p.handshakeI.consumeResponse(misaddressed, NoiseTrace.OFF));
        ok(p.handshakeI.consumeResponse(r, NoiseTrace.OFF));
        assertEquals(Outcome.dropped(DropReason.UNEXPECTED_HANDSHAKE_STATE), p.handshakeI.consumeResponse(r, NoiseTrace.OFF),
                "a second copy of the response finds no initiation outstanding");
    }
}
