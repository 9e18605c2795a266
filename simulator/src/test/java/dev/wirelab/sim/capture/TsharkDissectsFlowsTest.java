package dev.wirelab.sim.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.capture.Tshark;
import dev.wirelab.sim.scenario.Scenario;
import dev.wirelab.sim.scenario.ScenarioFile;
import dev.wirelab.sim.scenario.ScenarioRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The UDP programs' packets, checked by Wireshark: the request-response scenario's capture is
 * decrypted with its key log, and every transport data packet that is not a keepalive must hold an
 * inner IPv4 or IPv6 packet whose UDP checksum (and IPv4 header checksum) Wireshark finds good,
 * between the two hosts' tunnel addresses, on the flows' ports.
 */
class TsharkDissectsFlowsTest {
    private static final String CHECKSUM_GOOD = "1";
    private static final List<String> FIELDS = List.of("frame.number", "ip.src", "ip.dst", "ip.checksum.status", "ipv6.src",
            "ipv6.dst", "udp.srcport", "udp.dstport", "udp.length", "udp.checksum.status", "wg.type");

    @Test
    void everyInnerUdpPacketOfTheRequestResponseScenarioDissectsWithGoodChecksums() throws Exception {
        Path work = Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "fixtures"));
        Scenario scenario = ScenarioFile.read(Path.of("scenarios", "request-response.yaml"));
        SimCapture[] capture = new SimCapture[1];
        ScenarioRun.Result result = ScenarioRun.run(scenario, scenario.seed(), null, sim -> capture[0] = SimCapture.attach(sim));
        assertTrue(result.passed(), () -> result.failures().toString());
        Path pcap = work.resolve("request-response.pcap");
        Path keylog = work.resolve("request-response.keys");
        capture[0].writePcap(pcap);
        capture[0].writeKeylog(keylog);

        List<Tshark.Frame> frames = Tshark.fields(pcap, keylog, List.of(51820), FIELDS, work).frames();
        int v4 = 0;
        int v6 = 0;
        for (Tshark.Frame f : frames) {
            String where = "frame " + f.number();
            List<String> udpChecksums = f.all("udp.checksum.status");
            assertEquals(CHECKSUM_GOOD, udpChecksums.getFirst(), where + " outer UDP checksum");
            if (!"4".equals(f.one("wg.type")) || udpChecksums.size() == 1) {
                continue; // a handshake message or a keepalive: no inner packet
            }
            assertEquals(2, udpChecksums.size(), where + " one inner UDP datagram");
            assertEquals(CHECKSUM_GOOD, udpChecksums.getLast(), where + " inner UDP checksum");
            List<String> ports = List.of(f.all("udp.srcport").getLast(), f.all("udp.dstport").getLast());
            assertTrue(ports.contains("53") || ports.contains("8080"), where + " the flows' ports: " + ports);
            if (f.all("ipv6.src").isEmpty()) {
                assertEquals(2, f.all("ip.src").size(), where + " an inner IPv4 packet");
                assertEquals(CHECKSUM_GOOD, f.all("ip.checksum.status").getLast(), where + " inner IPv4 header checksum");
                assertEquals(Set.of("10.0.0.1", "10.0.0.2"), Set.of(f.all("ip.src").getLast(), f.all("ip.dst").getLast()), where);
                v4++;
            } else {
                assertEquals(Set.of("fd00::1", "fd00::2"), Set.of(f.one("ipv6.src"), f.one("ipv6.dst")), where);
                v6++;
            }
        }
        // 100 requests and responses over IPv4, 40 over IPv6: each one a frame at its receiver.
        assertEquals(200, v4, "inner IPv4 UDP packets");
        assertEquals(80, v6, "inner IPv6 UDP packets");
    }
}
