package dev.wirelab.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.Effect;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.engine.device.RecordedEffects;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.noise.StaticIdentity;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every low-order Curve25519 point in x25519.json (the Wycheproof and kernel cases whose DH result
 * is all zero, each in its encodings with and without the ignored top bit) against whole Devices:
 * as a configured peer's key, as the ephemeral of an initiation or a response, and as the static
 * key inside an otherwise well-made initiation. An all-zero DH would make every session key
 * predictable, so in each case nothing may be sent: no initiation, no keepalive, no response.
 */
class LowOrderKeysTest {
    private static final Endpoint PEER_ENDPOINT = Endpoint.ipv4("192.0.2.9:51820");
    private static final Endpoint DEVICE_ENDPOINT = Endpoint.ipv4("192.0.2.1:51820");
    private static final Crypto CRYPTO = Crypto.fastest();
    private static final long T0_MONO = 1_000_000_000_000L;
    private static final long T0_WALL = 1_700_000_000_000_000_000L;

    static List<Bytes> lowOrderPoints() {
        X25519Vectors.File file = VectorFile.load(X25519Vectors.FILE, X25519Vectors.File.class);
        Set<Bytes> points = new TreeSet<>((x, y) -> x.hex().compareTo(y.hex()));
        for (X25519Vectors.ScalarMult v : file.scalarMult()) {
            if (v.zeroResult()) {
                points.add(v.u());
            }
        }
        return List.copyOf(points);
    }

    private static Now at(long mono) {
        return new Now(mono, T0_WALL + (mono - T0_MONO));
    }

    private static Device device(long seed, PrivateKey key) {
        Device d = new Device(Profile.REFERENCE, CRYPTO, new DeterministicEntropy(seed));
        d.apply(DeviceEdit.privateKey(key), at(T0_MONO), new RecordedEffects());
        return d;
    }

    private static byte[] ipv4To(byte[] destination) {
        byte[] p = new byte[28];
        p[0] = 0x45;
        p[3] = 28;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(new byte[] {10, 0, 0, 1}, 0, p, 12, 4);
        System.arraycopy(destination, 0, p, 16, 4);
        return p;
    }

    @ParameterizedTest
    @MethodSource("lowOrderPoints")
    void aPeerWithALowOrderKeyIsNeverSentAnything(Bytes point) {
        Device d = device(1, PrivateKey.generate(new DeterministicEntropy(100)));
        RecordedEffects out = new RecordedEffects(true);
        // Persistent keepalive on: the device would send at once, and again every 25 s.
        d.apply(DeviceEdit.peers(PeerEdit.add(PublicKey.of(point.toByteArray()), PEER_ENDPOINT,
                Prefix.parse("10.0.0.2/32")).withPersistentKeepalive(25)), at(T0_MONO), out);
        byte[] packet = ipv4To(new byte[] {10, 0, 0, 2});
        d.onOutbound(at(T0_MONO), packet, 0, packet.length, out);
        // Ten minutes of timers: retransmits, keepalives, rekey attempts, all refused the same way.
        long mono = T0_MONO;
        while (mono < T0_MONO + 600_000_000_000L) {
            mono = Math.max(mono + 1_000_000_000L, Math.min(d.nextDeadline(), mono + 30_000_000_000L));
            d.onTimer(at(mono), out);
            d.onOutbound(at(mono), packet, 0, packet.length, out);
        }
        assertEquals(List.of(), out.sent());
        assertTrue(out.dropped().stream().anyMatch(x -> x.reason() == DropReason.LOW_ORDER_KEY), out.dropped()::toString);
    }

    @ParameterizedTest
    @MethodSource("lowOrderPoints")
    void anInitiationWithALowOrderEphemeralGetsNoResponse(Bytes point) {
        PrivateKey initiatorKey = PrivateKey.generate(new DeterministicEntropy(200));
        PrivateKey responderKey = PrivateKey.generate(new DeterministicEntropy(201));
        Device responder = device(2, responderKey);
        PublicKey responderPublic = CRYPTO.x25519().publicKey(responderKey);
        responder.apply(DeviceEdit.peers(PeerEdit.add(CRYPTO.x25519().publicKey(initiatorKey), PEER_ENDPOINT,
                Prefix.parse("10.0.0.2/32"))), at(T0_MONO), new RecordedEffects());
        // A real initiation with its ephemeral swapped for the point, and mac1 made right again,
        // so the responder gets as far as DH(S_priv_r, E_pub_i).
        Handshake h = new Handshake(CRYPTO, StaticIdentity.of(CRYPTO.x25519(), initiatorKey), responderPublic);
        Initiation genuine = ((Outcome.Ok<Initiation>) h.createInitiation(at(T0_MONO),
                PrivateKey.generate(new DeterministicEntropy(202)), 7, NoiseTrace.OFF)).value();
        byte[] d = MessageCodec.encode(new Initiation(genuine.sender(), point, genuine.encryptedStatic(),
                genuine.encryptedTimestamp(), genuine.mac1(), genuine.mac2()));
        new CookieGenerator(CRYPTO, responderPublic).addMacs(d, at(T0_MONO));
        assertSilentDrop(responder, d);
    }

    @ParameterizedTest
    @MethodSource("lowOrderPoints")
    void anInitiationWhoseStaticKeyHasLowOrderGetsNoResponse(Bytes point) {
        PrivateKey responderKey = PrivateKey.generate(new DeterministicEntropy(301));
        Device responder = device(3, responderKey);
        PublicKey responderPublic = CRYPTO.x25519().publicKey(responderKey);
        PublicKey lowOrder = PublicKey.of(point.toByteArray());
        responder.apply(DeviceEdit.peers(PeerEdit.add(lowOrder, PEER_ENDPOINT, Prefix.parse("10.0.0.2/32"))),
                at(T0_MONO), new RecordedEffects());
        // An initiator that claims the low-order point as its static key: es is honest, so the
        // static decrypts at the responder, whose ss = DH(S_priv_r, S_pub_i) is then all zero.
        StaticIdentity forger = new StaticIdentity(PrivateKey.generate(new DeterministicEntropy(300)), lowOrder);
        Handshake h = new Handshake(CRYPTO, forger, responderPublic);
        Initiation forged = ((Outcome.Ok<Initiation>) h.createInitiation(at(T0_MONO),
                PrivateKey.generate(new DeterministicEntropy(302)), 7, NoiseTrace.OFF)).value();
        byte[] d = MessageCodec.encode(forged);
        new CookieGenerator(CRYPTO, responderPublic).addMacs(d, at(T0_MONO));
        assertSilentDrop(responder, d);
    }

    @ParameterizedTest
    @MethodSource("lowOrderPoints")
    void aResponseWithALowOrderEphemeralStartsNoSession(Bytes point) {
        PrivateKey initiatorKey = PrivateKey.generate(new DeterministicEntropy(400));
        PrivateKey responderKey = PrivateKey.generate(new DeterministicEntropy(401));
        Device initiator = device(4, initiatorKey);
        PublicKey initiatorPublic = CRYPTO.x25519().publicKey(initiatorKey);
        RecordedEffects out = new RecordedEffects();
        initiator.apply(DeviceEdit.peers(PeerEdit.add(CRYPTO.x25519().publicKey(responderKey), PEER_ENDPOINT,
                Prefix.parse("10.0.0.2/32"))), at(T0_MONO), out);
        byte[] packet = ipv4To(new byte[] {10, 0, 0, 2});
        initiator.onOutbound(at(T0_MONO), packet, 0, packet.length, out);
        byte[] initiation = out.sent().get(0).datagram().toByteArray();
        // type, sender, receiver = the initiation's sender, ephemeral = the point, empty{} arbitrary.
        byte[] d = new byte[dev.wirelab.engine.Protocol.RESPONSE_LENGTH];
        MessageCodec.writeInt(d, 0, dev.wirelab.engine.Protocol.MESSAGE_RESPONSE);
        MessageCodec.writeInt(d, 4, 0x5eed);
        MessageCodec.writeInt(d, 8, MessageCodec.readInt(initiation, 4));
        point.copyTo(d, 12);
        new CookieGenerator(CRYPTO, initiatorPublic).addMacs(d, at(T0_MONO));
        assertSilentDrop(initiator, d);
        assertEquals(null, initiator.peers().get(0).keypairs().current(), "no session from an all-zero ee");
    }

    /** {@code d} from the peer's endpoint: dropped as a low-order key, and nothing sent back. */
    private static void assertSilentDrop(Device device, byte[] d) {
        RecordedEffects out = new RecordedEffects();
        device.onDatagram(at(T0_MONO + 1), PEER_ENDPOINT, d, 0, d.length, out);
        assertEquals(List.of(), out.sent());
        assertEquals(List.of(new Effect.Drop(DropReason.LOW_ORDER_KEY, PEER_ENDPOINT)), out.dropped());
    }
}
