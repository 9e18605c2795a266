package dev.wirelab.engine.device;

import static dev.wirelab.engine.device.DevicePair.ENDPOINT_A;
import static dev.wirelab.engine.device.DevicePair.TUNNEL_A;
import static dev.wirelab.engine.device.DevicePair.TUNNEL_B;
import static dev.wirelab.engine.device.DevicePair.types;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two Devices in memory, explicit time: the behaviours of whitepaper §6 and the kernel's timers.c. */
class DeviceTest {
    private static final long S = Protocol.SECOND_NANOS;

    private static DevicePair established(long seed) {
        DevicePair p = new DevicePair(seed);
        p.sendFromA(64);
        p.deliverAll();
        assertEquals(List.of(1, 4), types(p.outA), "initiation, then the staged packet once the response arrived");
        assertEquals(List.of(2), types(p.outB));
        assertEquals(1, p.outB.delivered().size());
        return p;
    }

    @Test
    void firstPacketStartsTheHandshakeAndDataFlowsBothWays() {
        DevicePair p = established(1);
        byte[] sent = DevicePair.ipv4(TUNNEL_A, TUNNEL_B, 64);
        assertArrayEquals(sent, p.outB.delivered().get(0).packet().toByteArray(), "padding is stripped on delivery");
        assertEquals(ENDPOINT_A, p.b.peer(p.keyA).endpoint(), "b learnt a's endpoint from the authenticated initiation");
        p.sendFromB(100);
        p.deliverAll();
        assertEquals(1, p.outA.delivered().size());
        assertEquals(List.of(2, 4), types(p.outB), "b sends on its keypair once a's data confirmed it");
        assertTrue(p.a.peer(p.keyB).rxBytes() > 0);
        assertEquals(p.a.peer(p.keyB).txBytes(), p.b.peer(p.keyA).rxBytes(), "every byte a sent was authenticated at b");
        assertEquals(p.now().wallNanos(), p.a.peer(p.keyB).lastHandshakeWallNanos());
    }

    @Test
    void aNewPrivateKeyExpiresSessionsAndTheNextPacketStartsAHandshakeAtOnce() {
        DevicePair p = established(40);
        p.advance(S); // Well inside REKEY_TIMEOUT of the first initiation.
        int before = p.outA.sent().size();
        p.a.apply(DeviceEdit.privateKey(dev.wirelab.engine.crypto.PrivateKey.generate(
                new dev.wirelab.engine.DeterministicEntropy(41))), p.now(), p.outA);
        assertNull(p.a.peer(p.keyB).keypairs().current(), "sessions under the old key are gone");
        p.sendFromA(64);
        List<Integer> after = types(p.outA).subList(before, p.outA.sent().size());
        assertEquals(List.of(1), after, "an initiation goes out at once, not after REKEY_TIMEOUT");
    }

    @Test
    void aKeepaliveConfirmsTheSessionWhenNothingIsStaged() {
        DevicePair p = new DevicePair(2);
        // a asks for a handshake by a timer-less path: persistent keepalive turned on sends one at once.
        p.a.apply(DeviceEdit.peers(new PeerEdit(p.keyB, false, true, null, null, 25, false, List.of())), p.now(), p.outA);
        p.deliverAll();
        // initiation (the keepalive waits staged), response, then the staged keepalive confirms b's keypair.
        assertEquals(List.of(1, 4), types(p.outA));
        assertEquals(32, p.outA.sent().get(1).datagram().length());
        assertTrue(p.b.peer(p.keyA).keypairs().current() != null, "b's keypair is confirmed");
        assertNull(p.b.peer(p.keyA).keypairs().next(), "confirmed: next moved to current");
    }

    @Test
    void retransmitsEveryFiveSecondsPlusJitterThenGivesUpAfterTwentyTries() {
        DevicePair p = new DevicePair(3);
        p.sendFromA(10);
        p.loseAll();
        Peer peer = p.a.peer(p.keyB);
        long sentAt = p.mono;
        int initiations = 1;
        while (true) {
            long deadline = p.a.nextDeadline();
            assertEquals(peer.deadline(TraceEvent.Timer.RETRANSMIT_HANDSHAKE), deadline, "the retransmit timer is the earliest");
            long wait = deadline - sentAt;
            assertTrue(wait >= 5 * S && wait < 5 * S + Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS,
                    "retransmit after REKEY_TIMEOUT + jitter < 333 ms, was " + wait + " ns");
            p.at(deadline - 1);
            p.timers();
            assertEquals(initiations, p.outA.sent().size(), "nothing fires a nanosecond early");
            p.at(deadline);
            p.timers();
            p.loseAll();
            if (p.outA.sent().size() == initiations) {
                break; // this firing gave up instead of sending
            }
            initiations++;
            sentAt = p.mono;
        }
        assertEquals(Protocol.MAX_TIMER_HANDSHAKES + 2, initiations, "1 try + 19 retries, as the kernel");
        assertTrue(p.outA.sent().stream().allMatch(s -> s.datagram().get(0) == 1));
        assertEquals(1, p.outA.dropped().stream().filter(d -> d.reason() == DropReason.HANDSHAKE_GAVE_UP).count(),
                "the staged packet is dropped on giving up");
        assertEquals(0, peer.stagedPackets());
        assertEquals(p.mono + 3 * Protocol.REJECT_AFTER_TIME_NANOS, p.a.nextDeadline(), "only key zeroing is left");
        long elapsed = p.mono - DevicePair.T0_MONO;
        assertTrue(elapsed >= 100 * S && elapsed < 100 * S + 20 * Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS, "gave up after " + elapsed);
    }

    @Test
    void passiveKeepaliveTenSecondsAfterReceivingData() {
        DevicePair p = established(4);
        long receivedAt = p.mono;
        Peer aAtB = p.b.peer(p.keyA);
        assertEquals(receivedAt + Protocol.KEEPALIVE_TIMEOUT_NANOS, aAtB.deadline(TraceEvent.Timer.SEND_KEEPALIVE));
        p.at(receivedAt + Protocol.KEEPALIVE_TIMEOUT_NANOS - 1);
        p.timers();
        assertEquals(List.of(2), types(p.outB));
        p.at(receivedAt + Protocol.KEEPALIVE_TIMEOUT_NANOS);
        p.timers();
        assertEquals(List.of(2, 4), types(p.outB));
        assertEquals(32, p.outB.sent().get(1).datagram().length(), "a keepalive is an empty transport message");
        p.deliverAll();
        assertEquals(0, p.outA.delivered().size(), "keepalives are not delivered to the tunnel");
    }

    @Test
    void anAnswerCancelsThePassiveKeepalive() {
        DevicePair p = established(5);
        long start = p.mono;
        p.advance(3 * S);
        p.sendFromB(20);
        p.runUntil(start + 30 * S);
        assertEquals(List.of(2, 4), types(p.outB), "b's data answered; no keepalive needed");
        assertEquals(List.of(1, 4, 4), types(p.outA), "a, which got data and sent none back, sends its keepalive");
        assertEquals(32, p.outA.sent().get(2).datagram().length());
    }

    @Test
    void newHandshakeWhenDataGetsNoAnswerForFifteenSeconds() {
        DevicePair p = established(6);
        long sentAt = p.mono;
        Peer b = p.a.peer(p.keyB);
        long deadline = b.deadline(TraceEvent.Timer.NEW_HANDSHAKE);
        long wait = deadline - sentAt;
        assertTrue(wait >= 15 * S && wait < 15 * S + Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS, "was " + wait);
        // b's passive keepalive at +10 s would count as an answer: lose it.
        p.at(sentAt + 10 * S);
        p.timers();
        p.loseAll();
        p.at(deadline);
        p.timers();
        assertEquals(List.of(1, 4, 1), types(p.outA));
    }

    @Test
    void persistentKeepaliveEveryIntervalOfSilence() {
        DevicePair p = established(7);
        long t0 = p.mono;
        p.deliverAll();
        int before = p.sendTimesA.size();
        p.a.apply(DeviceEdit.peers(new PeerEdit(p.keyB, false, true, null, null, 25, false, List.of())), p.now(), p.outA);
        p.runUntil(t0 + 90 * S);
        // Turning it on sends at once; b's passive keepalive at +10 s is traffic too, so the
        // interval restarts there: +35, then every 25 s of silence.
        assertEquals(List.of(t0, t0 + 35 * S, t0 + 60 * S, t0 + 85 * S), p.sendTimesA.subList(before, p.sendTimesA.size()));
        assertTrue(p.outA.sent().subList(before, p.outA.sent().size()).stream().allMatch(x -> x.datagram().length() == 32));
        assertEquals(List.of(2, 4), types(p.outB), "b only sent its one passive keepalive");
    }

    @Test
    void rekeyAfterTwoMinutesOnTheNextPacket() {
        DevicePair p = established(8);
        long start = p.mono;
        p.at(start + Protocol.REKEY_AFTER_TIME_NANOS - 1);
        p.sendFromA(10);
        assertEquals(List.of(1, 4, 4), types(p.outA));
        p.deliverAll();
        p.at(start + Protocol.REKEY_AFTER_TIME_NANOS);
        p.sendFromA(10);
        assertEquals(List.of(1, 4, 4, 4, 1), types(p.outA), "the packet still goes on the old keypair, then a new handshake");
        var oldKeypair = p.a.peer(p.keyB).keypairs().current();
        p.deliverAll();
        assertEquals(3, p.outB.delivered().size(), "nothing was lost across the rekey");
        assertNotEquals(oldKeypair, p.a.peer(p.keyB).keypairs().current(), "a new session is current");
        assertEquals(oldKeypair, p.a.peer(p.keyB).keypairs().previous(), "the old one still receives");
    }

    @Test
    void nothingIsSentOnAKeypairOlderThanThreeMinutes() {
        DevicePair p = established(9);
        long start = p.mono;
        p.b.apply(DeviceEdit.peers(PeerEdit.removal(p.keyA)), p.now(), p.outB); // b goes away
        p.at(start + Protocol.REJECT_AFTER_TIME_NANOS);
        p.sendFromA(10);
        assertEquals(List.of(1, 4, 1), types(p.outA), "no transport on the expired keypair, a handshake instead");
        assertEquals(1, p.a.peer(p.keyB).stagedPackets(), "the packet waits for the new session");
    }

    @Test
    void roamingFollowsTheLatestAuthenticatedSource() {
        DevicePair p = established(10);
        Endpoint moved = Endpoint.ipv4("203.0.113.77:40000");
        p.sourceOfA = moved;
        p.sendFromA(10);
        p.deliverAll();
        assertEquals(moved, p.b.peer(p.keyA).endpoint());
        p.sendFromB(10);
        assertEquals(moved, p.outB.sent().get(p.outB.sent().size() - 1).to(), "b answers at the new address");
        assertTrue(p.outB.traces().stream().anyMatch(t -> t instanceof TraceEvent.EndpointChanged c && c.to().equals(moved)));
    }

    @Test
    void garbageAndForgeriesNeverMoveTheEndpointOrGetAnAnswer() {
        DevicePair p = established(11);
        int sentBefore = p.outB.sent().size();
        Endpoint attacker = Endpoint.ipv4("203.0.113.66:666");
        byte[][] junk = {new byte[0], new byte[] {1}, new byte[148], new byte[92], new byte[64], new byte[32], new byte[200]};
        junk[2][0] = 1;
        junk[3][0] = 2;
        junk[4][0] = 3;
        junk[5][0] = 4;
        junk[6][0] = 4;
        for (byte[] j : junk) {
            p.b.onDatagram(p.now(), attacker, j, 0, j.length, p.outB);
        }
        assertEquals(sentBefore, p.outB.sent().size(), "silence");
        assertEquals(ENDPOINT_A, p.b.peer(p.keyA).endpoint());
        assertEquals(junk.length, p.outB.dropped().size());
    }

    @Test
    void replayedInitiationAndTransportAreRejected() {
        DevicePair p = new DevicePair(12);
        p.sendFromA(30);
        List<Bytes> initiation = p.peekInFlight(true);
        p.deliverAll();
        byte[] init = initiation.get(0).toByteArray();
        byte[] data = p.outA.sent().get(1).datagram().toByteArray();
        int delivered = p.outB.delivered().size();
        long rx = p.b.peer(p.keyA).rxBytes();
        p.advance(S);
        p.b.onDatagram(p.now(), ENDPOINT_A, init, 0, init.length, p.outB);
        p.b.onDatagram(p.now(), ENDPOINT_A, data, 0, data.length, p.outB);
        assertEquals(List.of(DropReason.REPLAYED_INITIATION, DropReason.REPLAYED_COUNTER),
                p.outB.dropped().stream().map(Effect.Drop::reason).toList());
        assertEquals(delivered, p.outB.delivered().size());
        assertEquals(rx, p.b.peer(p.keyA).rxBytes(), "rejected packets are not counted");
        assertEquals(List.of(2), types(p.outB), "and not answered");
    }

    @Test
    void anInnerPacketFromOutsideTheSendersAllowedIpsIsDropped() {
        DevicePair p = established(13);
        byte[] spoofed = DevicePair.ipv4(new byte[] {(byte) 198, 51, 100, 99}, TUNNEL_B, 10);
        p.a.onOutbound(p.now(), spoofed, 0, spoofed.length, p.outA);
        p.deliverAll();
        assertEquals(1, p.outB.delivered().size(), "only the first, honest packet");
        assertEquals(DropReason.INNER_SOURCE_NOT_ALLOWED, p.outB.dropped().get(0).reason());
    }

    @Test
    void underLoadTheResponderAsksForACookieAndTheRetryWithMac2Succeeds() {
        DevicePair p = new DevicePair(14);
        p.b.noteHandshakeBacklog(Integer.MAX_VALUE);
        p.sendFromA(10);
        p.deliverAll();
        assertEquals(List.of(3), types(p.outB), "a cookie reply, no response");
        assertEquals(List.of(1), types(p.outA));
        assertNull(p.b.peer(p.keyA).endpoint(), "nothing authenticated yet: b learnt no endpoint");
        assertEquals(DevicePair.ENDPOINT_B, p.a.peer(p.keyB).endpoint());
        // The retry after REKEY_TIMEOUT + jitter carries mac2 and gets through, still under load.
        p.at(p.a.nextDeadline());
        p.timers();
        p.deliverAll();
        assertEquals(List.of(3, 2), types(p.outB));
        assertEquals(List.of(1, 1, 4), types(p.outA));
        assertEquals(1, p.outB.delivered().size());
    }

    @Test
    void aCookieReplyFromASpoofedSourceDoesNotMoveTheEndpoint() {
        DevicePair p = new DevicePair(15);
        p.b.noteHandshakeBacklog(Integer.MAX_VALUE);
        p.sendFromA(10);
        List<Bytes> init = p.peekInFlight(true);
        p.loseAll();
        byte[] i = init.get(0).toByteArray();
        p.b.onDatagram(p.now(), ENDPOINT_A, i, 0, i.length, p.outB);
        byte[] cookie = p.outB.sent().get(0).datagram().toByteArray();
        p.a.onDatagram(p.now(), Endpoint.ipv4("203.0.113.5:1"), cookie, 0, cookie.length, p.outA);
        assertEquals(DevicePair.ENDPOINT_B, p.a.peer(p.keyB).endpoint());
        assertTrue(p.outA.traces().stream().anyMatch(TraceEvent.CookieReceived.class::isInstance));
    }

    @Test
    void initiatorRekeysWhenReceivingOnAKeypairNearRejectAfterTime() {
        DevicePair p = established(16);
        long start = p.mono;
        long limit = Protocol.REJECT_AFTER_TIME_NANOS - Protocol.KEEPALIVE_TIMEOUT_NANOS - Protocol.REKEY_TIMEOUT_NANOS;
        p.at(start + limit - 1);
        p.sendFromB(10);
        p.deliverAll();
        int before = types(p.outA).size();
        p.at(start + limit);
        p.sendFromB(10);
        p.deliverAll();
        assertEquals(1, (int) types(p.outA).get(before), "a received on a 165 s old keypair and started a handshake");
    }

    @Test
    void keysAreZeroedNineMinutesAfterTheLastSession() {
        DevicePair p = established(17);
        Peer b = p.a.peer(p.keyB);
        long zeroAt = b.deadline(TraceEvent.Timer.ZERO_KEY_MATERIAL);
        assertEquals(3 * Protocol.REJECT_AFTER_TIME_NANOS, zeroAt - p.mono);
        p.at(zeroAt);
        p.timers();
        assertNull(b.keypairs().current());
        assertNull(b.keypairs().previous());
        assertTrue(p.outA.traces().stream().anyMatch(TraceEvent.KeysZeroed.class::isInstance));
    }

    @Test
    void aLowOrderPeerKeyNeverGetsAHandshake() {
        DevicePair p = new DevicePair(18);
        byte[] one = new byte[32];
        one[0] = 1;
        PublicKey lowOrder = PublicKey.of(one);
        p.a.apply(DeviceEdit.peers(PeerEdit.add(lowOrder, Endpoint.ipv4("192.0.2.9:1"), Prefix.parse("198.51.100.9/32"))),
                p.now(), p.outA);
        byte[] packet = DevicePair.ipv4(TUNNEL_A, new byte[] {(byte) 198, 51, 100, 9}, 10);
        p.a.onOutbound(p.now(), packet, 0, packet.length, p.outA);
        assertEquals(List.of(), p.outA.sent());
        assertEquals(DropReason.LOW_ORDER_KEY, p.outA.dropped().get(0).reason());
    }

    @Test
    void noRouteAndNoEndpointAreDropsWithReasons() {
        DevicePair p = new DevicePair(19);
        byte[] nowhere = DevicePair.ipv4(TUNNEL_A, new byte[] {(byte) 203, 0, 113, 1}, 10);
        p.a.onOutbound(p.now(), nowhere, 0, nowhere.length, p.outA);
        p.sendFromB(10); // b has no endpoint for a yet
        assertEquals(DropReason.NO_ROUTE, p.outA.dropped().get(0).reason());
        assertEquals(DropReason.NO_ENDPOINT, p.outB.dropped().get(0).reason());
    }

    @Test
    void initiationsAreSentAtMostOncePerRekeyTimeout() {
        DevicePair p = new DevicePair(20);
        for (int i = 0; i < 10; i++) {
            p.sendFromA(10);
            p.advance(400_000_000L);
        }
        assertEquals(List.of(1), types(p.outA), "4 s of packets without an answer: one initiation");
        assertEquals(10, p.a.peer(p.keyB).stagedPackets());
    }

    @Test
    void sameSeedSameInputsSameEffectsByteForByte() {
        List<Effect> first = runScenario(21);
        List<Effect> second = runScenario(21);
        assertEquals(first, second);
        assertNotEquals(first, runScenario(22));
    }

    private static List<Effect> runScenario(long seed) {
        DevicePair p = new DevicePair(seed);
        p.sendFromA(50);
        p.loseAll();
        p.at(p.a.nextDeadline());
        p.timers();
        p.deliverAll();
        p.sendFromB(70);
        p.deliverAll();
        p.advance(11 * S);
        p.timers();
        p.deliverAll();
        List<Effect> all = new java.util.ArrayList<>(p.outA.all());
        all.addAll(p.outB.all());
        return all;
    }
}
