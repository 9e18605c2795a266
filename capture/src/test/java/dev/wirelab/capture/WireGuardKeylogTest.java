package dev.wirelab.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.Effect;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.engine.device.RecordedEffects;
import dev.wirelab.engine.device.TraceEvent;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The key log block a device's own trace event makes (what {@code wirelab device --keylog} and the
 * conformance harness write): initiator and responder each log their own static private key, the
 * other side's public key, the ephemeral private key whose public half is on the wire, and the
 * preshared key; events without an ephemeral key make no block.
 */
class WireGuardKeylogTest {
    private static final Crypto CRYPTO = Crypto.fastest();
    private static final Now NOW = new Now(1_000_000_000L, 1_767_225_600_000_000_000L);
    private static final Endpoint ALICE_AT = Endpoint.ipv4("192.0.2.1:51820");
    private static final Endpoint BOB_AT = Endpoint.ipv4("192.0.2.2:51821");
    /** A 20-byte IPv4 header from 10.0.0.1 to 10.0.0.2: enough for the device to route it to Bob. */
    private static final byte[] PACKET = {0x45, 0, 0, 20, 0, 0, 0x40, 0, 64, (byte) 253, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};

    private final DeterministicEntropy entropy = new DeterministicEntropy(15);
    private final PrivateKey aliceKey = PrivateKey.generate(entropy.split("alice key"));
    private final PrivateKey bobKey = PrivateKey.generate(entropy.split("bob key"));
    private final Device alice = new Device(Profile.REFERENCE, CRYPTO, entropy.split("alice"));
    private final Device bob = new Device(Profile.REFERENCE, CRYPTO, entropy.split("bob"));

    @Test
    void initiatorAndResponderEachLogTheirOwnKeysAndThePresharedKey() {
        byte[] psk = new byte[32];
        Arrays.fill(psk, (byte) 7);
        peers(SymmetricKey.of(psk));
        RecordedEffects aliceOut = new RecordedEffects(true);
        alice.onOutbound(NOW, PACKET, 0, PACKET.length, aliceOut);
        byte[] initiation = sent(aliceOut);
        TraceEvent.InitiatorEphemeral initiator = event(aliceOut, TraceEvent.InitiatorEphemeral.class);
        String pskBase64 = Base64.getEncoder().encodeToString(psk);

        assertEquals(List.of("LOCAL_STATIC_PRIVATE_KEY = " + aliceKey.base64(),
                "REMOTE_STATIC_PUBLIC_KEY = " + bob.publicKey().base64(),
                "LOCAL_EPHEMERAL_PRIVATE_KEY = " + initiator.ephemeralPrivateBase64(),
                "PRESHARED_KEY = " + pskBase64), WireGuardKeylog.handshake(alice, initiator).orElseThrow().lines());
        // The initiation carries E_pub_i at bytes 8..40: the logged key must be its private half.
        assertArrayEquals(Arrays.copyOfRange(initiation, 8, 40), CRYPTO.x25519().publicKey(
                PrivateKey.fromBase64(initiator.ephemeralPrivateBase64())).toByteArray(), "the logged ephemeral is the one sent");

        RecordedEffects bobOut = new RecordedEffects(true);
        bob.onDatagram(NOW, ALICE_AT, initiation, 0, initiation.length, bobOut);
        byte[] response = sent(bobOut);
        TraceEvent.ResponderEphemeral responder = event(bobOut, TraceEvent.ResponderEphemeral.class);
        assertEquals(List.of("LOCAL_STATIC_PRIVATE_KEY = " + bobKey.base64(),
                "REMOTE_STATIC_PUBLIC_KEY = " + alice.publicKey().base64(),
                "LOCAL_EPHEMERAL_PRIVATE_KEY = " + responder.ephemeralPrivateBase64(),
                "PRESHARED_KEY = " + pskBase64), WireGuardKeylog.handshake(bob, responder).orElseThrow().lines());
        // The response carries E_pub_r at bytes 12..44.
        assertArrayEquals(Arrays.copyOfRange(response, 12, 44), CRYPTO.x25519().publicKey(
                PrivateKey.fromBase64(responder.ephemeralPrivateBase64())).toByteArray(), "the logged ephemeral is the one sent");
    }

    @Test
    void withoutAPresharedKeyTheBlockHasThreeLinesAndOtherEventsMakeNone() {
        peers(null);
        RecordedEffects out = new RecordedEffects(true);
        alice.onOutbound(NOW, PACKET, 0, PACKET.length, out);
        List<TraceEvent> events = out.all().stream().filter(e -> e instanceof Effect.Trace).map(e -> ((Effect.Trace) e).event())
                .toList();
        List<WireGuardKeylog> blocks = events.stream().flatMap(e -> WireGuardKeylog.handshake(alice, e).stream()).toList();
        assertEquals(1, blocks.size(), "one block, for the one InitiatorEphemeral among " + events);
        assertTrue(events.size() > 1, "the other events were offered too: " + events);
        assertEquals(3, blocks.getFirst().lines().size(), blocks.getFirst().lines().toString());
    }

    private void peers(SymmetricKey psk) {
        RecordedEffects ignored = new RecordedEffects();
        alice.apply(DeviceEdit.privateKey(aliceKey), NOW, ignored);
        bob.apply(DeviceEdit.privateKey(bobKey), NOW, ignored);
        PeerEdit bobAtAlice = PeerEdit.add(bob.publicKey(), BOB_AT, Prefix.parse("10.0.0.2/32"));
        PeerEdit aliceAtBob = PeerEdit.add(alice.publicKey(), null, Prefix.parse("10.0.0.1/32"));
        alice.apply(DeviceEdit.peers(psk == null ? bobAtAlice : bobAtAlice.withPresharedKey(psk)), NOW, ignored);
        bob.apply(DeviceEdit.peers(psk == null ? aliceAtBob : aliceAtBob.withPresharedKey(psk)), NOW, ignored);
    }

    private static byte[] sent(RecordedEffects out) {
        return out.all().stream().filter(e -> e instanceof Effect.Send).map(e -> ((Effect.Send) e).datagram().toByteArray())
                .findFirst().orElseThrow(() -> new AssertionError("nothing sent: " + out.all()));
    }

    private static <T extends TraceEvent> T event(RecordedEffects out, Class<T> type) {
        return out.all().stream().filter(e -> e instanceof Effect.Trace t && type.isInstance(t.event()))
                .map(e -> type.cast(((Effect.Trace) e).event())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + out.all()));
    }
}
