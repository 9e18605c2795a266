package dev.wirelab.sim.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The built-in suite: every file in simulator/scenarios runs with its own seed and every
 * expectation must hold. A failure names the check, what was measured, the seed and the command
 * that reproduces the run, and leaves the run's trace in target/scenario-traces (nothing is
 * written anywhere else).
 */
class SuiteTest {
    static final Path SUITE = Path.of("scenarios");
    private static final Path TRACES = Path.of("target", "scenario-traces");

    static List<Path> scenarioFiles() throws IOException {
        try (Stream<Path> files = Files.list(SUITE)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioInTheSuiteHolds() throws IOException {
        List<Path> files = scenarioFiles();
        assertTrue(files.size() >= 20, "the suite has at least 20 scenarios, found " + files.size());
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), file.toUri(), () -> {
            Scenario scenario = ScenarioFile.read(file);
            assertFalse(scenario.expectations().isEmpty(), file + " expects nothing: a suite scenario must check something");
            assertFalse(scenario.description().isBlank(), file + " has no description");
            assertEquals(file.getFileName().toString(), scenario.name() + ".yaml", "a scenario's name is its file name");
            ScenarioRun.Result result = ScenarioRun.run(scenario, scenario.seed(), null);
            if (!result.passed()) {
                Path trace = writeTrace(scenario, result.seed());
                fail(result.failures().stream().map(v -> "  " + v).collect(Collectors.joining("\n",
                        scenario.name() + ": " + result.failures().size() + " of " + result.verdicts().size()
                                + " expectations failed (seed " + result.seed() + ")\n", "\nreproduce: " + result.reproduce()
                                + "\ntrace: " + trace)));
            }
        }));
    }

    private static Path writeTrace(Scenario scenario, long seed) throws IOException {
        Files.createDirectories(TRACES);
        Path out = TRACES.resolve(scenario.name() + "-seed" + seed + ".jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(out)) {
            ScenarioRun.run(scenario, seed, line -> {
                try {
                    w.write(line);
                    w.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameTraceAndAnotherSeedAnother() {
        // The lossy one: its outcome depends on every random draw, links' and hosts' alike.
        Scenario scenario = ScenarioFile.read(SUITE.resolve("loss-30-retries.yaml"));
        List<String> first = new ArrayList<>();
        List<String> second = new ArrayList<>();
        List<String> other = new ArrayList<>();
        ScenarioRun.Result a = ScenarioRun.run(scenario, 7, first::add);
        ScenarioRun.Result b = ScenarioRun.run(scenario, 7, second::add);
        ScenarioRun.Result c = ScenarioRun.run(scenario, 8, other::add);

        assertEquals(a.traceSha256(), b.traceSha256());
        assertEquals(first, second);
        assertEquals(a.verdicts(), b.verdicts());
        assertNotEquals(a.traceSha256(), c.traceSha256());
        // Not only the header (which names the seed) differs: what happened does.
        assertNotEquals(first.subList(1, first.size()), other.subList(1, other.size()));
        assertNotEquals(a.verdicts().stream().map(Verdict::measured).toList(), c.verdicts().stream().map(Verdict::measured).toList());
        assertTrue(first.get(0).contains("\"seed\":7"), first.get(0));
    }
}
