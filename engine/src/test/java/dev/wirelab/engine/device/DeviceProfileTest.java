package dev.wirelab.engine.device;

import static dev.wirelab.engine.device.DevicePair.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Tai64n;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Profiles change only what implementations disagree on; the protocol still interoperates. */
class DeviceProfileTest {
    @Test
    void aBoringtunStyleInitiatorStampsItsOwnWayAndStillCompletes() {
        DevicePair p = new DevicePair(70, Profile.BORINGTUN);
        p.sendFromA(10);
        p.deliverAll();
        assertEquals(1, p.outB.delivered().size());
        Tai64n seen = p.b.peer(p.keyA).latestTimestamp();
        long wall = p.now().wallNanos();
        assertEquals(wall / Protocol.SECOND_NANOS, seen.epochSeconds(Tai64n.Format.BORINGTUN), "base 2^62 + 37");
        assertEquals(wall % Protocol.SECOND_NANOS, seen.nanos(), "no whitening: the nanoseconds as read");
        DevicePair reference = new DevicePair(70, Profile.REFERENCE);
        reference.sendFromA(10);
        reference.deliverAll();
        Tai64n kernel = reference.b.peer(reference.keyA).latestTimestamp();
        assertEquals(wall / Protocol.SECOND_NANOS, kernel.epochSeconds(Tai64n.Format.KERNEL));
        assertEquals(0, kernel.nanos() % (1 << 24), "kernel style rounds down to 2^24 ns");
        assertNotEquals(seen, kernel);
    }

    @Test
    void profilesAreFoundByName() {
        assertEquals(Profile.REFERENCE, Profile.named("reference"));
        assertEquals(Profile.WIREGUARD_GO, Profile.named("wireguard-go"));
        assertEquals(Profile.BORINGTUN, Profile.named("boringtun"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profile.named("openvpn"));
        assertTrue(e.getMessage().contains("reference, wireguard-go or boringtun"), e.getMessage());
    }

    @Test
    void underLoadAFloodingSourceWithAValidCookieIsRateLimitedAfterItsBurst() {
        DevicePair p = new DevicePair(71);
        p.b.noteHandshakeBacklog(Integer.MAX_VALUE);
        p.sendFromA(10);
        List<Bytes> first = p.peekInFlight(true);
        p.deliverAll(); // b answers with a cookie; a stores it
        // a's retries carry a valid mac2. Collect six, as a retrying client sends them, and deliver
        // them all at one instant: the token bucket lets a burst of 5 through, then refuses.
        for (int i = 0; i < 6; i++) {
            p.at(p.a.nextDeadline());
            p.a.onTimer(p.now(), p.outA);
        }
        List<Bytes> retries = p.peekInFlight(true);
        p.loseAll();
        assertEquals(6, retries.size());
        List<String> outcomes = new java.util.ArrayList<>();
        for (Bytes r : retries) {
            byte[] d = r.toByteArray();
            int drops = p.outB.dropped().size();
            p.b.onDatagram(p.now(), DevicePair.ENDPOINT_A, d, 0, d.length, p.outB);
            outcomes.add(p.outB.dropped().size() == drops ? "processed" : p.outB.dropped().get(drops).reason().name());
        }
        assertEquals(1, first.size());
        // The first is processed; the next four pass the rate limiter but meet the per-peer limit of
        // 50 initiations per second; the sixth is refused by the rate limiter before any DH work.
        assertEquals(List.of("processed", "INITIATION_FLOOD", "INITIATION_FLOOD", "INITIATION_FLOOD", "INITIATION_FLOOD",
                "RATE_LIMITED"), outcomes);
        assertTrue(types(p.outB).contains(2), "responses went out for the accepted ones");
        assertEquals(Endpoint.ipv4("192.0.2.1:51820"), p.b.peer(p.keyA).endpoint());
    }
}
