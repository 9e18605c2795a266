package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** `wirelab run` and `wirelab suite`: exit codes, what they print, what they write (only under target/). */
class ScenarioCommandsTest {
    static final Path SUITE = Path.of("..", "simulator", "scenarios");
    static final Path BASIC = SUITE.resolve("basic-handshake.yaml");
    static final Path WORK = Path.of("target", "scenario-commands-test");
    static final Pattern SHA = Pattern.compile("trace-sha256: ([0-9a-f]{64})\n");

    static final String PASSING = """
            name: %s
            description: two hosts, one ping
            duration: 3s
            hosts:
              - {name: alice, endpoint: 192.0.2.1:51820, address: 10.0.0.1, peers: [{PublicKey: bob, Endpoint: bob}]}
              - {name: bob, endpoint: 192.0.2.2:51820, address: 10.0.0.2, peers: [{PublicKey: alice}]}
            traffic:
              - ping: {from: alice, to: bob, start: 1s}
            expect:
              - pings_delivered_at_least: {from: alice, percent: 100}
            """;

    @BeforeAll
    static void cleanWorkDirectory() throws IOException {
        if (Files.exists(WORK)) {
            try (var files = Files.walk(WORK)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(WORK);
    }

    static Path write(String name, String text) throws IOException {
        Path p = WORK.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    static String sha(String out) {
        Matcher m = SHA.matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    @Test
    void runPrintsEveryCheckTheHashAndTheReproducingCommand() {
        Run run = Run.wirelab("run", BASIC.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("scenario basic-handshake (" + BASIC + "), seed 1, 15 s simulated"), run.out());
        assertTrue(run.out().contains("  PASS pings_delivered_at_least alice 100%: 10 of 10 answered (100.0%)\n"), run.out());
        assertTrue(run.out().contains("all 8 expectations hold\n"), run.out());
        assertTrue(run.out().endsWith("reproduce: wirelab run " + BASIC + " --seed 1\n"), run.out());
        assertEquals("", run.err());
        assertEquals(sha(run.out()), sha(Run.wirelab("run", BASIC.toString()).out()), "same file and seed, same trace");
    }

    @Test
    void anotherSeedAnotherTraceAndTheTraceFileHashesToThePrintedHash() throws Exception {
        Path trace = WORK.resolve("basic-seed5.jsonl");
        Run run = Run.wirelab("run", BASIC.toString(), "--seed", "5", "--trace", trace.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("reproduce: wirelab run " + BASIC + " --seed 5\n"), run.out());
        assertNotEquals(sha(run.out()), sha(Run.wirelab("run", BASIC.toString()).out()));
        byte[] bytes = Files.readAllBytes(trace);
        assertTrue(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                .startsWith("{\"wirelab-trace\":1,\"scenario\":\"basic-handshake\",\"seed\":5,"));
        assertEquals(sha(run.out()), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    @Test
    void pcapAndKeylogFromARunDecryptInTshark() throws Exception {
        Path pcap = WORK.resolve("basic.pcap");
        Path keys = WORK.resolve("basic.keys");
        Run run = Run.wirelab("run", BASIC.toString(), "--pcap", pcap.toString(), "--keylog", keys.toString());
        assertEquals(0, run.exitCode(), run.err());
        String line = run.out().lines().filter(l -> l.startsWith("decrypt with: tshark ")).findFirst().orElseThrow(
                () -> new AssertionError("no tshark command printed:\n" + run.out()));
        List<String> command = new ArrayList<>(List.of(line.substring("decrypt with: ".length()).split(" ")));
        command.set(0, "/usr/bin/tshark");
        command.addAll(List.of("-n", "-T", "fields", "-e", "wg.type", "-e", "wg.handshake_ok", "-e", "icmp.type"));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String fields = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "tshark (installed by .ci/run) failed: " + String.join(" ", command));
        assertTrue(fields.lines().anyMatch(l -> l.startsWith("2\t1")), "a response with handshake_ok = 1:\n" + fields);
        assertTrue(fields.lines().anyMatch(l -> l.startsWith("4\t") && l.endsWith("\t8")), "a decrypted echo request:\n" + fields);
        assertTrue(fields.lines().noneMatch(l -> l.startsWith("2\t0")), "no response failed to decrypt:\n" + fields);
    }

    @Test
    void aFailedExpectationExitsOneAndIsNamed() throws IOException {
        Path file = write("failing.yaml", PASSING.formatted("failing").replace("duration: 3s", "duration: 3s\nseed: 9")
                + "  - event_count: {kind: wg.gave-up, min: 1}\n");
        Run run = Run.wirelab("run", file.toString());

        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.out().contains("  FAIL event_count wg.gave-up min 1: 0 found\n"), run.out());
        assertTrue(run.out().contains("1 of 2 expectations FAILED\n"), run.out());
        assertTrue(run.out().endsWith("reproduce: wirelab run " + file + " --seed 9\n"), run.out());
        assertEquals("wirelab run: 1 of 2 expectations failed in failing: event_count wg.gave-up min 1\n", run.err());
    }

    @Test
    void aBadFileExitsTwoWithItsLocationAndNoStackTrace() throws IOException {
        Path file = write("bad.yaml", PASSING.formatted("bad").replace("duration: 3s", "duration: 3 seconds"));
        Run run = Run.wirelab("run", file.toString());

        assertEquals(2, run.exitCode());
        assertEquals(file + ":3:11: duration: not a duration: '3 seconds' (write 90s, 2m, 500ms, 1.5s or 1m30s (units ns, us, ms, s, m, h))\n",
                run.err());
        assertEquals("", run.out());

        Run missing = Run.wirelab("run", WORK.resolve("nothing-here.yaml").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().startsWith(WORK.resolve("nothing-here.yaml") + ":0:0: cannot read the file: "), missing.err());
        assertFalse(missing.err().contains("\tat "), missing.err());

        Run badSeed = Run.wirelab("run", BASIC.toString(), "--seed", "x");
        assertEquals(2, badSeed.exitCode());
        assertTrue(badSeed.err().contains("Invalid value for option '--seed'"), badSeed.err());

        Run badTrace = Run.wirelab("run", BASIC.toString(), "--trace", WORK.resolve("no/such/dir/t.jsonl").toString());
        assertEquals(2, badTrace.exitCode());
        assertTrue(badTrace.err().startsWith("wirelab run: cannot write the trace to "), badTrace.err());
    }

    @Test
    void suiteRunsEveryFileWithProgressAndWritesJunitXml() throws Exception {
        Path dir = WORK.resolve("suite-mixed");
        write("suite-mixed/a-pass.yaml", PASSING.formatted("a-pass"));
        write("suite-mixed/b-fail.yaml", PASSING.formatted("b-fail") + "  - event_count: {kind: wg.gave-up, min: 1}\n");
        write("suite-mixed/c-pass.yaml", PASSING.formatted("c-pass"));
        write("suite-mixed/notes.txt", "not a scenario");
        Path xml = WORK.resolve("mixed.xml");
        Run run = Run.wirelab("suite", dir.toString(), "--junit", xml.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().startsWith("running 3 scenarios from " + dir + "\n"), run.out());
        assertTrue(run.out().contains("[1/3] pass    a-pass ("), run.out());
        assertTrue(run.out().contains("[2/3] FAIL    b-fail ("), run.out());
        assertTrue(run.out().contains("    FAIL event_count wg.gave-up min 1: 0 found\n    seed 1, reproduce: wirelab run "
                + dir.resolve("b-fail.yaml") + " --seed 1\n"), run.out());
        assertTrue(run.out().contains("3 scenarios: 2 passed, 1 failed, 0 invalid"), run.out());
        assertEquals("wirelab suite: 1 scenarios failed: b-fail\n", run.err());

        Element suite = junit(xml);
        assertEquals("3", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("0", suite.getAttribute("errors"));
        Element failing = (Element) suite.getElementsByTagName("testcase").item(1);
        assertEquals("b-fail", failing.getAttribute("name"));
        Element failure = (Element) failing.getElementsByTagName("failure").item(0);
        assertEquals("FAIL event_count wg.gave-up min 1: 0 found", failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("trace-sha256: "), failure.getTextContent());
    }

    @Test
    void aSuiteWithAnInvalidFileRunsTheRestAndExitsTwo() throws Exception {
        Path dir = WORK.resolve("suite-invalid");
        write("suite-invalid/good.yaml", PASSING.formatted("good"));
        write("suite-invalid/typo.yaml", PASSING.formatted("typo").replace("    address: 10.0.0.1", "    adress: 10.0.0.1")
                .replace("address: 10.0.0.1, peers", "adress: 10.0.0.1, peers"));
        Path xml = WORK.resolve("invalid.xml");
        Run run = Run.wirelab("suite", dir.toString(), "--junit", xml.toString());

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.out().contains("INVALID typo"), run.out());
        assertTrue(run.out().contains("    " + dir.resolve("typo.yaml") + ":5:46: hosts[0].adress: unknown key (did you mean 'address'?)"),
                run.out());
        assertTrue(run.out().contains("2 scenarios: 1 passed, 0 failed, 1 invalid"), run.out());
        Element suite = junit(xml);
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals(1, suite.getElementsByTagName("error").getLength());
    }

    @Test
    void shardsSplitTheSortedFilesAndBadShardsAreRefused() throws IOException {
        Path dir = WORK.resolve("suite-shards");
        for (String n : new String[] {"s1", "s2", "s3", "s4", "s5"}) {
            write("suite-shards/" + n + ".yaml", PASSING.formatted(n));
        }
        Run second = Run.wirelab("suite", dir.toString(), "--shard", "2/2", "--seed", "3");
        assertEquals(0, second.exitCode(), second.out() + second.err());
        assertTrue(second.out().startsWith("running 2 scenarios from " + dir + " (shard 2/2 of 5 files), seed 3\n"), second.out());
        assertTrue(second.out().contains("pass    s2 ") && second.out().contains("pass    s4 "), second.out());
        assertFalse(second.out().contains(" s1 ") || second.out().contains(" s3 ") || second.out().contains(" s5 "), second.out());

        for (String bad : new String[] {"3/2", "0/2", "2", "a/b", "1/0"}) {
            Run run = Run.wirelab("suite", dir.toString(), "--shard", bad);
            assertEquals(2, run.exitCode(), bad);
            assertEquals("wirelab suite: --shard wants I/N with 1 <= I <= N, such as 2/4; got '" + bad + "'\n", run.err());
        }
        Run empty = Run.wirelab("suite", WORK.resolve("suite-shards-none").toString());
        assertEquals(2, empty.exitCode());
    }

    @Test
    void helpExplainsTheExitStatus() {
        for (String command : new String[] {"run", "suite"}) {
            Run run = Run.wirelab(command, "--help");
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("Exit status:\n  0   every expectation"), run.out());
            assertTrue(run.out().contains("  2   bad input"), run.out());
        }
    }

    @Test
    void theBuiltInSuitePassesThroughTheCommand() throws NoSuchAlgorithmException {
        // One shard of four keeps this quick; SuiteTest in the simulator runs them all.
        Run run = Run.wirelab("suite", SUITE.toString(), "--shard", "1/4");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains(" 0 failed, 0 invalid"), run.out());
    }

    private static Element junit(Path xml) throws Exception {
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        Element root = d.getDocumentElement();
        assertEquals("testsuite", root.getTagName());
        return root;
    }
}
