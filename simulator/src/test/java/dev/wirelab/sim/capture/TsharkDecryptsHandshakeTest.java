package dev.wirelab.sim.capture;

import dev.wirelab.capture.PcapWriter;
import dev.wirelab.capture.Tshark;
import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.engine.transport.KeypairLimits;
import static dev.wirelab.engine.EnginePair.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.transport.Keypair;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IpNumber;

/**
 * The independent oracle for our bytes: two engine peers complete a handshake and send one ping
 * through the tunnel in memory; the datagrams go into a pcap, the initiator's keys into a
 * Wireshark key log, and Wireshark's own WireGuard dissector must decrypt all of it.
 *
 * <p>Which keys Wireshark needs (packet-wireguard.c): the initiation is found by mac1 under a
 * known static public key (Spub_r), then decrypted with Epriv_i (DH with Spub_r) and Spriv_i (DH
 * with Spub_r); the response with Epriv_i and Spriv_i and the PSK linked to Epriv_i; the transport
 * keys follow. So the initiator's four lines suffice; the responder's ephemeral is not needed.
 *
 * <p>The pcap and key logs stay in engine/target/fixtures/ for a person to open in Wireshark.
 */
class TsharkDecryptsHandshakeTest {
    private static final long SEED = 20;
    /** 2023-11-14T22:13:20.123456789Z wall clock; the monotonic origin is arbitrary. */
    private static final Now T0 = new Now(1_000_000_000L, 1_700_000_000_123_456_789L);
    private static final long FRAME_GAP_NANOS = 1_000_000L;
    private static final Endpoint INITIATOR = Endpoint.ipv4("192.0.2.1:51820");
    private static final Endpoint RESPONDER = Endpoint.ipv4("192.0.2.2:51821");
    private static final byte[] TUNNEL_INITIATOR = {(byte) 198, 51, 100, 1};
    private static final byte[] TUNNEL_RESPONDER = {(byte) 198, 51, 100, 2};
    private static final int INITIATOR_INDEX = 0x11111111;
    private static final int RESPONDER_INDEX = 0x22222222;
    private static final int ECHO_IDENTIFIER = 0x574c; // "WL"
    private static final int ECHO_SEQUENCE = 1;
    private static final int MTU = 1420;

    private static final List<String> FIELDS = List.of("frame.number", "ip.src", "ip.dst", "ip.checksum.status",
            "udp.srcport", "udp.dstport", "udp.checksum.status", "wg.type", "wg.handshake_ok", "wg.static",
            "wg.receiver_pubkey", "wg.timestamp.tai64_label", "wg.timestamp.nanoseconds", "wg.counter",
            "icmp.type", "icmp.code", "icmp.ident", "icmp.seq", "icmp.checksum.status");

    /** Checksum status values of Wireshark's proto_checksum_enum_e. */
    private static final String CHECKSUM_GOOD = "1";

    private static Path fixtures;
    private static Path pcap;
    private static EnginePair pair;
    private static String ephemeralInitiator;

    /** One handshake and one ping, written once; each test decrypts it with its own key log. */
    @BeforeAll
    static void captureHandshakeAndPing() throws Exception {
        fixtures = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "fixtures"));
        pcap = fixtures.resolve("tshark-handshake.pcap");
        pair = new EnginePair(SEED, true);
        Now t1 = T0.plusNanos(FRAME_GAP_NANOS);
        Now t2 = t1.plusNanos(FRAME_GAP_NANOS);

        // The engine destroys ephemerals once used, so their keylog form is taken first.
        PrivateKey eI = PrivateKey.generate(pair.entropyI);
        PrivateKey eR = PrivateKey.generate(pair.entropyR);
        ephemeralInitiator = eI.base64();

        byte[] initiation = pair.initiation(T0, eI, INITIATOR_INDEX, NoiseTrace.OFF);
        Handshake atResponder = ok(pair.responderConsumes(initiation, T0, NoiseTrace.OFF));
        assertSame(pair.handshakeR, atResponder, "the responder found the initiator as its peer");
        byte[] response = pair.response(t1, eR, RESPONDER_INDEX, NoiseTrace.OFF);
        ok(pair.handshakeI.consumeResponse((Response) MessageCodec.parse(response), NoiseTrace.OFF));
        Keypair keypair = ok(pair.handshakeI.beginSession(t1, KeypairLimits.REFERENCE, NoiseTrace.OFF));
        byte[] ping = echoRequest();
        byte[] data = ok(keypair.seal(pair.cryptoI.aead(), t2, ping, 0, ping.length, MTU));

        try (PcapWriter writer = PcapWriter.open(pcap)) {
            writer.udp(INITIATOR, RESPONDER, initiation, T0.wallNanos());
            writer.udp(RESPONDER, INITIATOR, response, t1.wallNanos());
            writer.udp(INITIATOR, RESPONDER, data, t2.wallNanos());
        }
        System.out.println("[tshark] pcap: " + pcap.toAbsolutePath());
    }

    /**
     * A real IPv4 ICMP echo request from the initiator's to the responder's tunnel address, built
     * by pcap4j with correct lengths and checksums, as a TUN device would hand it to WireGuard.
     */
    private static byte[] echoRequest() {
        IcmpV4EchoPacket.Builder echo = new IcmpV4EchoPacket.Builder()
                .identifier((short) ECHO_IDENTIFIER)
                .sequenceNumber((short) ECHO_SEQUENCE)
                .payloadBuilder(new UnknownPacket.Builder()
                        .rawData("wirelab ping through the tunnel".getBytes(StandardCharsets.US_ASCII)));
        IcmpV4CommonPacket.Builder icmp = new IcmpV4CommonPacket.Builder()
                .type(IcmpV4Type.ECHO)
                .code(IcmpV4Code.NO_CODE)
                .payloadBuilder(echo)
                .correctChecksumAtBuild(true);
        return PcapWriter.ipv4((java.net.Inet4Address) PcapWriter.inet(TUNNEL_INITIATOR), (java.net.Inet4Address) PcapWriter.inet(TUNNEL_RESPONDER),
                IpNumber.ICMPV4, (short) 1, icmp).build().getRawData();
    }

    /** The initiator's side of the session, as a key-logging WireGuard on 192.0.2.1 would write it. */
    private static WireGuardKeylog initiatorKeylog(PrivateKey localStatic) {
        return new WireGuardKeylog()
                .localStaticPrivateKey(localStatic.base64())
                .remoteStaticPublicKey(pair.identityR.publicKey())
                .localEphemeralPrivateKey(ephemeralInitiator)
                .presharedKey(java.util.Base64.getEncoder().encodeToString(pair.presharedKey.secretBytes()));
    }

    private static Tshark.Result dissect(WireGuardKeylog keylog, String name) throws Exception {
        Path keys = fixtures.resolve(name);
        keylog.write(keys);
        System.out.println("[tshark] keylog: " + keys.toAbsolutePath());
        Tshark.Result result = Tshark.fields(pcap, keys, List.of(INITIATOR.port(), RESPONDER.port()), FIELDS,
                fixtures);
        System.out.println("[tshark] " + String.join(" ", result.commandLine()));
        for (Tshark.Frame frame : result.frames()) {
            System.out.println("[tshark] frame " + frame.number() + " " + frame.fields());
        }
        assertEquals(3, result.frames().size(), "frames dissected; tshark stderr:\n" + result.stderr());
        return result;
    }

    @Test
    void tsharkDecryptsHandshakeAndPingWithTheInitiatorsKeys() throws Exception {
        Tshark.Result result = dissect(initiatorKeylog(pair.staticPrivateI), "tshark-handshake.keys");
        assertFraming(result.frames());
        assertDecrypted(result.frames());
    }

    @Test
    void aWrongStaticPrivateKeyDecryptsNothing() throws Exception {
        PrivateKey stranger = PrivateKey.generate(new DeterministicEntropy(SEED).split("stranger"));
        Tshark.Result result = dissect(initiatorKeylog(stranger), "tshark-handshake-wrong-key.keys");
        List<Tshark.Frame> f = result.frames();
        // The very assertion the other test passes must fail here: it can tell right from wrong.
        assertThrows(AssertionError.class, () -> assertDecrypted(f));
        assertFraming(f);

        // Epriv_i and Spub_r still open the encrypted static (dh1 needs no static private key),
        // but the timestamp needs dh2 = DH(Spriv_i, Spub_r).
        assertFalse(f.get(0).isTrue("wg.handshake_ok"), "initiation must not decrypt fully");
        assertNull(f.get(0).one("wg.timestamp.tai64_label"), "no timestamp without Spriv_i");
        assertNull(f.get(0).one("wg.timestamp.nanoseconds"), "no timestamp without Spriv_i");
        assertFalse(f.get(1).isTrue("wg.handshake_ok"), "response must not decrypt");
        assertEquals(List.of("192.0.2.1"), f.get(2).all("ip.src"), "only the outer IPv4 header, no inner packet");
        assertEquals(List.of(), f.get(2).all("icmp.type"), "no inner ICMP");
    }

    /** Ethernet/IPv4/UDP as written: addresses, ports, and checksums tshark verifies itself. */
    private static void assertFraming(List<Tshark.Frame> frames) {
        Endpoint[][] directions = {{INITIATOR, RESPONDER}, {RESPONDER, INITIATOR}, {INITIATOR, RESPONDER}};
        for (int i = 0; i < 3; i++) {
            Tshark.Frame f = frames.get(i);
            Endpoint from = directions[i][0];
            Endpoint to = directions[i][1];
            String where = "frame " + f.number();
            assertEquals(host(from), f.all("ip.src").getFirst(), where + " outer ip.src");
            assertEquals(host(to), f.all("ip.dst").getFirst(), where + " outer ip.dst");
            assertEquals(CHECKSUM_GOOD, f.all("ip.checksum.status").getFirst(), where + " outer IPv4 checksum");
            assertEquals(String.valueOf(from.port()), f.one("udp.srcport"), where + " udp.srcport");
            assertEquals(String.valueOf(to.port()), f.one("udp.dstport"), where + " udp.dstport");
            assertEquals(CHECKSUM_GOOD, f.one("udp.checksum.status"), where + " UDP checksum");
            assertEquals(String.valueOf(new int[] {1, 2, 4}[i]), f.one("wg.type"), where + " wg.type");
        }
    }

    /** What only a correct handshake and correct transport encryption let Wireshark show. */
    private static void assertDecrypted(List<Tshark.Frame> frames) {
        Tshark.Frame initiation = frames.get(0);
        // Wireshark sets wg.handshake_ok on the response only (packet-wireguard.c, 4.0 to master).
        // For the initiation the proof is the decrypted timestamp: its AEAD opens only when both
        // DH results, the static and the chaining key are right.
        assertTrue(initiation.one("wg.handshake_ok") == null || initiation.isTrue("wg.handshake_ok"),
                "initiation: wg.handshake_ok, if reported, must be true");
        assertEquals(pair.identityI.publicKey().base64(), initiation.one("wg.static"),
                "initiation: decrypted static is the initiator's public key");
        assertEquals(pair.identityR.publicKey().base64(), initiation.one("wg.receiver_pubkey"),
                "initiation: mac1 verifies under the responder's public key");
        // The kernel's TAI64N: label 2^62 + 10 + Unix seconds, nanoseconds rounded down to 2^24 ns.
        long seconds = Math.floorDiv(T0.wallNanos(), 1_000_000_000L);
        long nanos = Math.floorMod(T0.wallNanos(), 1_000_000_000L) & ~((1L << 24) - 1);
        assertEquals(Long.toUnsignedString((1L << 62) + 10 + seconds), initiation.one("wg.timestamp.tai64_label"),
                "initiation: decrypted TAI64N seconds");
        assertEquals(String.valueOf(nanos), initiation.one("wg.timestamp.nanoseconds"),
                "initiation: decrypted TAI64N nanoseconds");

        Tshark.Frame response = frames.get(1);
        assertTrue(response.isTrue("wg.handshake_ok"), "response: wg.handshake_ok");
        assertEquals(pair.identityI.publicKey().base64(), response.one("wg.receiver_pubkey"),
                "response: mac1 verifies under the initiator's public key");

        Tshark.Frame data = frames.get(2);
        assertEquals("0", data.one("wg.counter"), "data: first counter");
        assertEquals(List.of("192.0.2.1", "198.51.100.1"), data.all("ip.src"), "data: outer then inner ip.src");
        assertEquals(List.of("192.0.2.2", "198.51.100.2"), data.all("ip.dst"), "data: outer then inner ip.dst");
        assertEquals(List.of(CHECKSUM_GOOD, CHECKSUM_GOOD), data.all("ip.checksum.status"),
                "data: outer and inner IPv4 checksums");
        assertEquals("8", data.one("icmp.type"), "data: inner ICMP echo request");
        assertEquals("0", data.one("icmp.code"), "data: ICMP code");
        assertEquals(ECHO_IDENTIFIER, Integer.decode(data.one("icmp.ident")), "data: ICMP identifier");
        assertEquals(ECHO_SEQUENCE, Integer.decode(data.one("icmp.seq")), "data: ICMP sequence");
        assertEquals(CHECKSUM_GOOD, data.one("icmp.checksum.status"), "data: ICMP checksum");
    }

    private static String host(Endpoint endpoint) {
        String s = endpoint.toString();
        return s.substring(0, s.lastIndexOf(':'));
    }
}
