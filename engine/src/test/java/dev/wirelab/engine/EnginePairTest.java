package dev.wirelab.engine;

import static dev.wirelab.engine.EnginePair.ok;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.cookie.CookieChecker.MacState;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.message.TransportData;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.HandshakeState;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.transport.Keypair;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Two engine peers complete a handshake in memory and exchange transport data both ways. */
class EnginePairTest {
    private static final Now T0 = new Now(1_000_000_000L, 1_700_000_000_000_000_000L);

    /** Runs the whole handshake; returns {initiator keypair, responder keypair}. */
    private static Keypair[] handshake(EnginePair p, Now now) {
        EnginePair.Exchange x = p.handshake(now, 0x11111111, 0x22222222, NoiseTrace.OFF, NoiseTrace.OFF);
        assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE, p.checkerR.validate(x.initiation(), 148, EnginePair.ENDPOINT_I, now, false));
        assertEquals(MacState.VALID_MAC_BUT_NO_COOKIE, p.checkerI.validate(x.response(), 92, EnginePair.ENDPOINT_R, now, false));
        return new Keypair[] {x.initiatorKeypair(), x.responderKeypair()};
    }

    private static Outcome<byte[]> receive(EnginePair p, boolean atResponder, byte[] wire, Now now) {
        return p.receive(atResponder, wire, now);
    }

    private static byte[] packet(int length, int fill) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void handshakeThenDataBothWaysThenReplayRejected() {
        EnginePair p = new EnginePair(7, true);
        Keypair[] k = handshake(p, T0);
        assertTrue(k[0].isInitiator());
        assertFalse(k[1].isInitiator());
        assertEquals(0x11111111, k[0].localIndex());
        assertEquals(0x22222222, k[0].remoteIndex());
        assertEquals(0x22222222, k[1].localIndex());
        // The responder's keypair waits for confirmation: it may not send yet.
        assertSame(k[1], p.keypairsR.next());
        assertNull(p.keypairsR.current());
        assertInstanceOf(HandshakeState.Zeroed.class, p.handshakeI.state());
        assertInstanceOf(HandshakeState.Zeroed.class, p.handshakeR.state());

        byte[] data = packet(100, 0x45);
        byte[] wire = ok(k[0].seal(p.cryptoI.aead(), T0, data, 0, data.length, 1420));
        assertEquals(16 + 112 + 16, wire.length, "100 bytes pad to 112");
        byte[] got = ok(receive(p, true, wire, T0));
        assertArrayEquals(data, Arrays.copyOf(got, 100));
        assertArrayEquals(new byte[12], Arrays.copyOfRange(got, 100, 112), "padding is zeros");
        // Key confirmation: the first data packet moved next into current.
        assertSame(k[1], p.keypairsR.current());

        byte[] back = packet(60, 0x60);
        byte[] wireBack = ok(k[1].seal(p.cryptoR.aead(), T0, back, 0, back.length, 1420));
        assertArrayEquals(back, Arrays.copyOf(ok(receive(p, false, wireBack, T0)), 60));

        // A replayed transport message is rejected and changes nothing.
        Outcome<byte[]> replay = receive(p, true, wire, T0);
        assertEquals(Outcome.dropped(DropReason.REPLAYED_COUNTER), replay);
        byte[] second = ok(k[0].seal(p.cryptoI.aead(), T0, data, 0, data.length, 1420));
        assertEquals(1, MessageCodec.readLong(second, 8), "counter advances");
        ok(receive(p, true, second, T0));
    }

    @Test
    void keepaliveIsThirtyTwoBytesAndOpensToNothing() {
        EnginePair p = new EnginePair(8, false);
        Keypair[] k = handshake(p, T0);
        byte[] wire = ok(k[0].seal(p.cryptoI.aead(), T0, new byte[0], 0, 0, 1420));
        assertEquals(Protocol.TRANSPORT_MINIMUM_LENGTH, wire.length);
        assertEquals(0, ok(receive(p, true, wire, T0)).length);
    }

    @Test
    void tamperedTransportIsDroppedAndDoesNotMoveTheWindow() {
        EnginePair p = new EnginePair(9, false);
        Keypair[] k = handshake(p, T0);
        byte[] data = packet(40, 1);
        byte[] wire = ok(k[0].seal(p.cryptoI.aead(), T0, data, 0, data.length, 1420));
        byte[] forged = wire.clone();
        forged[20] ^= 1;
        assertEquals(Outcome.dropped(DropReason.TRANSPORT_DECRYPTION_FAILED), receive(p, true, forged, T0));
        // The genuine packet with the same counter still gets through: the forgery consumed nothing.
        ok(receive(p, true, wire, T0));
    }

    @Test
    void replayedInitiationIsRejectedAndLeavesStateAlone() {
        EnginePair p = new EnginePair(10, false);
        byte[] init = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        ok(p.responderConsumes(init, T0, NoiseTrace.OFF));
        HandshakeState before = p.handshakeR.state();
        Now later = T0.plusNanos(5 * Protocol.SECOND_NANOS);
        assertEquals(Outcome.dropped(DropReason.REPLAYED_INITIATION), p.responderConsumes(init, later, NoiseTrace.OFF));
        assertSame(before, p.handshakeR.state());
    }

    @Test
    void initiationsFasterThanFiftyPerSecondAreFlood() {
        EnginePair p = new EnginePair(11, false);
        ok(p.responderConsumes(p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF), T0, NoiseTrace.OFF));
        // 18 ms later the timestamp is newer (different 2^24 ns bucket), but the rate is too high.
        Now soon = T0.plusNanos(18_000_000L);
        byte[] second = p.initiation(soon, PrivateKey.generate(p.entropyI), 2, NoiseTrace.OFF);
        assertEquals(Outcome.dropped(DropReason.INITIATION_FLOOD), p.responderConsumes(second, soon, NoiseTrace.OFF));
        Now fine = T0.plusNanos(40_000_000L);
        byte[] third = p.initiation(fine, PrivateKey.generate(p.entropyI), 3, NoiseTrace.OFF);
        ok(p.responderConsumes(third, fine, NoiseTrace.OFF));
    }

    @Test
    void bitFlipAnywhereInTheInitiationIsRejected() {
        EnginePair p = new EnginePair(12, false);
        byte[] init = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        for (int i = 8; i < 116; i++) {
            byte[] forged = init.clone();
            forged[i] ^= 0x10;
            assertEquals(MacState.INVALID_MAC, p.checkerR.validate(forged, forged.length, EnginePair.ENDPOINT_I, T0, false), "byte " + i);
            Outcome<Handshake> o = p.responderConsumes(forged, T0, NoiseTrace.OFF);
            assertInstanceOf(Outcome.Dropped.class, o, "byte " + i);
        }
        assertInstanceOf(HandshakeState.Zeroed.class, p.handshakeR.state());
        // The untouched message is still accepted afterwards: nothing was committed by the forgeries.
        ok(p.responderConsumes(init, T0, NoiseTrace.OFF));
    }

    @Test
    void mismatchedPresharedKeyFailsTheResponse() {
        EnginePair p = new EnginePair(13, false);
        p.handshakeR.setPresharedKey(dev.wirelab.engine.crypto.SymmetricKey.of(packet(32, 9)));
        byte[] init = p.initiation(T0, PrivateKey.generate(p.entropyI), 1, NoiseTrace.OFF);
        ok(p.responderConsumes(init, T0, NoiseTrace.OFF));
        byte[] resp = p.response(T0, PrivateKey.generate(p.entropyR), 2, NoiseTrace.OFF);
        HandshakeState before = p.handshakeI.state();
        assertEquals(Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED),
                p.handshakeI.consumeResponse((Response) MessageCodec.parse(resp), NoiseTrace.OFF));
        assertSame(before, p.handshakeI.state());
    }

    @Test
    void bothSidesDeriveTheSameKeysOnlyWithTheSameEphemerals() {
        EnginePair a = new EnginePair(14, true);
        EnginePair b = new EnginePair(14, true);
        Keypair[] ka = handshake(a, T0);
        Keypair[] kb = handshake(b, T0);
        byte[] data = packet(32, 3);
        // Same seed, same everything: byte-identical wire output (determinism).
        assertArrayEquals(ok(ka[0].seal(a.cryptoI.aead(), T0, data, 0, 32, 1420)), ok(kb[0].seal(b.cryptoI.aead(), T0, data, 0, 32, 1420)));
        EnginePair c = new EnginePair(15, true);
        Keypair[] kc = handshake(c, T0);
        assertNotEquals(Arrays.toString(ok(ka[0].seal(a.cryptoI.aead(), T0, data, 0, 32, 1420))),
                Arrays.toString(ok(kc[0].seal(c.cryptoI.aead(), T0, data, 0, 32, 1420))));
    }

    @Test
    void keypairRefusesToSendPastRejectAfterTime() {
        EnginePair p = new EnginePair(16, false);
        Keypair[] k = handshake(p, T0);
        Now late = T0.plusNanos(Protocol.REJECT_AFTER_TIME_NANOS);
        assertEquals(Outcome.dropped(DropReason.KEYPAIR_EXPIRED), k[0].seal(p.cryptoI.aead(), late, new byte[1], 0, 1, 1420));
        Now justBefore = T0.plusNanos(Protocol.REJECT_AFTER_TIME_NANOS - 1);
        ok(k[0].seal(p.cryptoI.aead(), justBefore, new byte[1], 0, 1, 1420));
    }

    @Test
    void onlyTheInitiatorRekeysOnTimeAndBothOnMessages() {
        EnginePair p = new EnginePair(17, false);
        Keypair[] k = handshake(p, T0);
        Now before = T0.plusNanos(Protocol.REKEY_AFTER_TIME_NANOS - 1);
        Now at = T0.plusNanos(Protocol.REKEY_AFTER_TIME_NANOS);
        assertFalse(k[0].shouldRekeyAfterSending(before));
        assertTrue(k[0].shouldRekeyAfterSending(at));
        assertFalse(k[1].shouldRekeyAfterSending(at), "the responder waits for the initiator");
        long receiveLimit = Protocol.REJECT_AFTER_TIME_NANOS - Protocol.KEEPALIVE_TIMEOUT_NANOS - Protocol.REKEY_TIMEOUT_NANOS;
        assertEquals(165 * Protocol.SECOND_NANOS, receiveLimit);
        assertFalse(k[0].shouldRekeyAfterReceiving(T0.plusNanos(receiveLimit - 1)));
        assertTrue(k[0].shouldRekeyAfterReceiving(T0.plusNanos(receiveLimit)));
        assertFalse(k[1].shouldRekeyAfterReceiving(T0.plusNanos(receiveLimit)));
    }
}
