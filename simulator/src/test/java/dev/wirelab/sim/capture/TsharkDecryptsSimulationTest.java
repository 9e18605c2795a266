package dev.wirelab.sim.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.capture.Tshark;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.sim.Host;
import dev.wirelab.sim.LinkSpec;
import dev.wirelab.sim.Ping;
import dev.wirelab.sim.Ratio;
import dev.wirelab.sim.Simulation;
import dev.wirelab.sim.Trace;
import dev.wirelab.sim.WallClock;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The independent oracle for a whole simulation: alice and bob ping each other through WireGuard
 * (with a preshared key) for 370 virtual seconds over lossy, jittery, duplicating links with outages,
 * so there are retried and unanswered initiations, handshakes initiated by both sides and rekeys
 * after REKEY_AFTER_TIME.
 * The capture of the virtual wires and its key log go to Wireshark's own WireGuard dissector, which
 * must decrypt every handshake and find a valid ICMP echo inside every transport data packet; its
 * frames must match the simulation's trace one for one (time, addresses, message type).
 *
 * <p>The pcaps and key logs stay in simulator/target/fixtures/ for a person to open in Wireshark.
 */
class TsharkDecryptsSimulationTest {
    private static final long S = Protocol.SECOND_NANOS;
    private static final long MS = 1_000_000L;
    /**
     * A seed whose run has everything {@link #assertScenarioExercised} asks for (about half of the
     * seeds 1..30 do: the rest lose the one handshake alice would complete as initiator).
     */
    private static final long SEED = 5;
    private static final long RUN_NANOS = 370 * S;
    private static final int PORT = 51820;
    private static final int PINGS = 365;
    private static final byte[] TUNNEL_ALICE = {10, 0, 0, 1};
    private static final byte[] TUNNEL_BOB = {10, 0, 0, 2};
    /** A keepalive: 16-byte transport header and the 16-byte tag of an empty plaintext, plus UDP's 8. */
    private static final String KEEPALIVE_UDP_LENGTH = "40";
    /** Checksum status values of Wireshark's proto_checksum_enum_e. */
    private static final String CHECKSUM_GOOD = "1";

    private static final List<String> FIELDS = List.of("frame.number", "frame.time_epoch", "ip.src", "ip.dst",
            "ip.checksum.status", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport", "udp.length",
            "udp.checksum.status", "wg.type", "wg.receiver", "wg.handshake_ok", "wg.static", "wg.receiver_pubkey",
            "wg.timestamp.tai64_label", "wg.timestamp.nanoseconds", "wg.counter", "icmp.type", "icmp.code",
            "icmp.checksum.status");

    /** One simulated run, its capture, and what the checks need to know about its hosts. */
    private record Run(Simulation sim, SimCapture capture, boolean ipv6, Map<String, String> outerAddress,
            Map<String, String> tunnelAddress, Map<String, PublicKey> publicKey) {
        Host host(String name) {
            return sim.host(name);
        }

        String other(String name) {
            return name.equals("alice") ? "bob" : "alice";
        }
    }

    private static Path fixtures;
    private static Run v4;
    private static Path v4Pcap;
    private static Path v4Keylog;

    @BeforeAll
    static void simulateAndCapture() throws Exception {
        fixtures = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "fixtures"));
        v4 = run(SEED, false);
        v4Pcap = fixtures.resolve("sim-ipv4.pcap");
        v4Keylog = fixtures.resolve("sim-ipv4.keys");
        v4.capture().writePcap(v4Pcap);
        v4.capture().writeKeylog(v4Keylog);
        System.out.println("[tshark] " + v4Pcap.toAbsolutePath() + " " + v4Keylog.toAbsolutePath());
    }

    /**
     * alice (lossy, jittery, duplicating links) and bob (ideal links) with a preshared key; each
     * pings the other once a second, 0.5 s apart, so both initiate handshakes.
     */
    static Run run(long seed, boolean ipv6) {
        Simulation sim = new Simulation(seed, true);
        Map<String, String> outer = ipv6 ? Map.of("alice", "2001:db8::1", "bob", "2001:db8::2")
                : Map.of("alice", "192.0.2.1", "bob", "192.0.2.2");
        // Unplugged for the first 3 s: alice's first initiation and her response to bob's are lost, so
        // bob initiates again; after that 20% random loss and 5% duplicates.
        LinkSpec aliceUp = new LinkSpec(5 * MS, 2 * MS, Ratio.parse("20%"), null, Ratio.parse("5%"), Ratio.NEVER, 0, 0, 0,
                0, List.of(new LinkSpec.Partition(0, 3 * S)));
        LinkSpec aliceDown = new LinkSpec(5 * MS, 2 * MS, Ratio.parse("15%"), null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0,
                List.of());
        Host alice = sim.addHost("alice", "internet", endpoint(outer.get("alice")), aliceUp, aliceDown, Profile.REFERENCE,
                new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        // bob's uplink fails from 100 s to 127 s: bob's rekey at about 121 s is lost, and alice, hearing
        // nothing back for KEEPALIVE + REKEY_TIMEOUT, initiates and retries on her timer until it heals.
        LinkSpec bobUp = new LinkSpec(5 * MS, 0, Ratio.NEVER, null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0,
                List.of(new LinkSpec.Partition(100 * S, 127 * S)));
        Host bob = sim.addHost("bob", "internet", endpoint(outer.get("bob")), bobUp, LinkSpec.ideal(5 * MS),
                Profile.REFERENCE, new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        SimCapture capture = SimCapture.attach(sim);

        PrivateKey ka = PrivateKey.generate(sim.entropy("key:alice"));
        PrivateKey kb = PrivateKey.generate(sim.entropy("key:bob"));
        PublicKey pa = Crypto.fastest().x25519().publicKey(ka);
        PublicKey pb = Crypto.fastest().x25519().publicKey(kb);
        byte[] psk = new byte[SymmetricKey.LENGTH];
        sim.entropy("psk").nextBytes(psk);
        alice.configure(DeviceEdit.privateKey(ka));
        bob.configure(DeviceEdit.privateKey(kb));
        // Each Device gets its own key object: the engine destroys a preshared key it replaces.
        alice.configure(DeviceEdit.peers(PeerEdit.add(pb, bob.endpoint(), Prefix.parse("10.0.0.2/32"))
                .withPresharedKey(SymmetricKey.of(psk.clone()))));
        bob.configure(DeviceEdit.peers(PeerEdit.add(pa, alice.endpoint(), Prefix.parse("10.0.0.1/32"))
                .withPresharedKey(SymmetricKey.of(psk.clone()))));
        Ping.respond(alice, TUNNEL_ALICE);
        Ping.respond(bob, TUNNEL_BOB);
        Ping.start(sim, alice, TUNNEL_ALICE, TUNNEL_BOB, S, S, PINGS, 56);
        Ping.start(sim, bob, TUNNEL_BOB, TUNNEL_ALICE, S + 500 * MS, S, PINGS, 56);
        sim.runUntil(RUN_NANOS);
        return new Run(sim, capture, ipv6, outer, Map.of("alice", "10.0.0.1", "bob", "10.0.0.2"),
                Map.of("alice", pa, "bob", pb));
    }

    private static Endpoint endpoint(String address) {
        return new Endpoint(Prefix.parse(address + (address.contains(":") ? "/128" : "/32")).address(), PORT);
    }

    private static Tshark.Result dissect(Path pcap, Path keylog) throws Exception {
        Tshark.Result result = Tshark.fields(pcap, keylog, List.of(PORT), FIELDS, fixtures);
        System.out.println("[tshark] " + String.join(" ", result.commandLine()) + ": " + result.frames().size() + " frames");
        return result;
    }

    @Test
    void tsharkDecryptsEveryHandshakeAndEveryPingOverIpv4() throws Exception {
        Tshark.Result result = dissect(v4Pcap, v4Keylog);
        for (Tshark.Frame f : result.frames().subList(0, 12)) {
            System.out.println("[tshark] " + f.fields());
        }
        assertScenarioExercised(v4);
        assertDecrypted(v4, result.frames());
    }

    @Test
    void tsharkDecryptsEveryHandshakeAndEveryPingOverIpv6() throws Exception {
        Run v6 = run(SEED, true);
        Path pcap = fixtures.resolve("sim-ipv6.pcap");
        Path keylog = fixtures.resolve("sim-ipv6.keys");
        v6.capture().writePcap(pcap);
        v6.capture().writeKeylog(keylog);
        assertScenarioExercised(v6);
        assertDecrypted(v6, dissect(pcap, keylog).frames());
    }

    /**
     * One wrong key (the preshared key of the first handshake that completed) must make the very
     * check the other tests pass fail, and exactly there: that response loses wg.handshake_ok.
     */
    @Test
    void oneWrongPresharedKeyInTheKeylogFailsTheCheck() throws Exception {
        List<Tshark.Frame> good = dissect(v4Pcap, v4Keylog).frames();
        Tshark.Frame firstResponse = good.stream().filter(f -> "2".equals(f.one("wg.type"))).findFirst().orElseThrow();
        // The response's receiver index is the initiator's sender index: find that initiation's ephemeral.
        long index = Long.decode(firstResponse.one("wg.receiver"));
        String initiator = hostAt(v4, firstResponse.all("ip.dst").getFirst());
        String ephemeral = v4.sim().trace().ofKind("wg.ephemeral").stream()
                .filter(r -> r.at().equals(initiator) && Long.parseLong(r.string("index")) == index)
                .findFirst().orElseThrow().string("ephemeralPrivate");

        List<String> lines = new ArrayList<>(Files.readAllLines(v4Keylog, StandardCharsets.US_ASCII));
        int at = lines.indexOf("LOCAL_EPHEMERAL_PRIVATE_KEY = " + ephemeral);
        assertTrue(at >= 0 && lines.get(at + 1).startsWith("PRESHARED_KEY = "), "the handshake's PSK line follows its ephemeral");
        byte[] psk = Base64.getDecoder().decode(lines.get(at + 1).substring("PRESHARED_KEY = ".length()));
        psk[0] ^= 1;
        lines.set(at + 1, "PRESHARED_KEY = " + Base64.getEncoder().encodeToString(psk));
        Path wrong = fixtures.resolve("sim-ipv4-wrong-psk.keys");
        Files.write(wrong, lines, StandardCharsets.US_ASCII);

        List<Tshark.Frame> bad = dissect(v4Pcap, wrong).frames();
        assertThrows(AssertionError.class, () -> assertDecrypted(v4, bad));
        long responses = good.stream().filter(f -> "2".equals(f.one("wg.type"))).count();
        List<Tshark.Frame> confirmed = bad.stream().filter(f -> "2".equals(f.one("wg.type")) && f.isTrue("wg.handshake_ok")).toList();
        assertEquals(responses - 1, confirmed.size(), "every response but the one with the wrong PSK decrypts");
        assertFalse(bad.get(firstResponse.number() - 1).isTrue("wg.handshake_ok"), "the wrong PSK's response");
    }

    @Test
    void sameSeedSameCaptureOtherSeedOtherCapture() throws Exception {
        Run again = run(SEED, false);
        Path pcap = fixtures.resolve("sim-ipv4-again.pcap");
        Path keylog = fixtures.resolve("sim-ipv4-again.keys");
        again.capture().writePcap(pcap);
        again.capture().writeKeylog(keylog);
        assertArrayEquals(Files.readAllBytes(v4Pcap), Files.readAllBytes(pcap), "pcap bytes");
        assertArrayEquals(Files.readAllBytes(v4Keylog), Files.readAllBytes(keylog), "keylog bytes");

        Run other = run(SEED + 1, false);
        Path otherPcap = fixtures.resolve("sim-ipv4-other-seed.pcap");
        other.capture().writePcap(otherPcap);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(v4Pcap), Files.readAllBytes(otherPcap)), "another seed");
    }

    /** The run has what the test claims to cover: retries, several handshakes each way, a rekey. */
    private static void assertScenarioExercised(Run run) {
        Trace t = run.sim().trace();
        long initiations = t.ofKind("wg.initiation-sent").size();
        long sessions = t.ofKind("wg.session").stream().filter(r -> Boolean.TRUE.equals(r.get("initiator"))).count();
        System.out.println("[tshark] initiations sent " + initiations + ", completed as initiator " + sessions
                + ", frames " + run.capture().frames() + ", keylog handshakes " + run.capture().handshakes());
        assertTrue(t.ofKind("wg.initiation-sent").stream().anyMatch(r -> ((Number) r.get("attempt")).intValue() > 0),
                "some initiation was retried");
        assertTrue(sessions >= 3, "several handshakes: " + sessions);
        assertTrue(t.ofKind("wg.session").stream().anyMatch(r -> r.time() > Protocol.REKEY_AFTER_TIME_NANOS),
                "a rekey after REKEY_AFTER_TIME");
        assertTrue(initiations > sessions, "some initiations went unanswered");
        for (String host : List.of("alice", "bob")) {
            assertTrue(t.ofKind("wg.session").stream().anyMatch(r -> r.at().equals(host) && Boolean.TRUE.equals(r.get("initiator"))),
                    host + " completes a handshake as initiator");
        }
        assertEquals(t.ofKind("wg.ephemeral").size(), run.capture().handshakes(), "a keylog entry per initiation");
        assertEquals(0, run.capture().framesNotRecorded());
        assertTrue(t.ofKind("link.duplicate").size() > 0, "some datagram was duplicated");
    }

    /**
     * Every frame matches the trace's arrival at the same position (time, addresses, message type);
     * every initiation decrypts (static and timestamp), every response has wg.handshake_ok, every
     * transport data packet holds an ICMP echo with valid checksums (or is a keepalive), and the
     * counts per message type equal the trace's.
     */
    private static void assertDecrypted(Run run, List<Tshark.Frame> frames) {
        Trace trace = run.sim().trace();
        Map<Long, Integer> typeById = new HashMap<>();
        for (Trace.Record r : trace.ofKind("udp.send")) {
            typeById.put(((Number) r.get("id")).longValue(), ((Number) r.get("type")).intValue());
        }
        for (Trace.Record r : trace.ofKind("link.duplicate")) {
            typeById.put(((Number) r.get("copy")).longValue(), typeById.get(((Number) r.get("id")).longValue()));
        }
        // What the capture records: arrivals at a host that is up, open port or not.
        List<Trace.Record> arrivals = trace.records().stream()
                .filter(r -> r.kind().equals("udp.recv") || r.kind().equals("host.closed-port")).toList();
        assertEquals(arrivals.size(), frames.size(), "one frame per arrival in the trace");

        Map<Integer, Integer> traceTypes = new TreeMap<>();
        Map<Integer, Integer> tsharkTypes = new TreeMap<>();
        for (int i = 0; i < frames.size(); i++) {
            Tshark.Frame f = frames.get(i);
            Trace.Record r = arrivals.get(i);
            String to = r.at();
            String from = run.other(to);
            int type = typeById.get(((Number) r.get("id")).longValue());
            traceTypes.merge(type, 1, Integer::sum);
            String where = "frame " + f.number() + " (" + from + " -> " + to + ", type " + type + ")";

            BigDecimal expectedTime = BigDecimal.valueOf(Simulation.DEFAULT_START_WALL_NANOS + r.time(), 9);
            assertEquals(0, expectedTime.compareTo(new BigDecimal(f.one("frame.time_epoch"))), where + " time " + f.one("frame.time_epoch"));
            assertEquals(run.host(from).endpoint().toString(), r.string("src"), where + " trace src");
            String outerSrc = run.ipv6() ? f.one("ipv6.src") : f.all("ip.src").getFirst();
            String outerDst = run.ipv6() ? f.one("ipv6.dst") : f.all("ip.dst").getFirst();
            assertEquals(run.outerAddress().get(from), outerSrc, where + " outer source");
            assertEquals(run.outerAddress().get(to), outerDst, where + " outer destination");
            if (!run.ipv6()) {
                assertEquals(CHECKSUM_GOOD, f.all("ip.checksum.status").getFirst(), where + " outer IPv4 checksum");
            }
            assertEquals(String.valueOf(PORT), f.one("udp.srcport"), where);
            assertEquals(String.valueOf(PORT), f.one("udp.dstport"), where);
            assertEquals(String.valueOf(8 + ((Number) r.get("len")).intValue()), f.one("udp.length"), where + " udp.length");
            assertEquals(CHECKSUM_GOOD, f.one("udp.checksum.status"), where + " UDP checksum");
            assertNotNull(f.one("wg.type"), where + " dissected as WireGuard");
            int wgType = Integer.parseInt(f.one("wg.type"));
            tsharkTypes.merge(wgType, 1, Integer::sum);
            assertEquals(type, wgType, where + " wg.type");

            switch (wgType) {
                case 1 -> {
                    // Wireshark sets wg.handshake_ok on responses only; an initiation proves itself by its
                    // timestamp, whose AEAD opens only with both DH results and the right chaining key.
                    assertTrue(f.one("wg.handshake_ok") == null || f.isTrue("wg.handshake_ok"), where + " handshake_ok");
                    assertEquals(run.publicKey().get(from).base64(), f.one("wg.static"), where + " decrypted static");
                    assertEquals(run.publicKey().get(to).base64(), f.one("wg.receiver_pubkey"), where + " mac1 key");
                    assertNotNull(f.one("wg.timestamp.tai64_label"), where + " decrypted timestamp");
                    assertNotNull(f.one("wg.timestamp.nanoseconds"), where + " decrypted timestamp");
                }
                case 2 -> {
                    assertTrue(f.isTrue("wg.handshake_ok"), where + " wg.handshake_ok");
                    assertEquals(run.publicKey().get(to).base64(), f.one("wg.receiver_pubkey"), where + " mac1 key");
                }
                case 4 -> assertTransportData(run, f, from, to, where);
                default -> throw new AssertionError(where + ": no cookie replies expected in this run");
            }
        }
        assertEquals(traceTypes, tsharkTypes, "frames per message type, trace vs tshark");
    }

    private static void assertTransportData(Run run, Tshark.Frame f, String from, String to, String where) {
        assertNotNull(f.one("wg.counter"), where + " counter");
        List<String> src = f.all("ip.src");
        List<String> dst = f.all("ip.dst");
        List<String> checksums = f.all("ip.checksum.status");
        int outer = run.ipv6() ? 0 : 1;
        if (KEEPALIVE_UDP_LENGTH.equals(f.one("udp.length"))) {
            assertEquals(outer, src.size(), where + " a keepalive has no inner packet");
            return;
        }
        assertEquals(outer + 1, src.size(), where + " an inner IPv4 packet was decrypted: " + src);
        assertEquals(run.tunnelAddress().get(from), src.getLast(), where + " inner ip.src");
        assertEquals(run.tunnelAddress().get(to), dst.getLast(), where + " inner ip.dst");
        assertEquals(CHECKSUM_GOOD, checksums.getLast(), where + " inner IPv4 checksum");
        String icmpType = f.one("icmp.type");
        assertTrue("8".equals(icmpType) || "0".equals(icmpType), where + " inner ICMP echo, got type " + icmpType);
        assertEquals("0", f.one("icmp.code"), where + " ICMP code");
        assertEquals(CHECKSUM_GOOD, f.one("icmp.checksum.status"), where + " ICMP checksum");
    }

    private static String hostAt(Run run, String outerAddress) {
        return run.outerAddress().entrySet().stream().filter(e -> e.getValue().equals(outerAddress)).findFirst()
                .orElseThrow().getKey();
    }
}
