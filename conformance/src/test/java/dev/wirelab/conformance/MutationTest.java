package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.mutants.Mutant;
import dev.wirelab.mutants.Mutants;
import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * The conformance checks against the mutants (conformance/MUTATION.md). By default the test re-runs
 * enough of the committed table's kills that every mutant the table calls killed, and every check it
 * credits with a kill, is shown once more: each of those runs must FAIL. With {@code
 * -Dwirelab.mutation=full} ({@code conformance/mutation.sh}) every mutant runs every quick check (and
 * the slow ones if it survived those) and the table is written anew.
 */
@NeedsRoot("network namespaces, and wirelab devices with a mutant agent as conformance targets")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutationTest {
    private static final boolean FULL = "full".equals(System.getProperty("wirelab.mutation"));
    /** With a full run: only these mutants (comma-separated), their rows replacing the committed table's. */
    private static final List<String> ONLY = List.of(System.getProperty("wirelab.mutation.only", "").split(",")).stream()
            .filter(n -> !n.isBlank()).toList();
    private static final Path OUT = Path.of("target", "mutation");
    private final List<CheckResult> results = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Check> checks = Checks.all().stream().collect(Collectors.toMap(Check::name, Function.identity()));

    @Test
    void theTableNamesEveryMutantAndOnlyChecksThatExist() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(FULL, "a full run writes MUTATION.md anew");
        MutationTable table = MutationTable.read(MutationTable.FILE, List.copyOf(checks.keySet()));
        assertEquals(Mutants.all().stream().map(Mutant::name).toList(), List.copyOf(table.kills().keySet()),
                "MUTATION.md lists every mutant of the catalogue, in its order: run conformance/mutation.sh");
        table.kills().forEach((mutant, by) -> by.forEach(c -> assertTrue(checks.containsKey(c),
                "MUTATION.md credits " + mutant + "'s kill to check " + c + ", which does not exist")));
    }

    @TestFactory
    Stream<DynamicTest> mutantsFailTheirChecks() throws Exception {
        MutationTable table = MutationTable.read(MutationTable.FILE, List.copyOf(checks.keySet()));
        // The slow checks' kills (minutes each) are re-checked by the long run, conformance/mutation.sh.
        Map<String, List<String>> toVerify = new java.util.LinkedHashMap<>();
        table.verification().forEach((m, cs) -> {
            List<String> quick = cs.stream().filter(c -> !Checks.slow(checks.get(c))).toList();
            if (!quick.isEmpty()) {
                toVerify.put(m, quick);
            }
        });
        // A survivor of the last full run has no check to run here: MUTATION.md lists it as SURVIVED,
        // and report() names it. Only a full run can turn it into a kill.
        List<Mutant> mutants = Mutants.all().stream().filter(m -> FULL ? ONLY.isEmpty() || ONLY.contains(m.name())
                : toVerify.containsKey(m.name())).toList();
        // A full run takes every mutant through every check: PARALLELISM of them at a time, each test
        // waiting for its own mutant's run. The test run re-checks a few kills each, one mutant at a time.
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                FULL ? Integer.getInteger("wirelab.mutation.parallelism", 3) : 1);
        Map<String, java.util.concurrent.Future<List<CheckResult>>> runs = new java.util.LinkedHashMap<>();
        for (Mutant m : mutants) {
            runs.put(m.name(), pool.submit(() -> runMutant(m, FULL ? null : toVerify.get(m.name()))));
        }
        pool.shutdown();
        return mutants.stream().map(m -> DynamicTest.dynamicTest(m.name(), () -> {
            List<CheckResult> mine = runs.get(m.name()).get();
            List<CheckResult> errors = mine.stream().filter(r -> r.status() == CheckResult.Status.ERROR).toList();
            assertEquals(List.of(), errors, "harness errors are no verdict on the mutant");
            if (FULL) {
                assertTrue(mine.stream().anyMatch(r -> r.status() == CheckResult.Status.FAIL), m.name() + " survived every check");
            } else {
                for (CheckResult r : mine) {
                    assertEquals(CheckResult.Status.FAIL, r.status(), m.name() + " is no longer killed by " + r.check()
                            + " as MUTATION.md says: " + r.measured() + " " + r.detail());
                }
            }
        }));
    }

    /** Runs {@code m} through {@code names} (null: a full run's checks); its results join the report's. */
    private List<CheckResult> runMutant(Mutant m, List<String> names) throws Exception {
        Target target = MutantTarget.of(m, OUT);
        List<CheckResult> mine = new ArrayList<>();
        try {
            if (names == null) {
                // Every quick check; the slow ones (minutes each) only for a mutant that survived them all.
                run(target, m, Checks.all().stream().filter(c -> !Checks.slow(c)).toList(), mine);
                if (mine.stream().noneMatch(r -> r.status() == CheckResult.Status.FAIL)) {
                    run(target, m, Checks.all().stream().filter(Checks::slow).toList(), mine);
                }
            } else {
                run(target, m, names.stream().map(checks::get).toList(), mine);
            }
        } finally {
            target.close();
            results.addAll(mine);
        }
        return mine;
    }

    private static void run(Target target, Mutant m, List<Check> checks, List<CheckResult> into) {
        for (Check c : checks) {
            CheckResult r = Conformance.runOne(target, c, OUT.resolve("logs"));
            System.out.println("[mutant:" + m.name() + "] " + c.name() + ": " + r.status() + " — " + r.measured()
                    + (r.detail().isEmpty() ? "" : " — " + r.detail()));
            into.add(r);
        }
    }

    @AfterAll
    void report() throws Exception {
        Files.createDirectories(OUT);
        List<CheckResult> all = List.copyOf(results);
        MutationTable measured = MutationTable.of(Mutants.all().stream().filter(m -> all.stream()
                .anyMatch(r -> r.target().equals("mutant:" + m.name()))).toList(), Checks.all(), all);
        // The test run's own view, beside the committed table; a full run replaces the committed one
        // (its rows only, when it ran some mutants).
        Files.writeString(OUT.resolve("MUTATION.md"), measured.markdown(Mutants.all()));
        if (FULL) {
            MutationTable before = MutationTable.read(MutationTable.FILE, Checks.all().stream().map(Check::name).toList());
            Files.writeString(MutationTable.FILE, before.updatedBy(measured, Mutants.all()).markdown(Mutants.all()));
        }
        MutationTable committed = MutationTable.read(MutationTable.FILE, List.copyOf(checks.keySet()));
        System.out.println("mutation (committed table): " + committed.killed() + " of " + committed.kills().size()
                + " mutants killed; survivors: " + committed.kills().entrySet().stream().filter(e -> e.getValue().isEmpty())
                .map(Map.Entry::getKey).toList());
        System.out.println("mutation (this run): " + measured.killed() + " of " + measured.kills().size() + " mutants killed; vacuous"
                + " checks: " + measured.vacuous());
    }
}
