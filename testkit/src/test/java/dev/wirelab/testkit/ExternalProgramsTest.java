package dev.wirelab.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * .ci/programs lists every external program that the code and its tests start, so that .ci/run can
 * check each one's Debian package is installed by it (a fresh machine has only what .ci/run installs;
 * a developer's may have more, which once hid a missing nftables). This test keeps the list true: a
 * new program started anywhere in the Java sources fails it until the list names it.
 */
class ExternalProgramsTest {
    /**
     * Literals that the scan finds where a program would be started and that name installed
     * programs, but that are not started there; keyed "file word", each with why.
     */
    private static final Map<String, String> NOT_STARTED = Map.of(
            "datapath/src/test/java/dev/wirelab/datapath/config/WgQuickReaderTest.java true",
            "a PreDown hook the reader parses; the test never runs it",
            "datapath/src/test/java/dev/wirelab/datapath/config/WgQuickReaderTest.java false",
            "a PostDown hook the reader parses; the test never runs it",
            "interop/src/test/java/dev/wirelab/interop/KernelWireguardTest.java false",
            "busybox's false, run in the VM's shell, not on the host",
            "interop/src/main/java/dev/wirelab/interop/Implementation.java java",
            "the JDK 25 that runs the build (.mvn/jdk25.sh), not a Debian package",
            "cli/src/main/java/dev/wirelab/cli/DeviceCommand.java java",
            "the JDK that runs wirelab itself starts the detached device");

    /** The scanner's own tests hold the shapes it finds as examples. */
    private static final Set<Path> NOT_SCANNED = Set.of(Path.of("testkit/src/test"));

    record Entry(String program, boolean optional, boolean indirect, int line) {
    }

    @Test
    void everyProgramTheCodeStartsIsOnTheList() throws IOException {
        Path root = root();
        Map<String, Entry> listed = read(root.resolve(".ci/programs"));
        List<ProgramScan.Use> uses = ProgramScan.scanTree(root, listed.keySet(), NOT_SCANNED);
        List<String> problems = unlisted(uses, listed.keySet());
        assertEquals(List.of(), problems, "programs started by the code but missing from .ci/programs");
        assertTrue(uses.size() >= 50, "the scan finds the code's starts (" + uses.size() + "), so it can fail");
    }

    @Test
    void everyListedProgramIsStartedSomewhere() throws IOException {
        Path root = root();
        Map<String, Entry> listed = read(root.resolve(".ci/programs"));
        Set<String> started = new TreeSet<>();
        ProgramScan.scanTree(root, listed.keySet(), NOT_SCANNED).forEach(u -> started.add(u.program()));
        List<String> stale = listed.values().stream().filter(e -> !e.indirect() && !started.contains(e.program()))
                .map(e -> ".ci/programs:" + e.line() + ": " + e.program() + " is started nowhere in the Java sources:"
                        + " remove it, or mark it indirect and say who starts it")
                .toList();
        assertEquals(List.of(), stale);
    }

    @Test
    void theScanFindsEachWayTheCodeStartsAProgramAndTheCheckNamesTheLine() {
        // A negative control: every shape below starts a program that is not listed.
        List<String> lines = List.of(
                "ns.run(\"nft\", \"list\", \"tables\");",
                "Command.tryRun(\"iptables\", \"-S\");",
                "Proc p = ns.start(List.of(\"frobnicate\", \"-i\", dev), log);",
                "new ProcessBuilder(\"xz\", \"-d\").start();",
                "argv.add(\"setsid\");",
                "String tool = compressed ? \"zstd\" : \"gzip\";",
                "private static final Path OTHER = Path.of(\"/usr/sbin/dumpcap\");",
                "// run(\"ignored\") in a comment",
                "List.of(\"ping\", \"udp_flow\")");
        Set<String> installed = Set.of("nft", "iptables", "frobnicate", "xz", "setsid", "zstd", "gzip", "ping", "ignored");
        List<ProgramScan.Use> uses = ProgramScan.scan(Path.of("Example.java"), lines, Set.of(), installed::contains);
        assertEquals(List.of("nft", "iptables", "frobnicate", "xz", "setsid", "zstd", "gzip", "dumpcap", "ping"),
                uses.stream().map(ProgramScan.Use::program).toList());
        assertEquals(List.of("Example.java:3: frobnicate is started here but not listed in .ci/programs: add it (and its"
                + " Debian package to PACKAGES in .ci/run), or to NOT_STARTED in ExternalProgramsTest if it is not started"),
                unlisted(uses, Set.of("nft", "iptables", "xz", "setsid", "zstd", "gzip", "dumpcap", "ping")));
        // A word that is no installed program is not a start: List.of("reference", …) names profiles.
        assertEquals(List.of(), ProgramScan.scan(Path.of("Example.java"), List.of("List.of(\"reference\", \"x\")"),
                Set.of(), installed::contains));
    }

    @Test
    void aMalformedListNamesItsLine(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("programs");
        Files.writeString(file, "# comment\nwg   # keys\nnft optinal # typo\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> read(file));
        assertEquals(file + ":3: unknown flag 'optinal' (optional, indirect, fetched)", e.getMessage());
        Files.writeString(file, "wg\nwg optional\n");
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> read(file));
        assertEquals(file + ":2: wg is listed twice (first on line 1)", e.getMessage());
    }

    /** One message per start of a program that is neither listed nor declared not started. */
    static List<String> unlisted(List<ProgramScan.Use> uses, Set<String> listed) {
        List<String> problems = new ArrayList<>();
        for (ProgramScan.Use u : uses) {
            if (!listed.contains(u.program()) && !NOT_STARTED.containsKey(u.file() + " " + u.program())) {
                problems.add(u.file() + ":" + u.line() + ": " + u.program() + " is started here but not listed in"
                        + " .ci/programs: add it (and its Debian package to PACKAGES in .ci/run), or to NOT_STARTED in"
                        + " ExternalProgramsTest if it is not started");
            }
        }
        return problems;
    }

    /** .ci/programs: "PROGRAM [optional] [indirect] [fetched]  # why", comments and blank lines ignored. */
    static Map<String, Entry> read(Path file) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            boolean optional = false;
            boolean indirect = false;
            for (int w = 1; w < words.length; w++) {
                switch (words[w]) {
                    case "optional" -> optional = true;
                    case "indirect" -> indirect = true;
                    case "fetched" -> { } // .ci/run's business: where it comes from, not who starts it
                    default -> throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown flag '" + words[w]
                            + "' (optional, indirect, fetched)");
                }
            }
            Entry previous = entries.putIfAbsent(words[0], new Entry(words[0], optional, indirect, i + 1));
            if (previous != null) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + words[0] + " is listed twice (first on line "
                        + previous.line() + ")");
            }
        }
        return entries;
    }

    /** The repository root: the nearest directory up from the module's that holds .ci/programs. */
    static Path root() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve(".ci/programs"))) {
                return d;
            }
        }
        throw new IllegalStateException("no .ci/programs above " + Path.of("").toAbsolutePath());
    }
}
