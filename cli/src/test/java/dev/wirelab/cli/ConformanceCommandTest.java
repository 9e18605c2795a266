package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.conformance.Checks;
import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `wirelab conformance` as a user meets it: the list of checks, refusals of unknown names, and one
 * real check against wirelab's device with its Markdown and JUnit reports, which link the cell's capture
 * and key log (needs root, as in CI).
 */
class ConformanceCommandTest {
    @TempDir
    Path dir;

    @Test
    void listsEveryCheckWithWhatItDoes() {
        Run r = Run.wirelab("conformance", "--list");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(Checks.all().size(), r.out().lines().count());
        assertTrue(r.out().contains("replay-window-edges"), r.out());
    }

    @Test
    void unknownTargetsAndChecksAreRefusedWithTheKnownOnesNamed() {
        Run target = Run.wirelab("conformance", "--target", "boringtun");
        assertEquals(2, target.exitCode());
        assertTrue(target.err().contains("unknown target 'boringtun': use wirelab, wirelab:PROFILE"), target.err());
        Run check = Run.wirelab("conformance", "--only", "no-such-check");
        assertEquals(2, check.exitCode());
        assertTrue(check.err().contains("wirelab conformance --list"), check.err());
    }

    @Test
    @NeedsRoot("network namespaces and TUN devices")
    void oneCheckAgainstWirelabWritesTheMatrixAsMarkdownAndJunit() throws Exception {
        Path md = dir.resolve("m.md");
        Path xml = dir.resolve("j.xml");
        Run r = Run.wirelab("conformance", "--target", "wirelab", "--only", "older-tai64n-ignored", "--markdown",
                md.toString(), "--junit", xml.toString(), "--logs", dir.resolve("logs").toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("[wirelab 1/1] older-tai64n-ignored: PASS"), "progress per check: " + r.err());
        assertTrue(Files.readString(md).contains("| `older-tai64n-ignored` | **PASS**"), Files.readString(md));
        // The cell's evidence, linked from beside the report.
        Path cell = dir.resolve("logs").resolve("wirelab").resolve("older-tai64n-ignored");
        assertTrue(Files.readString(md).contains(" [pcap](./logs/wirelab/older-tai64n-ignored/capture.pcap) [keys]"
                + "(./logs/wirelab/older-tai64n-ignored/keys.log) |"), Files.readString(md));
        assertTrue(Files.size(cell.resolve("capture.pcap")) > 24, "frames after the pcap header");
        assertTrue(Files.readString(cell.resolve("keys.log")).startsWith("LOCAL_STATIC_PRIVATE_KEY = "));
        String junit = Files.readString(xml);
        assertTrue(junit.contains("name=\"older-tai64n-ignored\"") && junit.contains("failures=\"0\""), junit);
        assertTrue(junit.contains("capture " + cell.resolve("capture.pcap").toAbsolutePath()), junit);
    }
}
