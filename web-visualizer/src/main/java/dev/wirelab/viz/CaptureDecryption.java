package dev.wirelab.viz;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.crypto.Tai64n;
import dev.wirelab.engine.ip.IpPacket;
import dev.wirelab.engine.message.CookieReply;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.message.TransportData;
import dev.wirelab.engine.noise.NoiseIkpsk2;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.noise.NoiseTrace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decrypts the WireGuard messages of one capture in order, with the keys of a key log and the
 * engine's own Noise code ({@link NoiseIkpsk2}), the way Wireshark's dissector does with libgcrypt:
 *
 * <ul>
 * <li>An initiation opens from the initiator's side when its ephemeral private key is logged (with
 * the initiator's static private key and the responder's static public key), or from the
 * responder's side with the responder's static private key.
 * <li>A response opens with the initiation it answers (its receiver index is the initiation's
 * sender index) and either the initiator's keys or the responder's ephemeral private key; the
 * preshared key is the one logged after either ephemeral, else none (32 zero bytes).
 * <li>Transport data opens with the keys the handshake split into, found by receiver index.
 * <li>A cookie reply opens with its sender's static public key and the mac1 of the message it
 * answers; the cookie then checks the mac2 of the next handshake message from that endpoint.
 * </ul>
 *
 * <p>The initiator's side is replayed rather than consumed: {@link NoiseIkpsk2#createInitiation}
 * with the logged keys must rebuild the message's encrypted static key; its own trace gives the key
 * that opens the timestamp, and a second run with that timestamp must rebuild the whole message.
 * Not thread-safe: one per capture.
 */
final class CaptureDecryption {
    /** One step's Noise values as the page shows them (the handshake section's C and H). */
    record Step(int number, String token, String formula, String chainingKeyBefore, String hashBefore,
            String chainingKeyAfter, String hashAfter) {
        static Step of(NoiseStep s) {
            return new Step(s.number(), s.token(), s.formula(), s.chainingKeyBefore().hex(), s.hashBefore().hex(),
                    s.chainingKeyAfter().hex(), s.hashAfter().hex());
        }
    }

    /**
     * What became of one message: opened (with the Noise steps of a handshake message, or the inner
     * packet of transport data) or not, with the reason.
     *
     * @param inner the decrypted IP packet without padding; empty for a keepalive; null otherwise
     */
    record Opened(boolean decrypted, String reason, List<Step> noise, List<JourneyView.Value> values, byte[] inner) {
        static Opened no(String reason, List<JourneyView.Value> values) {
            return new Opened(false, reason, List.of(), values, null);
        }
    }

    /** An initiation that opened, waiting for its response. */
    private record Pending(int frame, Bytes ephemeralI, PublicKey staticI, byte[] chainingKey, byte[] hash,
            PrivateKey ephemeralPrivateI, PrivateKey staticPrivateI, byte[] presharedKeyI) {}

    /** One direction of a session: the key that opens what is sent to a receiver index. */
    private record Direction(byte[] key, String keyName, int handshakeFrame, Set<Long> counters) {}

    private static final byte[] NO_PRESHARED_KEY = new byte[SymmetricKey.LENGTH];

    private final Crypto crypto = Crypto.fastest();
    private final NoiseIkpsk2 noise = new NoiseIkpsk2(crypto, Protocol.CONSTRUCTION, Protocol.IDENTIFIER);
    private final CaptureKeylog keys;
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final Map<Integer, Direction> sessions = new HashMap<>();
    /** Handshake messages by sender index: who sent it (endpoint) and its mac1, which a cookie reply answers. */
    private final Map<Integer, Sent> sent = new HashMap<>();
    /** The latest cookie each endpoint was given, and the frame that gave it. */
    private final Map<String, Cookie> cookies = new HashMap<>();
    /** Static public keys seen opened in this capture, beyond the key log's: cookie replies may come from them. */
    private final Set<PublicKey> learned = new LinkedHashSet<>();

    private record Sent(String from, byte[] mac1) {}

    private record Cookie(byte[] value, int frame) {}

    CaptureDecryption(CaptureKeylog keys) {
        this.keys = keys;
    }

    /**
     * Before opening a handshake message from {@code from}: remembers its mac1 (a cookie reply may
     * answer it) and checks its mac2 against the cookie {@code from} was last given in this capture.
     */
    private void macs(String from, int sender, byte[] wire, Bytes mac1, Bytes mac2, List<JourneyView.Value> values) {
        sent.put(sender, new Sent(from, mac1.toByteArray()));
        if (mac2.equals(Bytes.wrap(new byte[mac2.length()]))) {
            values.add(new JourneyView.Value("mac2", "zero: the sender holds no cookie"));
            return;
        }
        Cookie c = cookies.get(from);
        if (c == null) {
            values.add(new JourneyView.Value("mac2", "set, but no cookie reply to " + from + " was opened earlier in this capture"));
            return;
        }
        byte[] expected = crypto.blake2s().mac(c.value(), Arrays.copyOf(wire, wire.length - mac2.length()));
        values.add(new JourneyView.Value("mac2", "MAC(cookie of frame " + c.frame() + ", msg[0:" + (wire.length - mac2.length()) + "]): "
                + (Bytes.wrap(expected).equals(mac2) ? "verified" : "does not match that cookie")));
    }

    Opened initiation(int frame, String from, Initiation m, byte[] wire) {
        List<JourneyView.Value> values = new ArrayList<>();
        values.add(new JourneyView.Value("sender index", index(m.sender())));
        macs(from, m.sender(), wire, m.mac1(), m.mac2(), values);
        values.add(new JourneyView.Value("E_pub_i", m.ephemeral().hex()));
        CaptureKeylog.Ephemeral e = keys.ephemerals().get(PublicKey.of(m.ephemeral().toByteArray()));
        if (e != null) {
            Opened o = asInitiator(frame, m, e, values);
            if (o != null) {
                return o;
            }
        }
        for (Map.Entry<PublicKey, PrivateKey> local : keys.localStatics().entrySet()) {
            List<NoiseStep> steps = new ArrayList<>();
            PrivateKey s = local.getValue();
            Outcome<NoiseIkpsk2.ConsumedInitiation> out = noise.consumeInitiation(NoiseTrace.collecting(steps), s, local.getKey(),
                    m.ephemeral(), m.encryptedStatic(), m.encryptedTimestamp(), peer -> dh(s, peer));
            if (out instanceof Outcome.Ok<NoiseIkpsk2.ConsumedInitiation>(var c)) {
                pending.put(m.sender(), new Pending(frame, m.ephemeral(), c.initiatorStatic(), c.chainingKey(), c.hash(),
                        null, null, null));
                return opened(values, steps, "responder's static private key", local.getKey(), c.initiatorStatic(), c.payload());
            }
        }
        return Opened.no(e != null
                ? "its ephemeral private key is logged, but no pair of logged static keys rebuilds it"
                        + " (the initiator's LOCAL_STATIC_PRIVATE_KEY or the responder's REMOTE_STATIC_PUBLIC_KEY is missing)"
                : "the key log has neither this initiation's ephemeral private key nor the responder's static private key",
                values);
    }

    /** The initiator's side: replays the initiation with each pair of logged static keys; null when none fits. */
    private Opened asInitiator(int frame, Initiation m, CaptureKeylog.Ephemeral e, List<JourneyView.Value> values) {
        Set<PublicKey> responders = new LinkedHashSet<>(keys.remoteStatics());
        responders.addAll(keys.localStatics().keySet());
        for (Map.Entry<PublicKey, PrivateKey> local : keys.localStatics().entrySet()) {
            for (PublicKey responder : responders) {
                List<NoiseStep> probe = new ArrayList<>();
                var built = noise.createInitiation(NoiseTrace.collecting(probe), local.getValue(), local.getKey(), responder,
                        e.key(), null, new byte[Tai64n.LENGTH]);
                if (!(built instanceof Outcome.Ok<NoiseIkpsk2.CreatedInitiation>(var c)) || !c.encryptedStatic().equals(m.encryptedStatic())) {
                    continue;
                }
                // Step 4 (ss) left the key and the H that seal the timestamp: open the real one with them.
                NoiseStep ss = probe.get(3);
                byte[] timestamp = crypto.aead().open(ss.values().get("k").toByteArray(), 0, ss.hashAfter().toByteArray(),
                        m.encryptedTimestamp().toByteArray());
                if (timestamp == null) {
                    continue;
                }
                List<NoiseStep> steps = new ArrayList<>();
                var again = noise.createInitiation(NoiseTrace.collecting(steps), local.getValue(), local.getKey(), responder,
                        e.key(), null, timestamp);
                if (!(again instanceof Outcome.Ok<NoiseIkpsk2.CreatedInitiation>(var r)) || !r.encryptedPayload().equals(m.encryptedTimestamp())) {
                    throw new IllegalStateException("the engine rebuilt an initiation's static key but not its timestamp");
                }
                pending.put(m.sender(), new Pending(frame, m.ephemeral(), local.getKey(), r.chainingKey(), r.hash(), e.key(),
                        local.getValue(), e.presharedKey()));
                return opened(values, steps, "initiator's ephemeral private key", responder, local.getKey(), timestamp);
            }
        }
        return null;
    }

    private Opened opened(List<JourneyView.Value> values, List<NoiseStep> steps, String how, PublicKey responder,
            PublicKey initiator, byte[] timestamp) {
        learned.add(responder);
        learned.add(initiator);
        values.add(new JourneyView.Value("opened with", "the " + how));
        values.add(new JourneyView.Value("S_pub_i (initiator)", initiator.base64()));
        values.add(new JourneyView.Value("S_pub_r (responder)", responder.base64()));
        values.add(new JourneyView.Value("TAI64N timestamp", Bytes.of(timestamp).hex()));
        values.add(new JourneyView.Value("C after step 5", steps.getLast().chainingKeyAfter().hex()));
        values.add(new JourneyView.Value("H after step 5", steps.getLast().hashAfter().hex()));
        return new Opened(true, null, steps.stream().map(Step::of).toList(), values, null);
    }

    Opened response(int frame, String from, Response m, byte[] wire) {
        List<JourneyView.Value> values = new ArrayList<>();
        values.add(new JourneyView.Value("sender index", index(m.sender())));
        values.add(new JourneyView.Value("receiver index", index(m.receiver())));
        macs(from, m.sender(), wire, m.mac1(), m.mac2(), values);
        values.add(new JourneyView.Value("E_pub_r", m.ephemeral().hex()));
        Pending p = pending.get(m.receiver());
        if (p == null) {
            return Opened.no("no initiation with sender index " + index(m.receiver())
                    + " opened earlier in this capture (it was not captured, or did not decrypt)", values);
        }
        values.add(new JourneyView.Value("answers", "the initiation in frame " + p.frame()));
        CaptureKeylog.Ephemeral er = keys.ephemerals().get(PublicKey.of(m.ephemeral().toByteArray()));
        List<byte[]> psks = new ArrayList<>();
        if (p.presharedKeyI() != null) {
            psks.add(p.presharedKeyI());
        }
        if (er != null && er.presharedKey() != null) {
            psks.add(er.presharedKey());
        }
        psks.add(NO_PRESHARED_KEY);
        for (byte[] psk : psks) {
            List<NoiseStep> steps = new ArrayList<>();
            byte[] c = null;
            byte[] h = null;
            NoiseStep.Side side = null;
            if (p.ephemeralPrivateI() != null) {
                var out = noise.consumeResponse(NoiseTrace.collecting(steps), p.chainingKey(), p.hash(), p.ephemeralPrivateI(),
                        p.staticPrivateI(), psk, m.ephemeral(), m.encryptedNothing());
                if (out instanceof Outcome.Ok<NoiseIkpsk2.ConsumedResponse>(var r)) {
                    c = r.chainingKey();
                    h = r.hash();
                    side = NoiseStep.Side.INITIATOR_CONSUMES;
                }
            } else if (er != null) {
                var out = noise.createResponse(NoiseTrace.collecting(steps), p.chainingKey(), p.hash(), p.ephemeralI(), p.staticI(),
                        er.key(), psk, new byte[0]);
                if (out instanceof Outcome.Ok<NoiseIkpsk2.CreatedResponse>(var r) && r.encryptedPayload().equals(m.encryptedNothing())) {
                    c = r.chainingKey();
                    h = r.hash();
                    side = NoiseStep.Side.RESPONDER_CREATES;
                }
            }
            if (c == null) {
                continue;
            }
            values.add(new JourneyView.Value("opened with", (side == NoiseStep.Side.INITIATOR_CONSUMES
                    ? "the initiator's keys" : "the responder's ephemeral private key")
                    + (psk == NO_PRESHARED_KEY ? ", no preshared key" : ", the logged preshared key")));
            NoiseIkpsk2.SessionKeys split = noise.split(NoiseTrace.collecting(steps), side, c, h);
            sessions.put(m.sender(), new Direction(split.initiatorToResponder(), "T_i->r", frame, new HashSet<>()));
            sessions.put(m.receiver(), new Direction(split.responderToInitiator(), "T_r->i", frame, new HashSet<>()));
            values.add(new JourneyView.Value("T_i->r", Bytes.of(split.initiatorToResponder()).hex()));
            values.add(new JourneyView.Value("T_r->i", Bytes.of(split.responderToInitiator()).hex()));
            return new Opened(true, null, steps.stream().map(Step::of).toList(), values, null);
        }
        return Opened.no(p.ephemeralPrivateI() == null && er == null
                ? "neither the initiator's ephemeral private key nor the responder's (E_pub_r above) is logged"
                : "the tag does not verify with the logged keys: the preshared key is missing or wrong", values);
    }

    /**
     * A cookie reply: XChaCha20-Poly1305 under HASH(LABEL_COOKIE || S_pub of its sender) with the
     * mac1 of the message it answers as associated data. Only public keys are needed, so every
     * static public key known here is tried; the cookie then checks the mac2 of that endpoint's next
     * handshake message.
     */
    Opened cookieReply(int frame, CookieReply m) {
        List<JourneyView.Value> values = new ArrayList<>();
        values.add(new JourneyView.Value("receiver index", index(m.receiver())));
        values.add(new JourneyView.Value("nonce", m.nonce().hex()));
        Sent answered = sent.get(m.receiver());
        if (answered == null) {
            return Opened.no("no handshake message with sender index " + index(m.receiver())
                    + " is in this capture: its mac1, the associated data, is unknown", values);
        }
        Set<PublicKey> candidates = new LinkedHashSet<>(learned);
        candidates.addAll(keys.remoteStatics());
        candidates.addAll(keys.localStatics().keySet());
        for (PublicKey sender : candidates) {
            byte[] key = crypto.blake2s().hash(Protocol.LABEL_COOKIE, sender.bytes());
            byte[] cookie = crypto.xaead().open(key, m.nonce().toByteArray(), answered.mac1(), m.encryptedCookie().toByteArray());
            if (cookie != null) {
                cookies.put(answered.from(), new Cookie(cookie, frame));
                values.add(new JourneyView.Value("answers", "the handshake message " + index(m.receiver()) + " from " + answered.from()));
                values.add(new JourneyView.Value("opened with", "HASH(LABEL_COOKIE || " + sender.base64() + "), mac1 of that message"));
                values.add(new JourneyView.Value("cookie", Bytes.of(cookie).hex()));
                return new Opened(true, null, List.of(), values, null);
            }
        }
        return Opened.no("no static public key known here (key log or opened handshakes) opens it", values);
    }

    Opened transport(int frame, TransportData m) {
        List<JourneyView.Value> values = new ArrayList<>();
        values.add(new JourneyView.Value("receiver index", index(m.receiver())));
        values.add(new JourneyView.Value("counter", Long.toUnsignedString(m.counter())));
        Direction d = sessions.get(m.receiver());
        if (d == null) {
            return Opened.no("no handshake that opened earlier in this capture made a session with receiver index "
                    + index(m.receiver()), values);
        }
        values.add(new JourneyView.Value("key", d.keyName() + " of the handshake completed in frame " + d.handshakeFrame()));
        byte[] padded = crypto.aead().open(d.key(), m.counter(), new byte[0], m.encryptedPacket().toByteArray());
        if (padded == null) {
            return Opened.no("the tag does not verify with " + d.keyName() + " of the handshake in frame " + d.handshakeFrame(), values);
        }
        if (!d.counters().add(m.counter())) {
            values.add(new JourneyView.Value("replay", "this counter was seen before under this key: a receiver drops the copy"));
        }
        if (padded.length == 0) {
            values.add(new JourneyView.Value("plaintext", "empty: a keepalive"));
            return new Opened(true, null, List.of(), values, padded);
        }
        int length = IpPacket.claimedLength(padded, 0, padded.length);
        if (length < 0) {
            values.add(new JourneyView.Value("plaintext", padded.length + " bytes that are not an IP packet: a receiver drops them"));
            return new Opened(true, null, List.of(), values, padded);
        }
        values.add(new JourneyView.Value("padding", (padded.length - length) + " zero bytes after the " + length + "-byte packet"));
        return new Opened(true, null, List.of(), values, Arrays.copyOf(padded, length));
    }

    private byte[] dh(PrivateKey scalar, PublicKey peer) {
        byte[] out = new byte[32];
        crypto.x25519().sharedSecret(scalar.secretBytes(), peer.bytes(), out);
        return out;
    }

    static String index(int index) {
        return String.format("0x%08x", index);
    }
}
