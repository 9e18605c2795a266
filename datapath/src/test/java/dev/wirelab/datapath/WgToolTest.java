package dev.wirelab.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.Peer;
import dev.wirelab.engine.device.RecordedEffects;
import dev.wirelab.testkit.NeedsRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stock {@code wg} tool (wireguard-tools, installed by .ci/run) configures and reads a wirelab
 * Device through {@link UapiServer}, on /var/run/wireguard/NAME.sock where {@code wg} looks for
 * userspace interfaces. No TUN device: {@code wg} needs only the socket.
 */
@NeedsRoot("/var/run/wireguard, where wg looks for UAPI sockets")
class WgToolTest {
    private static final Path WG = Path.of("/usr/bin/wg");
    private static final long WG_TIMEOUT_SECONDS = 20;
    private static final long SEED = 5;
    private static final Keys DEVICE = Keys.of(SEED, "device");
    private static final Keys PEER = Keys.of(SEED, "peer");
    private static final Keys PEER2 = Keys.of(SEED, "peer2");
    private static final Keys PEER3 = Keys.of(SEED, "peer3");
    private static final String PSK = Base64.getEncoder().encodeToString(
            HexFormat.of().parseHex("0102030405060708091011121314151617181920212223242526272829303132"));

    @TempDir
    Path tmp;
    private String name;
    private Device device;
    private final ReentrantLock lock = new ReentrantLock();
    private UapiServer server;

    @BeforeEach
    void start() throws IOException {
        assertTrue(Files.isExecutable(WG), WG + " is missing: install wireguard-tools (.ci/run does)");
        name = "wlt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 28, Integer.MAX_VALUE));
        device = new Device(Profile.REFERENCE, Crypto.fastest(), new DeterministicEntropy(SEED).split("engine"));
        server = UapiServer.start(UapiServer.socketPathFor(name), device, lock, new SystemClock(), new RecordedEffects());
    }

    @AfterEach
    void stop() throws IOException {
        Path socket = UapiServer.socketPathFor(name);
        try {
            server.close();
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    @Test
    void wgSetThenShowDumpAndShowconfGiveBackWhatWasSet() throws Exception {
        setUp();
        lock.lock();
        try {
            assertEquals(51820, device.listenPort());
            assertEquals(DEVICE.publicKey(), device.publicKey());
            Peer peer = device.peer(PEER.publicKey());
            assertEquals("192.0.2.2:51820", UapiResponse.endpoint(peer.endpoint()));
            assertEquals(25, peer.persistentKeepaliveSeconds());
            assertEquals(List.of(Prefix.parse("10.0.0.2/32"), Prefix.parse("fd00::2/128")), device.allowedIps(peer));
        } finally {
            lock.unlock();
        }

        String dump = wgOk("show", name, "dump");
        System.out.println("wg show " + name + " dump:\n" + dump);
        List<String[]> rows = rows(dump);
        assertEquals(2, rows.size(), dump);
        // private-key, public-key (wg derives it itself: a check of our X25519 too), listen-port, fwmark
        assertEquals(List.of(DEVICE.privateKey().base64(), DEVICE.publicKey().base64(), "51820", "off"),
                List.of(rows.get(0)));
        String[] peer = rows.get(1);
        // public-key, preshared-key, endpoint, allowed-ips, latest-handshake, rx, tx, persistent-keepalive
        assertEquals(PEER.publicKey().base64(), peer[0]);
        assertEquals("(none)", peer[1]);
        assertEquals("192.0.2.2:51820", peer[2]);
        assertEquals("10.0.0.2/32,fd00::2/128", peer[3]);
        assertEquals("0", peer[4]);
        assertEquals("0", peer[5]);
        assertEquals(Long.toString(txBytes(PEER)), peer[6]);
        assertEquals("25", peer[7]);

        assertEquals("""
                [Interface]
                ListenPort = 51820
                PrivateKey = %s

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.0.2/32, fd00::2/128
                Endpoint = 192.0.2.2:51820
                PersistentKeepalive = 25
                """.formatted(DEVICE.privateKey().base64(), PEER.publicKey().base64()), wgOk("showconf", name));
    }

    @Test
    void wgSetPeerRemoveRemovesIt() throws Exception {
        setUp();
        wgOk("set", name, "peer", PEER.publicKey().base64(), "remove");
        lock.lock();
        try {
            assertEquals(List.of(), device.peers());
            assertEquals(51820, device.listenPort());
        } finally {
            lock.unlock();
        }
        List<String[]> rows = rows(wgOk("show", name, "dump"));
        assertEquals(1, rows.size());
    }

    @Test
    void wgSetconfReplacesTheWholeConfiguration() throws Exception {
        setUp(); // PEER must be gone afterwards: setconf sends replace_peers
        Path conf = tmp.resolve("wlt.conf");
        Files.writeString(conf, """
                [Interface]
                PrivateKey = %s
                ListenPort = 51821
                FwMark = 0x1234

                [Peer]
                PublicKey = %s
                PresharedKey = %s
                AllowedIPs = 10.0.0.3/32, fd00::3/128
                Endpoint = [2001:db8::3]:51820

                [Peer]
                PublicKey = %s
                AllowedIPs = 10.0.1.0/24
                PersistentKeepalive = 0
                """.formatted(DEVICE.privateKey().base64(), PEER2.publicKey().base64(), PSK, PEER3.publicKey().base64()));
        wgOk("setconf", name, conf.toString());

        List<String[]> rows = rows(wgOk("show", name, "dump"));
        assertEquals(3, rows.size());
        assertEquals(List.of(DEVICE.privateKey().base64(), DEVICE.publicKey().base64(), "51821", "0x1234"),
                List.of(rows.get(0)));
        assertEquals(List.of(PEER2.publicKey().base64(), PSK, "[2001:db8::3]:51820", "10.0.0.3/32,fd00::3/128", "0",
                "0", "0", "off"), List.of(rows.get(1)));
        assertEquals(List.of(PEER3.publicKey().base64(), "(none)", "(none)", "10.0.1.0/24", "0", "0", "0", "off"),
                List.of(rows.get(2)));
        lock.lock();
        try {
            assertEquals(null, device.peer(PEER.publicKey()));
            assertEquals(0x1234, device.fwmark());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aRequestWgCannotSendOrWeRefuseFailsAndChangesNothing() throws Exception {
        setUp();
        String before = get();

        // An invalid key: wg itself refuses it and exits non-zero.
        Result badKey = wg("set", name, "listen-port", "51999", "peer", "not-a-key", "allowed-ips", "10.9.9.9/32");
        assertNotEquals(0, badKey.exit(), badKey.toString());
        assertEquals(before, get());

        // A request wg sends and the server refuses (an IPv6 zone the engine's Endpoint cannot hold),
        // after a listen_port line and before an allowed_ip line: errno, and neither takes effect.
        Result refused = wg("set", name, "listen-port", "51999", "peer", PEER2.publicKey().base64(),
                "endpoint", "[fe80::1%lo]:51820", "allowed-ips", "10.9.9.9/32");
        assertNotEquals(0, refused.exit(), refused.toString());
        assertTrue(refused.stderr().contains("Invalid argument"), refused.stderr());
        assertEquals(before, get());
        assertEquals(2, rows(wgOk("show", name, "dump")).size());
    }

    // ---------------------------------------------------------------- helpers

    /** The brief's `wg set`: private key from a file, port, one peer with two prefixes, endpoint, keepalive. */
    private void setUp() throws Exception {
        Path key = tmp.resolve("private.key");
        Files.writeString(key, DEVICE.privateKey().base64() + "\n");
        wgOk("set", name, "private-key", key.toString(), "listen-port", "51820", "peer", PEER.publicKey().base64(),
                "allowed-ips", "10.0.0.2/32,fd00::2/128", "endpoint", "192.0.2.2:51820", "persistent-keepalive", "25");
    }

    private String get() {
        lock.lock();
        try {
            return UapiResponse.get(device);
        } finally {
            lock.unlock();
        }
    }

    private long txBytes(Keys keys) {
        lock.lock();
        try {
            return device.peer(keys.publicKey()).txBytes();
        } finally {
            lock.unlock();
        }
    }

    private static List<String[]> rows(String dump) {
        List<String[]> rows = new ArrayList<>();
        for (String line : dump.split("\n")) {
            if (!line.isEmpty()) {
                rows.add(line.split("\t", -1));
            }
        }
        return rows;
    }

    record Result(int exit, String stdout, String stderr) {}

    private String wgOk(String... args) throws Exception {
        Result r = wg(args);
        assertEquals(0, r.exit(), "wg " + String.join(" ", args) + " failed: " + r);
        return r.stdout();
    }

    /** Runs wg with a timeout; a wg that hangs is killed by PID and fails the test. */
    private Result wg(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(WG.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "wg", ".out");
        Path err = Files.createTempFile(tmp, "wg", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(WG_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("wg " + String.join(" ", args) + " (pid " + p.pid() + ") did not finish in "
                        + WG_TIMEOUT_SECONDS + " s");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
