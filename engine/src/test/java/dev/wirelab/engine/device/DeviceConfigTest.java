package dev.wirelab.engine.device;

import static dev.wirelab.engine.device.DevicePair.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configuration edits with UAPI set semantics. */
class DeviceConfigTest {
    private static PublicKey key(long seed) {
        return Crypto.fastest().x25519().publicKey(PrivateKey.generate(new DeterministicEntropy(seed)));
    }

    @Test
    void replaceAllowedIpsRemoveAndUpdateOnly() {
        DevicePair p = new DevicePair(40);
        PublicKey c = key(41);
        p.a.apply(DeviceEdit.peers(PeerEdit.add(c, null, Prefix.parse("203.0.113.0/24"))), p.now(), p.outA);
        assertEquals(c, p.a.route(new byte[] {(byte) 203, 0, 113, 5}).publicKey());
        // A prefix another peer owns moves to the peer that inserts it.
        p.a.apply(DeviceEdit.peers(PeerEdit.add(p.keyB, null, Prefix.parse("203.0.113.0/24"))), p.now(), p.outA);
        assertEquals(p.keyB, p.a.route(new byte[] {(byte) 203, 0, 113, 5}).publicKey());
        assertEquals(List.of(), p.a.allowedIps(p.a.peer(c)));
        // replace_allowed_ips drops the old list first.
        p.a.apply(DeviceEdit.peers(PeerEdit.add(p.keyB, null, Prefix.parse("192.0.2.128/25")).replacingAllowedIps()), p.now(), p.outA);
        assertEquals(List.of(Prefix.parse("192.0.2.128/25")), p.a.allowedIps(p.a.peer(p.keyB)));
        // update_only does not create.
        PublicKey d = key(42);
        p.a.apply(DeviceEdit.peers(new PeerEdit(d, false, true, null, null, 5, false, List.of())), p.now(), p.outA);
        assertNull(p.a.peer(d));
        p.a.apply(DeviceEdit.peers(PeerEdit.removal(c)), p.now(), p.outA);
        assertNull(p.a.peer(c));
        assertEquals(1, p.a.peers().size());
    }

    @Test
    void anEditPastTheAllowedIpsBoundIsRefusedWholeAndOneWithinItIsTaken() {
        Device d = new Device(Profile.REFERENCE, Crypto.fastest(), new DeterministicEntropy(45), 4);
        dev.wirelab.engine.Now now = new dev.wirelab.engine.Now(0, 0);
        RecordedEffects out = new RecordedEffects();
        PublicKey a = key(46);
        PublicKey b = key(47);
        d.apply(DeviceEdit.peers(PeerEdit.add(a, null, Prefix.parse("192.0.2.0/26"), Prefix.parse("192.0.2.64/26"),
                Prefix.parse("192.0.2.128/26"))), now, out);
        Endpoint moved = Endpoint.ipv4("203.0.113.9:51820");
        // a's endpoint first, then b with two new prefixes: 5 > 4, so not even a's endpoint may change.
        DeviceEdit tooMany = DeviceEdit.peers(PeerEdit.add(a, moved), PeerEdit.add(b, null, Prefix.parse("198.51.100.0/24"),
                Prefix.parse("198.51.100.0/25")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.apply(tooMany, now, out));
        assertTrue(e.getMessage().contains("AllowedIPs table full"), e.getMessage());
        assertNull(d.peer(a).endpoint(), "nothing of a refused edit is applied");
        assertNull(d.peer(b));
        assertEquals(3, d.allowedIps(d.peer(a)).size());
        // Moving a prefix between peers does not grow the table, and replacing a's list frees its room.
        d.apply(DeviceEdit.peers(PeerEdit.add(b, null, Prefix.parse("192.0.2.0/26"), Prefix.parse("198.51.100.0/24"))), now, out);
        d.apply(DeviceEdit.peers(PeerEdit.add(a, null, Prefix.parse("203.0.113.0/26"), Prefix.parse("203.0.113.64/26"))
                .replacingAllowedIps()), now, out);
        assertEquals(4, d.allowedIps(d.peer(a)).size() + d.allowedIps(d.peer(b)).size());
    }

    @Test
    void replacePeersKeepsOnlyTheNamedOnes() {
        DevicePair p = new DevicePair(43);
        PublicKey c = key(44);
        p.a.apply(new DeviceEdit(null, false, 51820, null, true, List.of(PeerEdit.add(c, null))), p.now(), p.outA);
        assertEquals(List.of(c), p.a.peers().stream().map(Peer::publicKey).toList());
        assertEquals(51820, p.a.listenPort());
        assertNull(p.a.route(DevicePair.TUNNEL_B), "the removed peer's AllowedIPs went with it");
    }

    @Test
    void badValuesAreRefusedBeforeAnythingChanges() {
        DevicePair p = new DevicePair(45);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.a.apply(new DeviceEdit(null, false, 70000, null, true, List.of()), p.now(), p.outA));
        assertTrue(e.getMessage().contains("listen_port"), e.getMessage());
        assertEquals(1, p.a.peers().size(), "replace_peers in the refused edit did not run");
        e = assertThrows(IllegalArgumentException.class,
                () -> p.a.apply(DeviceEdit.peers(PeerEdit.add(key(46), null).withPersistentKeepalive(-1)), p.now(), p.outA));
        assertTrue(e.getMessage().contains("persistent_keepalive_interval"), e.getMessage());
        assertEquals(1, p.a.peers().size());
    }

    @Test
    void thePeerLimitOfTheProfileHolds() {
        Profile tiny = new Profile("tiny", Profile.REFERENCE.timestampFormat(), Profile.REFERENCE.rejectAfterMessages(),
                Profile.REFERENCE.cookieSecretMaxAgeNanos(), 2, 512, Profile.REFERENCE.underLoadAfterNanos(),
                Profile.RateLimiterModel.PER_SOURCE_TOKEN_BUCKET);
        DevicePair p = new DevicePair(47, tiny);
        p.a.apply(DeviceEdit.peers(PeerEdit.add(key(48), null)), p.now(), p.outA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.a.apply(DeviceEdit.peers(PeerEdit.add(key(49), null)), p.now(), p.outA));
        assertTrue(e.getMessage().contains("too many peers: 3"), e.getMessage());
        assertEquals(2, p.a.peers().size());
    }

    @Test
    void ourOwnKeyIsNeverAPeer() {
        DevicePair p = new DevicePair(50);
        p.a.apply(DeviceEdit.peers(PeerEdit.add(p.a.publicKey(), null)), p.now(), p.outA);
        assertNull(p.a.peer(p.a.publicKey()));
    }

    @Test
    void aNewPrivateKeyRetiresOldSessionsAndANewHandshakeFollows() {
        DevicePair p = new DevicePair(51);
        p.sendFromA(10);
        p.deliverAll();
        assertNotNull(p.b.peer(p.keyA).keypairs().current());
        PrivateKey fresh = PrivateKey.generate(new DeterministicEntropy(52));
        p.b.apply(DeviceEdit.privateKey(fresh), p.now(), p.outB);
        assertNull(p.b.peer(p.keyA).keypairs().current(), "sessions under the old key are gone");
        // a still believes in the old session; b can no longer read it.
        p.sendFromA(10);
        p.deliverAll();
        assertEquals(DropReason.UNKNOWN_RECEIVER_INDEX, p.outB.dropped().get(0).reason());
        // The same key again changes nothing.
        p.b.apply(DeviceEdit.privateKey(fresh), p.now(), p.outB);
        assertEquals(Crypto.fastest().x25519().publicKey(fresh), p.b.publicKey());
    }

    @Test
    void presharedKeysMustMatch() {
        DevicePair p = new DevicePair(53);
        byte[] q = new byte[32];
        q[0] = 7;
        p.a.apply(DeviceEdit.peers(new PeerEdit(p.keyB, false, true, SymmetricKey.of(q), null, null, false, List.of())), p.now(), p.outA);
        p.sendFromA(10);
        p.deliverAll();
        assertEquals(DropReason.HANDSHAKE_DECRYPTION_FAILED, p.outA.dropped().get(0).reason(), "the response fails at a");
        p.b.apply(DeviceEdit.peers(new PeerEdit(p.keyA, false, true, SymmetricKey.of(q), null, null, false, List.of())), p.now(), p.outB);
        p.at(p.a.nextDeadline());
        p.timers();
        p.deliverAll();
        assertEquals(1, p.outB.delivered().size(), "with the same psk the retry completes");
    }

    @Test
    void rejectAfterMessagesUnderAProfileStartsANewSession() {
        Profile small = new Profile("small", Profile.REFERENCE.timestampFormat(), 3,
                Profile.REFERENCE.cookieSecretMaxAgeNanos(), 16, 512, Profile.REFERENCE.underLoadAfterNanos(),
                Profile.RateLimiterModel.PER_SOURCE_TOKEN_BUCKET);
        DevicePair p = new DevicePair(54, small);
        for (int i = 0; i < 3; i++) {
            p.sendFromA(10);
            p.deliverAll();
        }
        assertEquals(List.of(1, 4, 4, 4), types(p.outA));
        p.advance(6 * dev.wirelab.engine.Protocol.SECOND_NANOS);
        p.sendFromA(10);
        assertEquals(List.of(1, 4, 4, 4, 1), types(p.outA), "counter 3 is never sent: a handshake instead");
        p.deliverAll();
        assertEquals(4, p.outB.delivered().size(), "the packet went out on the new session");
        assertEquals(Endpoint.ipv4("192.0.2.1:51820"), p.b.peer(p.keyA).endpoint());
    }
}
