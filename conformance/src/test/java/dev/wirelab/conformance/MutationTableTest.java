package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wirelab.mutants.Mutant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MUTATION.md is written and read back the same, and the test run's re-checks cover every kill. */
class MutationTableTest {
    private static final List<Mutant> MUTANTS = List.of(new Mutant("a", "fault a", List.of()),
            new Mutant("b", "fault b | with a bar", List.of()), new Mutant("c", "fault c", List.of()));
    private static final List<String> CHECKS = List.of("check-x", "check-y", "check-z", "check-w");

    @Test
    void writtenTablesReadBackWithTheirKills(@TempDir Path dir) throws Exception {
        List<CheckResult> results = List.of(
                result("check-x", "a", CheckResult.Status.FAIL), result("check-y", "a", CheckResult.Status.FAIL),
                result("check-x", "b", CheckResult.Status.PASS), result("check-z", "b", CheckResult.Status.FAIL),
                result("check-x", "c", CheckResult.Status.PASS), result("check-w", "c", CheckResult.Status.ERROR));
        MutationTable table = MutationTable.of(MUTANTS, CHECKS.stream().map(MutationTableTest::check).toList(), results);
        assertEquals(Map.of("a", List.of("check-x", "check-y"), "b", List.of("check-z"), "c", List.of()), table.kills());
        assertEquals(2, table.killed());
        assertEquals(List.of("check-w"), table.vacuous(), "w failed no mutant (an ERROR is no kill)");
        Path file = dir.resolve("MUTATION.md");
        Files.writeString(file, table.markdown(MUTANTS));
        MutationTable back = MutationTable.read(file, CHECKS);
        assertEquals(table.kills(), back.kills());
        assertEquals(table.measured(), back.measured());
        assertEquals(List.of("- `check-x`: **PASS** measured", "- `check-z`: **FAIL** measured (why)"), back.measured().get("b"));
        // A run of mutant b alone replaces b's row and keeps the others.
        MutationTable run = MutationTable.of(List.of(MUTANTS.get(1)), CHECKS.stream().map(MutationTableTest::check).toList(),
                List.of(result("check-x", "b", CheckResult.Status.FAIL)));
        MutationTable merged = back.updatedBy(run, MUTANTS);
        assertEquals(Map.of("a", List.of("check-x", "check-y"), "b", List.of("check-x"), "c", List.of()), merged.kills());
        assertEquals(true, Files.readString(file).contains("Score: 2 of 3 mutants killed; 3 of 4 checks kill at least one mutant."));
    }

    @Test
    void theReChecksCoverEveryKilledMutantAndEveryKillingCheckOnce() {
        MutationTable table = new MutationTable(new java.util.LinkedHashMap<>(Map.of()), CHECKS, Map.of());
        table.kills().put("a", List.of("check-x", "check-y"));
        table.kills().put("b", List.of("check-x", "check-z"));
        table.kills().put("c", List.of());
        assertEquals(Map.of("a", List.of("check-x", "check-y"), "b", List.of("check-x", "check-z")), table.verification());
    }

    private static CheckResult result(String check, String mutant, CheckResult.Status status) {
        return new CheckResult(check, "mutant:" + mutant, status, "measured", status == CheckResult.Status.PASS ? "" : "why", 1, null);
    }

    private static Check check(String name) {
        return Checks.check(name, name, false, lab -> {
            throw new UnsupportedOperationException();
        });
    }
}
