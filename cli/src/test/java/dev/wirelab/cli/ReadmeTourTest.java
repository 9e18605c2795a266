package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's tour stays true: every `./wirelab …` command in it (those without sudo) runs here, in
 * process, and must exit 0 and print the line README shows under it. A README line is a prefix of
 * the output line it stands for, so that a time printed after it (a suite's duration) may vary.
 */
class ReadmeTourTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Options whose value is a file the command writes: redirected into the test's directory. */
    private static final Set<String> OUTPUTS = Set.of("--pcap", "--keylog", "--junit", "--trace");

    @TempDir
    Path scratch;

    /** One command of the tour and the lines README says it prints. */
    record Step(String command, List<String> shows) {}

    @TestFactory
    Stream<DynamicTest> everyTourCommandRunsAndPrintsWhatReadmeShows() throws IOException {
        List<Step> steps = tour(Files.readString(ROOT.resolve("README.md")));
        List<Step> runnable = steps.stream().filter(s -> s.command().startsWith("./wirelab")).toList();
        assertTrue(runnable.size() >= 4, "README's tour has " + runnable.size() + " commands without sudo: " + steps);
        assertTrue(steps.stream().anyMatch(s -> s.command().startsWith("sudo ./wirelab conformance")),
                "the tour shows conformance against one's own implementation");
        return runnable.stream().map(step -> DynamicTest.dynamicTest(step.command(), () -> run(step)));
    }

    @org.junit.jupiter.api.Test
    void aLineTheCommandDoesNotPrintFailsTheTour() {
        List<Step> steps = tour("x\n## A short tour\n```\n./wirelab version\n```\n```\nwirelab 9.9.9 from nowhere\n```\n## Next\n");
        assertEquals(List.of(new Step("./wirelab version", List.of("wirelab 9.9.9 from nowhere"))), steps);
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> run(steps.getFirst()));
    }

    private void run(Step step) throws IOException {
        assertTrue(!step.shows().isEmpty(), "README shows no output under `" + step.command() + "`: add a line of what it prints");
        List<String> args = new ArrayList<>();
        List<String> words = List.of(step.command().split(" +"));
        for (int i = 1; i < words.size(); i++) {
            String w = words.get(i);
            if (OUTPUTS.contains(words.get(i - 1))) {
                args.add(scratch.resolve(w).toString());
            } else if (!w.startsWith("-") && Files.exists(ROOT.resolve(w))) {
                args.add(ROOT.resolve(w).toString()); // README's paths are from the repository's root
            } else {
                args.add(w);
            }
        }
        // Bare `./wirelab` serves the page: here on a free port (7070 may be taken) and only until it printed.
        Run run = args.isEmpty() ? Run.serving((server, url) -> { }) : Run.wirelab(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), step.command() + " failed:\n" + run.out() + run.err());
        List<String> printed = (run.out() + "\n" + run.err()).lines().map(String::strip)
                .map(l -> args.isEmpty() ? l.replaceFirst("http://127\\.0\\.0\\.1:\\d+/", "http://127.0.0.1:7070/") : l)
                .toList();
        for (String line : step.shows()) {
            assertTrue(printed.stream().anyMatch(p -> p.startsWith(line.strip())),
                    "README says `" + step.command() + "` prints\n  " + line + "\nbut it printed:\n" + String.join("\n", printed));
        }
    }

    /** The tour's commands, each with the lines of the code block right after its own (its output). */
    static List<Step> tour(String readme) {
        int start = readme.indexOf("\n## A short tour");
        assertTrue(start >= 0, "README has a section '## A short tour'");
        int end = readme.indexOf("\n## ", start + 1);
        List<List<String>> blocks = new ArrayList<>();
        List<String> block = null;
        for (String line : readme.substring(start, end < 0 ? readme.length() : end).lines().toList()) {
            if (line.startsWith("```")) {
                if (block == null) {
                    block = new ArrayList<>();
                } else {
                    blocks.add(block);
                    block = null;
                }
            } else if (block != null) {
                block.add(line);
            }
        }
        List<Step> steps = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            List<String> lines = blocks.get(b);
            if (lines.isEmpty() || !isCommand(lines.getFirst())) {
                continue;
            }
            List<String> shows = b + 1 < blocks.size() && !blocks.get(b + 1).isEmpty() && !isCommand(blocks.get(b + 1).getFirst())
                    ? blocks.get(b + 1) : List.of();
            for (int i = 0; i < lines.size(); i++) {
                // The output block belongs to the block's last command.
                steps.add(new Step(lines.get(i).strip(), i == lines.size() - 1 ? shows : List.of()));
            }
        }
        return steps;
    }

    private static boolean isCommand(String line) {
        return line.startsWith("./wirelab") || line.startsWith("sudo ");
    }
}
