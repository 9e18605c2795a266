package dev.wirelab.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.transport.Keypair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No key material in any text the engine makes for people: toString of keys, identities, edits,
 * keypairs, handshake states, peers, effects and every trace event of a real session with a preshared
 * key and two rekeys, and the messages of exceptions about keys. Secrets are looked for as base64 and
 * as hex in either case, in any 16-character piece, so a "fingerprint" prefix would count as a leak.
 * (Trace events do carry secrets as fields for keylogs and the handshake view; their text must not.)
 */
class SecretsDoNotLeakTest {
    private static final int PIECE = 16;
    private static final HexFormat HEX = HexFormat.of();

    /** Every 16-character piece of each secret's base64 and hex spellings. */
    private static final class Secrets {
        final Set<String> pieces = new HashSet<>();
        int count;

        void add(byte[] secret) {
            count++;
            String b64 = Base64.getEncoder().encodeToString(secret);
            String hex = HEX.formatHex(secret);
            for (String s : List.of(b64, hex, hex.toUpperCase(Locale.ROOT))) {
                for (int i = 0; i + PIECE <= s.length(); i++) {
                    pieces.add(s.substring(i, i + PIECE));
                }
            }
        }

        void assertAbsentFrom(String text) {
            for (int i = 0; i + PIECE <= text.length(); i++) {
                String piece = text.substring(i, i + PIECE);
                assertTrue(!pieces.contains(piece), () -> "key material \"" + piece + "\" in: " + text);
            }
        }
    }

    @Test
    void aTracedSessionPrintsNoKeyMaterial() {
        DevicePair p = new DevicePair(0x5ec7e75);
        SymmetricKey psk = SymmetricKey.of(Bytes.fromHex("0f".repeat(32)).toByteArray());
        p.a.apply(DeviceEdit.peers(PeerEdit.add(p.keyB, DevicePair.ENDPOINT_B).withPresharedKey(psk)), p.now(), p.outA);
        p.b.apply(DeviceEdit.peers(PeerEdit.add(p.keyA, null).withPresharedKey(SymmetricKey.of(psk.secretBytes()))),
                p.now(), p.outB);
        Secrets secrets = new Secrets();
        secrets.add(p.a.identity().privateKey().secretBytes());
        secrets.add(p.b.identity().privateKey().secretBytes());
        secrets.add(psk.secretBytes());
        List<String> texts = new ArrayList<>();
        // Three sessions: the first, then rekeys after REKEY_AFTER_TIME, with data both ways.
        for (int session = 0; session < 3; session++) {
            p.sendFromA(50);
            p.deliverAll();
            p.sendFromB(50);
            p.deliverAll();
            for (Device d : List.of(p.a, p.b)) {
                for (Peer peer : d.peers()) {
                    texts.add(peer.toString());
                    texts.add(String.valueOf(peer.handshakeState()));
                    for (Keypair k : new Keypair[] {peer.keypairs().current(), peer.keypairs().previous(), peer.keypairs().next()}) {
                        texts.add(String.valueOf(k));
                    }
                }
            }
            p.runUntil(p.mono + Protocol.REKEY_AFTER_TIME_NANOS + 10 * Protocol.SECOND_NANOS);
        }
        int steps = 0;
        for (RecordedEffects out : List.of(p.outA, p.outB)) {
            for (Effect e : out.all()) {
                texts.add(e.toString());
                switch (e) {
                    case Effect.Trace(TraceEvent.InitiatorEphemeral t) -> secrets.add(Base64.getDecoder().decode(t.ephemeralPrivateBase64()));
                    case Effect.Trace(TraceEvent.ResponderEphemeral t) -> secrets.add(Base64.getDecoder().decode(t.ephemeralPrivateBase64()));
                    case Effect.Trace(TraceEvent.HandshakeStep t) -> {
                        steps++;
                        addSecretValues(secrets, t.step());
                    }
                    default -> { }
                }
            }
        }
        assertTrue(steps >= 3 * 12, "the trace holds every Noise step of three handshakes: " + steps);
        assertTrue(secrets.count > 100, "static keys, psk, ephemerals, chaining keys, DH results, session keys");
        texts.forEach(secrets::assertAbsentFrom);
    }

    /** C before and after, and the step's secret values: DH results, k, the psk Q, the session keys. */
    private static void addSecretValues(Secrets secrets, NoiseStep step) {
        secrets.add(step.chainingKeyBefore().toByteArray());
        secrets.add(step.chainingKeyAfter().toByteArray());
        step.values().forEach((name, value) -> {
            if (name.contains("DH") || Set.of("k", "Q", "T_i->r", "T_r->i").contains(name)) {
                secrets.add(value.toByteArray());
            }
        });
    }

    @Test
    void keysIdentitiesAndEditsPrintRedacted() {
        DevicePair p = new DevicePair(0x5ec7e76);
        PrivateKey key = p.a.identity().privateKey();
        SymmetricKey psk = SymmetricKey.of(Bytes.fromHex("a1".repeat(16) + "b2".repeat(16)).toByteArray());
        Secrets secrets = new Secrets();
        secrets.add(key.secretBytes());
        secrets.add(psk.secretBytes());
        PeerEdit peerEdit = PeerEdit.add(p.keyB, DevicePair.ENDPOINT_B, Prefix.parse("10.0.0.0/8")).withPresharedKey(psk);
        DeviceEdit deviceEdit = new DeviceEdit(key, false, 51820, 0, true, List.of(peerEdit));
        for (Object o : List.of(key, psk, p.a.identity(), peerEdit, deviceEdit)) {
            secrets.assertAbsentFrom(o.toString());
        }
        // Destroyed keys say so, and still show nothing.
        PrivateKey copy = PrivateKey.of(key.secretBytes());
        copy.destroy();
        assertEquals("PrivateKey[destroyed]", copy.toString());
    }

    @Test
    void exceptionsAboutKeysDoNotQuoteThem() {
        PrivateKey key = PrivateKey.generate(new dev.wirelab.engine.DeterministicEntropy(0x5ec));
        String b64 = key.base64();
        Secrets secrets = new Secrets();
        secrets.add(key.secretBytes());
        // A private key pasted with a typo, where a public key goes, or one character short.
        List<Runnable> misuse = List.of(
                () -> PrivateKey.fromBase64(b64.substring(0, 20) + "!" + b64.substring(21)),
                () -> PrivateKey.fromBase64(b64 + "AAAA"),
                () -> PublicKey.fromBase64(b64.substring(0, 20) + "*" + b64.substring(21)),
                () -> PublicKey.fromBase64(b64.substring(1)),
                () -> SymmetricKey.of(java.util.Arrays.copyOf(key.secretBytes(), 31)),
                () -> PrivateKey.of(java.util.Arrays.copyOf(key.secretBytes(), 33)));
        for (Runnable r : misuse) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
            secrets.assertAbsentFrom(e.getMessage() + " " + e);
        }
    }
}
