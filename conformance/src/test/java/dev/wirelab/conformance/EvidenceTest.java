package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.capture.Tshark;
import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.crypto.PublicKey;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell's evidence without a lab: the capture holds what the harness sent and received, both ways,
 * in time order, with the harness's and the target's addresses and ports and wall-clock times (read
 * back by tshark); the key log holds the blocks as Wireshark reads them; the Markdown links both
 * relative to the report, and the JUnit XML names them. CellEvidenceTest does it with real targets.
 */
class EvidenceTest {
    private static final String STATIC = "AKeZaHwBxjiKLFnkY2unvEdOTtg4AL+M9dQXfopFVFk=";
    private static final PublicKey TARGET_KEY = PublicKey.fromBase64("YDCttCs9e1J52/g9vEnwJJa+2x6RqaayAYMpSVQfGEY=");
    private static final String EPHEMERAL = "sLGLJSOQfyz7JNJ5ZDzFf3Uz1rkiCMMjbWerNYcPFFU=";
    private static final Check CHECK = Checks.all().getFirst();

    @TempDir
    Path dir;

    @Test
    void theCaptureHasBothDirectionsInTimeOrderWithRealAddressesAndTimes() throws Exception {
        long t = System.nanoTime();
        InetSocketAddress target = Lab.TARGET_ENDPOINT;
        // Lengths tell the datagrams apart in tshark's output; the roaming port is another local port.
        List<Datagram> sent = List.of(new Datagram(t, target, Lab.HARNESS_PORT, new byte[148]),
                new Datagram(t + 3_000_000, target, Lab.HARNESS_PORT + 1, new byte[32]));
        List<Datagram> received = List.of(new Datagram(t + 1_000_000, target, Lab.HARNESS_PORT, new byte[92]),
                new Datagram(t + 2_000_000, new InetSocketAddress("192.0.2.9", 4444), Lab.HARNESS_PORT, new byte[64]));
        long before = System.currentTimeMillis();
        Evidence e = Evidence.write(dir.resolve("cell"), InetAddress.getByName(Lab.HARNESS_UNDERLAY), received, sent,
                List.of(new WireGuardKeylog().handshake(TARGET_KEY, STATIC, EPHEMERAL, null)));

        assertEquals(dir.resolve("cell").resolve("capture.pcap").toAbsolutePath(), e.pcap());
        List<Tshark.Frame> frames = Tshark.fields(e.pcap(), e.keylog(), List.of(), List.of("frame.time_epoch", "ip.src",
                "ip.dst", "udp.srcport", "udp.dstport", "udp.length"), dir).frames();
        assertEquals(List.of("192.0.2.1:51820 > 192.0.2.2:51821 148", "192.0.2.2:51821 > 192.0.2.1:51820 92",
                "192.0.2.9:4444 > 192.0.2.1:51820 64", "192.0.2.1:51821 > 192.0.2.2:51821 32"),
                frames.stream().map(f -> f.one("ip.src") + ":" + f.one("udp.srcport") + " > " + f.one("ip.dst") + ":"
                        + f.one("udp.dstport") + " " + (Integer.parseInt(f.one("udp.length")) - 8)).toList());
        BigDecimal first = new BigDecimal(frames.getFirst().one("frame.time_epoch"));
        // Within a second of when it was written (the datagrams were stamped just before).
        assertTrue(Math.abs(first.doubleValue() * 1000 - before) < 1000, first + " is not near " + before + " ms");
        assertEquals(new BigDecimal("0.003000000"), new BigDecimal(frames.getLast().one("frame.time_epoch")).subtract(first),
                "the gaps between the datagrams are kept to the nanosecond");
        assertEquals("LOCAL_STATIC_PRIVATE_KEY = " + STATIC + "\nREMOTE_STATIC_PUBLIC_KEY = " + TARGET_KEY.base64()
                + "\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + EPHEMERAL + "\n", Files.readString(e.keylog()));
    }

    @Test
    void theMarkdownLinksEachCellsCaptureAndKeysRelativeToTheReport() throws Exception {
        Path logs = dir.resolve("my run").resolve("logs");
        Evidence e = Evidence.write(Conformance.cellDirectory(logs, "wirelab:boringtun", CHECK.name()),
                InetAddress.getByName(Lab.HARNESS_UNDERLAY), List.of(), List.of(), List.of());
        CheckResult withEvidence = new CheckResult(CHECK.name(), "wirelab:boringtun", CheckResult.Status.FAIL, "m", "d", 1, e);
        CheckResult without = new CheckResult(CHECK.name(), "kernel", CheckResult.Status.ERROR, "harness error", "no VM", 1, null);

        String beside = Conformance.markdown(List.of(withEvidence, without), List.of(CHECK), dir.resolve("my run"));
        // "./" first: a link that began "wirelab:" would be a URL of the scheme "wirelab".
        String cell = "/" + CHECK.name();
        assertTrue(beside.contains(" [pcap](./logs/wirelab:boringtun" + cell + "/capture.pcap) [keys](./logs/wirelab:boringtun"
                + cell + "/keys.log) |"), beside);
        assertTrue(beside.contains("**ERROR** harness error (no VM) |"), "no links where the lab never started: " + beside);
        String elsewhere = Conformance.markdown(List.of(withEvidence), List.of(CHECK), dir.resolve("reports"));
        String link = "../my%20run/logs/wirelab:boringtun" + cell + "/capture.pcap";
        assertTrue(elsewhere.contains("[pcap](" + link + ")"), elsewhere);
        assertEquals(e.pcap(), dir.resolve("reports").resolve(java.net.URI.create(link).getPath()).normalize(),
                "the link, followed from the report's directory, reaches the capture");
    }

    @Test
    void aFailingTestcaseNamesItsCaptureKeyLogAndTheTsharkCommand() throws Exception {
        Evidence e = Evidence.write(dir.resolve("cell"), InetAddress.getByName(Lab.HARNESS_UNDERLAY), List.of(), List.of(),
                List.of());
        Path xml = dir.resolve("j.xml");
        Conformance.writeJunit(List.of(new CheckResult("padding-to-16", "mutant:no-padding", CheckResult.Status.FAIL,
                "lengths 61", "not padded", 1, e), new CheckResult("padding-to-16", "kernel", CheckResult.Status.ERROR,
                "harness error", "no VM", 1, null)), xml);
        String junit = Files.readString(xml);
        assertTrue(junit.contains("<failure message=\"not padded\">lengths 61</failure><system-out>capture " + e.pcap()
                + ", key log " + e.keylog() + ": open both in the visualizer's capture section (`wirelab serve`), or run tshark -r "
                + e.pcap() + " -o wg.keylog_file:" + e.keylog() + " -d udp.port==51821,wg</system-out>"), junit);
        assertTrue(junit.contains("<error message=\"no VM\"/></testcase>"), "no evidence, no system-out: " + junit);
        assertFalse(junit.contains("null"), junit);
    }
}
