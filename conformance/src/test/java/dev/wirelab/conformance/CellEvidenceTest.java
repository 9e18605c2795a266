package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wirelab.capture.Tshark;
import dev.wirelab.mutants.Mutants;
import dev.wirelab.testkit.NeedsRoot;
import dev.wirelab.viz.VizServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two real cells and what they leave behind. A failing one: the mutant that does not pad, on
 * padding-to-16 (the harness initiates, so its key log holds the initiator's keys); and a passing one:
 * wirelab on handshake-target-initiates (the harness responds, so it holds the responder's); and
 * older-tai64n-ignored, whose initiations the check crafts outside the harness's Device. The
 * Markdown report links each cell's capture and key log; followed from the report, they decrypt in
 * tshark (handshakes and every transport packet down to the inner ICMP) and in the visualizer's
 * capture section, through the HTTP call its page makes. An empty key log decrypts nothing in
 * either, so the checks can tell.
 */
@NeedsRoot("network namespaces, TUN devices, and wirelab devices (one with a mutant agent) as conformance targets")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CellEvidenceTest {
    private static final Path OUT = Path.of("target", "cell-evidence").toAbsolutePath();
    private static final Path REPORTS = OUT.resolve("reports");
    private static final List<String> FIELDS = List.of("frame.number", "ip.src", "ip.dst", "udp.length", "wg.type",
            "wg.static", "wg.handshake_ok", "wg.keepalive", "icmp.type");
    private static final Pattern LINKS = Pattern.compile("\\[pcap]\\(([^)]+)\\) \\[keys]\\(([^)]+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckResult failing;
    private CheckResult responder;
    private CheckResult crafted;
    private String markdown;
    private VizServer viz;

    @BeforeAll
    void runTwoCells() throws Exception {
        Path logs = OUT.resolve("logs");
        Target mutant = MutantTarget.of(Mutants.named("no-padding").orElseThrow(), OUT);
        try {
            failing = Conformance.runOne(mutant, check("padding-to-16"), logs);
        } finally {
            mutant.close();
        }
        Target wirelab = Conformance.target("wirelab");
        try {
            responder = Conformance.runOne(wirelab, check("handshake-target-initiates"), logs);
            crafted = Conformance.runOne(wirelab, check("older-tai64n-ignored"), logs);
        } finally {
            wirelab.close();
        }
        System.out.println("[evidence] " + failing + "\n[evidence] " + responder + "\n[evidence] " + crafted);
        assertEquals(CheckResult.Status.FAIL, failing.status(), "the mutant that does not pad fails padding-to-16: " + failing);
        assertEquals(CheckResult.Status.PASS, responder.status(), responder.toString());
        assertEquals(CheckResult.Status.PASS, crafted.status(), crafted.toString());
        markdown = Conformance.markdown(List.of(failing, responder, crafted), List.of(check("padding-to-16"),
                check("handshake-target-initiates"), check("older-tai64n-ignored")), REPORTS);
        Files.createDirectories(REPORTS);
        Files.writeString(REPORTS.resolve("matrix.md"), markdown);
        viz = new VizServer().start("127.0.0.1", 0);
    }

    @AfterAll
    void stopViz() {
        if (viz != null) {
            viz.close();
        }
    }

    @Test
    void theFailingCellsCaptureDecryptsInTsharkAndShowsTheFault() throws Exception {
        Evidence e = followLinks(failing);
        List<Tshark.Frame> frames = dissect(e, e.keylog());
        Map<String, Integer> counts = assertEveryMessageDecrypts(frames);
        Tshark.Frame initiation = frames.stream().filter(f -> "1".equals(f.one("wg.type"))).findFirst().orElseThrow();
        assertEquals(Lab.HARNESS_UNDERLAY, initiation.one("ip.src"), "the harness initiated");
        assertTrue(counts.getOrDefault("198.51.100.1 -> 198.51.100.2 icmp 8", 0) >= 17, "the harness's echo requests: " + counts);
        assertTrue(counts.getOrDefault("198.51.100.2 -> 198.51.100.1 icmp 0", 0) >= 17, "the target's echo replies: " + counts);
        // What the cell failed on is there to see: transport datagrams from the target that are not 32 + 16n bytes.
        assertTrue(frames.stream().anyMatch(f -> "4".equals(f.one("wg.type")) && Lab.TARGET_UNDERLAY.equals(f.all("ip.src").getFirst())
                && (Integer.parseInt(f.one("udp.length")) - 8 - 32) % 16 != 0), "an unpadded datagram from the target");

        List<Tshark.Frame> sealed = dissect(e, emptyKeylog());
        assertEquals(frames.size(), sealed.size());
        assertTrue(sealed.stream().noneMatch(f -> f.isTrue("wg.handshake_ok") || !f.all("icmp.type").isEmpty()),
                "without the key log nothing decrypts");
    }

    @Test
    void theHarnessAsResponderLogsKeysThatOpenTheTargetsHandshake() throws Exception {
        Evidence e = followLinks(responder);
        List<Tshark.Frame> frames = dissect(e, e.keylog());
        Map<String, Integer> counts = assertEveryMessageDecrypts(frames);
        Tshark.Frame initiation = frames.stream().filter(f -> "1".equals(f.one("wg.type"))).findFirst().orElseThrow();
        assertEquals(Lab.TARGET_UNDERLAY, initiation.one("ip.src"), "the target initiated");
        String targetKey = Files.readAllLines(e.keylog()).stream().filter(l -> l.startsWith("REMOTE_STATIC_PUBLIC_KEY = "))
                .findFirst().orElseThrow().substring("REMOTE_STATIC_PUBLIC_KEY = ".length());
        assertEquals(targetKey, initiation.one("wg.static"), "the harness's static private key opens the target's initiation");
        assertTrue(counts.getOrDefault("198.51.100.2 -> 198.51.100.1 icmp 8", 0) >= 3, "the target's pings: " + counts);
        assertTrue(counts.getOrDefault("198.51.100.1 -> 198.51.100.2 icmp 0", 0) >= 3, "the harness's replies: " + counts);
    }

    @Test
    void initiationsTheCheckCraftedAndTheTargetsResponsesDecrypt() throws Exception {
        Evidence e = followLinks(crafted);
        List<Tshark.Frame> frames = dissect(e, e.keylog());
        Map<String, Integer> counts = assertEveryMessageDecrypts(frames);
        // Now, 30 s older (ignored), newer: three initiations, two answered.
        assertEquals(3, counts.get("type 1"), counts.toString());
        assertEquals(2, counts.get("type 2"), counts.toString());
        String harnessKey = Files.readAllLines(e.keylog()).stream().filter(l -> l.startsWith("LOCAL_STATIC_PRIVATE_KEY = "))
                .map(l -> dev.wirelab.engine.crypto.Crypto.fastest().x25519().publicKey(dev.wirelab.engine.crypto.PrivateKey
                        .fromBase64(l.substring("LOCAL_STATIC_PRIVATE_KEY = ".length()))).base64()).distinct().findFirst().orElseThrow();
        assertTrue(frames.stream().filter(f -> "1".equals(f.one("wg.type"))).allMatch(f -> harnessKey.equals(f.one("wg.static"))),
                "each initiation opens to the harness's static key");
    }

    @Test
    void eachCellsCaptureOpensAndDecryptsInTheVisualizersCaptureSection() throws Exception {
        for (CheckResult cell : List.of(failing, responder, crafted)) {
            Evidence e = followLinks(cell);
            JsonNode loaded = openInViz(e, Files.readString(e.keylog()));
            List<Tshark.Frame> frames = dissect(e, e.keylog());
            String where = cell.target() + " " + cell.check() + ": ";
            assertEquals(frames.size(), loaded.get("frames").asInt(), where + "the frames tshark reads");
            assertEquals(frames.size(), loaded.get("wireguardMessages").asInt(), where + "every frame is a WireGuard message");
            assertEquals(frames.size(), loaded.get("decrypted").asInt(), where + "and every one decrypts: " + reasons(loaded));
            for (int i = 0; i < frames.size(); i++) {
                assertEquals(Integer.parseInt(frames.get(i).one("wg.type")), loaded.get("rows").get(i).get("type").asInt(),
                        where + "frame " + (i + 1));
            }
            if (cell != crafted) {
                assertTrue(loaded.get("rows").findValuesAsText("summary").stream().anyMatch(s -> s.contains("ICMP 198.51.100.2 → 198.51.100.1")),
                        where + "an inner ICMP packet from the target, decrypted");
            }
            assertEquals(0, openInViz(e, "").get("decrypted").asInt(), where + "without the key log nothing decrypts");
        }
    }

    @Test
    void theFailingTestcaseInJunitNamesItsCapture() throws Exception {
        Path xml = REPORTS.resolve("matrix.xml");
        Conformance.writeJunit(List.of(failing, responder), xml);
        String junit = Files.readString(xml);
        assertTrue(junit.contains("</failure><system-out>capture " + failing.evidence().pcap() + ", key log "
                + failing.evidence().keylog()), junit);
    }

    /** The cell's two links in the Markdown report, followed from the report's directory to files that exist. */
    private Evidence followLinks(CheckResult cell) {
        String row = markdown.lines().filter(l -> l.startsWith("| `" + cell.check() + "` |")).findFirst().orElseThrow();
        Matcher m = LINKS.matcher(row);
        assertTrue(m.find(), "the cell links its capture and key log: " + row);
        Evidence linked = new Evidence(REPORTS.resolve(URI.create(m.group(1)).getPath()).normalize(),
                REPORTS.resolve(URI.create(m.group(2)).getPath()).normalize());
        assertEquals(cell.evidence(), linked, row);
        assertTrue(Files.isRegularFile(linked.pcap()) && Files.isRegularFile(linked.keylog()), linked.toString());
        return linked;
    }

    private static List<Tshark.Frame> dissect(Evidence e, Path keylog) throws Exception {
        System.out.println("[evidence] a person runs: " + e.tsharkCommand());
        // tshark's profile and stderr go beside the reports, not into the cell's directory.
        return Tshark.fields(e.pcap(), keylog, List.of(Lab.TARGET_PORT), FIELDS, Files.createDirectories(OUT.resolve("tshark")))
                .frames();
    }

    /**
     * Every frame is a WireGuard message; every initiation's static key and timestamp decrypt, every
     * response is handshake_ok, every transport packet is a keepalive or holds an ICMP echo.
     *
     * @return frames by kind, with inner packets as "SRC -> DST icmp TYPE"
     */
    private static Map<String, Integer> assertEveryMessageDecrypts(List<Tshark.Frame> frames) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Tshark.Frame f : frames) {
            String where = "frame " + f.number() + " " + f.fields();
            String type = f.one("wg.type");
            assertNotNull(type, where);
            switch (type) {
                case "1" -> assertNotNull(f.one("wg.static"), where + ": the initiation decrypts");
                case "2" -> assertTrue(f.isTrue("wg.handshake_ok"), where + ": the response decrypts");
                case "4" -> {
                    if (f.one("wg.keepalive") == null) {
                        List<String> src = f.all("ip.src");
                        assertEquals(2, src.size(), where + ": an inner packet");
                        counts.merge(src.getLast() + " -> " + f.all("ip.dst").getLast() + " icmp " + f.one("icmp.type"), 1, Integer::sum);
                    }
                }
                default -> throw new AssertionError(where + ": a message type the harness's exchange does not have");
            }
            counts.merge("type " + type, 1, Integer::sum);
        }
        System.out.println("[evidence] " + counts);
        assertTrue(counts.containsKey("type 1") && counts.containsKey("type 2"), "a handshake: " + counts);
        return counts;
    }

    /** The same request the page's capture section makes when a person picks the two files. */
    private JsonNode openInViz(Evidence e, String keylog) throws Exception {
        String body = JSON.writeValueAsString(Map.of("pcapName", e.pcap().getFileName().toString(),
                "pcap", Base64.getEncoder().encodeToString(Files.readAllBytes(e.pcap())),
                "keylogName", e.keylog().getFileName().toString(), "keylog", keylog));
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + viz.port() + "/api/capture")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static List<String> reasons(JsonNode loaded) {
        return loaded.get("rows").findValuesAsText("reason").stream().distinct().toList();
    }

    private static Path emptyKeylog() throws Exception {
        Path empty = OUT.resolve("empty.keys");
        Files.writeString(empty, "");
        return empty;
    }

    private static Check check(String name) {
        return Checks.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
