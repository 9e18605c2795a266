package dev.wirelab.interop;

import static dev.wirelab.interop.TunnelPair.LEFT_PORT;
import static dev.wirelab.interop.TunnelPair.LEFT_TUNNEL_V4;
import static dev.wirelab.interop.TunnelPair.LEFT_UNDERLAY_V4;
import static dev.wirelab.interop.TunnelPair.RIGHT_PORT;
import static dev.wirelab.interop.TunnelPair.RIGHT_TUNNEL_V4;
import static dev.wirelab.interop.TunnelPair.RIGHT_UNDERLAY_V4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.capture.Tshark;
import dev.wirelab.testkit.NeedsRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A real session, decrypted by Wireshark: wirelab's device (left) runs with --capture and --keylog
 * against wireguard-go (right), pings go through the tunnel both ways, the device is stopped, and
 * tshark must decrypt the capture with the key log alone: the handshake (wg.handshake_ok on the
 * response) and every transport data packet down to the inner ICMP echo between the tunnel
 * addresses. Once with wirelab as initiator (its LOCAL_EPHEMERAL_PRIVATE_KEY is Epriv_i), once as
 * responder (its key log then holds Spriv_r and Epriv_r, which packet-wireguard.c also accepts).
 * A key log with wrong keys must decrypt nothing, so the checks can tell right from wrong.
 */
@NeedsRoot("network namespaces, TUN devices, live captures")
class CaptureDecryptsInTsharkTest {
    private static final String CHECKSUM_GOOD = "1";
    private static final int PINGS = 3;
    private static final List<String> FIELDS = List.of("frame.number", "frame.time_epoch", "ip.src", "ip.dst", "ip.checksum.status",
            "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status", "wg.type", "wg.handshake_ok",
            "wg.static", "wg.receiver_pubkey", "wg.timestamp.nanoseconds", "wg.counter", "icmp.type",
            "icmp.checksum.status");

    private TunnelPair pair;

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    /** What one run left behind, read after the device stopped. */
    private record Run(Path dir, Path pcap, Path keylog, String wirelabKey, String wireguardGoKey, long goRx, long goTx) {}

    private Run capture(TestInfo test, boolean wireguardGoInitiates) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "interop-captures", test.getTestMethod().orElseThrow().getName())
                .toAbsolutePath());
        Path pcap = dir.resolve("wirelab.pcap");
        Path keylog = dir.resolve("wirelab.keys");
        Files.deleteIfExists(pcap);
        Files.deleteIfExists(keylog);
        pair = TunnelPair.start(Implementation.wirelab(pcap, keylog), Implementation.WIREGUARD_GO,
                WireguardGoInteropTest.LOGS.resolve(test.getTestMethod().orElseThrow().getName()));
        if (wireguardGoInitiates) {
            pair.withBothEndpoints();
            assertEquals(PINGS, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, PINGS), "ping wireguard-go -> wirelab");
            assertEquals(PINGS, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, PINGS), "ping wirelab -> wireguard-go");
        } else {
            assertEquals(PINGS, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, PINGS), "ping wirelab -> wireguard-go");
            assertEquals(PINGS, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, PINGS), "ping wireguard-go -> wirelab");
        }
        // SIGTERM: the device flushes its capture and closes its key log on the way out.
        pair.left.stop();
        String log = pair.left.process().log();
        System.out.println("[capture] device log:\n" + log);
        assertTrue(log.contains("decrypt with: tshark -r " + pcap), "the device names the tshark command:\n" + log);
        // wireguard-go's counters: what it received is what wirelab sent, and the other way round.
        long[] go = pair.right.transfer(pair.left);
        return new Run(dir, pcap, keylog, pair.left.publicKey(), pair.right.publicKey(), go[0], go[1]);
    }

    private static Tshark.Result dissect(Run run, Path keylog) throws Exception {
        Tshark.Result result = Tshark.fields(run.pcap(), keylog, List.of(LEFT_PORT, RIGHT_PORT), FIELDS, run.dir());
        System.out.println("[capture] a person runs: " + Tshark.userCommand(run.pcap(), keylog, List.of(LEFT_PORT)));
        System.out.println("[capture] checked with: " + String.join(" ", result.commandLine()));
        for (Tshark.Frame f : result.frames()) {
            System.out.println("[capture] frame " + f.number() + " " + f.fields());
        }
        return result;
    }

    @Test
    void aSessionWirelabInitiatedDecryptsWithItsKeylog(TestInfo test) throws Exception {
        Run run = capture(test, false);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run.keylog())),
                "the key log is readable by its owner only");
        List<Tshark.Frame> frames = dissect(run, run.keylog()).frames();
        Map<String, Integer> counts = assertDecrypted(run, frames);
        Tshark.Frame initiation = frames.stream().filter(f -> "1".equals(f.one("wg.type"))).findFirst().orElseThrow();
        assertEquals(LEFT_UNDERLAY_V4, initiation.all("ip.src").getFirst(), "wirelab sent the first initiation");
        assertEquals(run.wirelabKey(), initiation.one("wg.static"), "the initiation's static decrypts to wirelab's key");

        // Negative control: the same capture with every private key in the log replaced by another.
        Path wrong = run.dir().resolve("wrong.keys");
        Files.write(wrong, scrambledPrivateKeys(run.keylog()), StandardCharsets.US_ASCII);
        List<Tshark.Frame> bad = dissect(run, wrong).frames();
        assertEquals(frames.size(), bad.size(), "the same frames are dissected");
        assertThrows(AssertionError.class, () -> assertDecrypted(run, bad), "wrong keys must fail the very same check");
        assertTrue(bad.stream().noneMatch(f -> f.isTrue("wg.handshake_ok")), "no handshake decrypts with wrong keys");
        assertTrue(bad.stream().allMatch(f -> f.all("icmp.type").isEmpty()), "no inner ICMP without the keys");
        System.out.println("[capture] wirelab initiated: " + counts + "; with wrong keys: 0 handshakes, 0 inner ICMP");
    }

    @Test
    void aSessionWireguardGoInitiatedDecryptsWithWirelabsResponderKeylog(TestInfo test) throws Exception {
        Run run = capture(test, true);
        List<Tshark.Frame> frames = dissect(run, run.keylog()).frames();
        Map<String, Integer> counts = assertDecrypted(run, frames);
        Tshark.Frame initiation = frames.stream().filter(f -> "1".equals(f.one("wg.type"))).findFirst().orElseThrow();
        assertEquals(RIGHT_UNDERLAY_V4, initiation.all("ip.src").getFirst(), "wireguard-go sent the first initiation");
        assertEquals(run.wireguardGoKey(), initiation.one("wg.static"),
                "wirelab's static private key opens wireguard-go's initiation");
        System.out.println("[capture] wireguard-go initiated: " + counts);
    }

    /**
     * Every frame is a WireGuard message between the two underlay endpoints with good checksums;
     * frames are in time order; every initiation decrypts (static and timestamp), every response has wg.handshake_ok, every
     * transport data packet that is not a keepalive holds an ICMP echo between the tunnel addresses,
     * PINGS requests and replies each way; and the captured bytes are what wireguard-go counted.
     *
     * @return frames per kind, for the report
     */
    private static Map<String, Integer> assertDecrypted(Run run, List<Tshark.Frame> frames) {
        Map<String, Integer> counts = new TreeMap<>();
        long sentBytes = 0;
        long receivedBytes = 0;
        java.math.BigDecimal previous = java.math.BigDecimal.ZERO;
        for (Tshark.Frame f : frames) {
            String where = "frame " + f.number();
            // Pings are a causal chain (request, then reply, then the next request): time order holds.
            java.math.BigDecimal time = new java.math.BigDecimal(f.one("frame.time_epoch"));
            assertTrue(time.compareTo(previous) >= 0, where + " at " + time + " is after the frame before, at " + previous);
            previous = time;
            boolean sent = LEFT_UNDERLAY_V4.equals(f.all("ip.src").getFirst());
            assertEquals(sent ? RIGHT_UNDERLAY_V4 : LEFT_UNDERLAY_V4, f.all("ip.dst").getFirst(), where + " outer ip.dst");
            assertEquals(String.valueOf(sent ? LEFT_PORT : RIGHT_PORT), f.one("udp.srcport"), where + " udp.srcport");
            assertEquals(String.valueOf(sent ? RIGHT_PORT : LEFT_PORT), f.one("udp.dstport"), where + " udp.dstport");
            assertEquals(CHECKSUM_GOOD, f.all("ip.checksum.status").getFirst(), where + " outer IPv4 checksum");
            assertEquals(CHECKSUM_GOOD, f.one("udp.checksum.status"), where + " UDP checksum");
            long payload = Long.parseLong(f.one("udp.length")) - 8;
            if (sent) {
                sentBytes += payload;
            } else {
                receivedBytes += payload;
            }
            String type = f.one("wg.type");
            assertNotNull(type, where + " dissected as WireGuard");
            switch (type) {
                case "1" -> {
                    assertEquals(sent ? run.wirelabKey() : run.wireguardGoKey(), f.one("wg.static"), where + " decrypted static");
                    assertNotNull(f.one("wg.timestamp.nanoseconds"), where + " decrypted timestamp");
                    counts.merge("initiation", 1, Integer::sum);
                }
                case "2" -> {
                    assertTrue(f.isTrue("wg.handshake_ok"), where + " wg.handshake_ok");
                    counts.merge("response (handshake_ok)", 1, Integer::sum);
                }
                case "4" -> {
                    List<String> src = f.all("ip.src");
                    if (src.size() == 1) {
                        // A keepalive: 16 bytes of header plus the 16-byte tag, nothing inside.
                        assertEquals(32, payload, where + " no inner packet, so a keepalive");
                        counts.merge("keepalive", 1, Integer::sum);
                        continue;
                    }
                    assertEquals(2, src.size(), where + " an inner IPv4 packet was decrypted: " + src);
                    String innerSrc = src.getLast();
                    String innerDst = f.all("ip.dst").getLast();
                    assertEquals(sent ? LEFT_TUNNEL_V4 : RIGHT_TUNNEL_V4, innerSrc, where + " inner ip.src");
                    assertEquals(sent ? RIGHT_TUNNEL_V4 : LEFT_TUNNEL_V4, innerDst, where + " inner ip.dst");
                    assertEquals(CHECKSUM_GOOD, f.all("ip.checksum.status").getLast(), where + " inner IPv4 checksum");
                    assertEquals(CHECKSUM_GOOD, f.one("icmp.checksum.status"), where + " ICMP checksum");
                    String icmp = f.one("icmp.type");
                    assertTrue("8".equals(icmp) || "0".equals(icmp), where + " an ICMP echo, got type " + icmp);
                    counts.merge(innerSrc + " -> " + innerDst + " icmp " + ("8".equals(icmp) ? "request" : "reply"), 1,
                            Integer::sum);
                }
                default -> throw new AssertionError(where + ": unexpected wg.type " + type);
            }
        }
        assertTrue(counts.getOrDefault("initiation", 0) >= 1, "an initiation: " + counts);
        assertTrue(counts.getOrDefault("response (handshake_ok)", 0) >= 1, "a response that decrypts: " + counts);
        for (String[] d : new String[][] {{LEFT_TUNNEL_V4, RIGHT_TUNNEL_V4}, {RIGHT_TUNNEL_V4, LEFT_TUNNEL_V4}}) {
            assertEquals(PINGS, counts.getOrDefault(d[0] + " -> " + d[1] + " icmp request", 0), "requests " + d[0] + " -> " + d[1]);
            assertEquals(PINGS, counts.getOrDefault(d[1] + " -> " + d[0] + " icmp reply", 0), "replies " + d[1] + " -> " + d[0]);
        }
        // Every datagram is in the capture: nothing in flight after the pings, none lost on a veth.
        assertEquals(run.goRx(), sentBytes, "bytes wirelab captured as sent == bytes wireguard-go received");
        assertEquals(run.goTx(), receivedBytes, "bytes wirelab captured as received == bytes wireguard-go sent");
        return counts;
    }

    /** The key log with each private key (static, ephemeral, preshared) replaced by its bitwise complement. */
    private static List<String> scrambledPrivateKeys(Path keylog) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(keylog, StandardCharsets.US_ASCII)) {
            int eq = line.indexOf(" = ");
            if (line.startsWith("REMOTE_STATIC_PUBLIC_KEY")) {
                out.add(line);
                continue;
            }
            byte[] key = Base64.getDecoder().decode(line.substring(eq + 3));
            for (int i = 0; i < key.length; i++) {
                key[i] = (byte) ~key[i];
            }
            out.add(line.substring(0, eq + 3) + Base64.getEncoder().encodeToString(key));
        }
        assertFalse(out.isEmpty(), "the key log has lines");
        return out;
    }
}
