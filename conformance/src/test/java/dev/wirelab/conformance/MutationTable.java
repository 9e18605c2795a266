package dev.wirelab.conformance;

import dev.wirelab.mutants.Mutant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * conformance/MUTATION.md: which checks fail which mutant, from a full run of every mutant against
 * every check ({@code conformance/mutation.sh}). The test run re-checks each kill it claims.
 *
 * @param kills    for each mutant, the checks that failed it (empty: it survived)
 * @param checks   every check, in the matrix's order
 * @param measured for each mutant, what its run measured: one Markdown list item per check
 */
record MutationTable(Map<String, List<String>> kills, List<String> checks, Map<String, List<String>> measured) {
    static final Path FILE = Path.of("MUTATION.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9-]+)` \\| .* \\| ((?:`[a-z0-9-]+`(?:, )?)+|SURVIVED|NOT RUN) \\|$");
    private static final Pattern CHECK = Pattern.compile("`([a-z0-9-]+)`");

    private static final Pattern SECTION = Pattern.compile("^### `([a-z0-9-]+)`$");

    /** The table of a full run: every mutant's results, FAIL cells being kills. */
    static MutationTable of(List<Mutant> mutants, List<Check> checks, List<CheckResult> results) {
        Map<String, List<String>> kills = new LinkedHashMap<>();
        Map<String, List<String>> measured = new LinkedHashMap<>();
        for (Mutant m : mutants) {
            List<CheckResult> mine = results.stream().filter(r -> r.target().equals("mutant:" + m.name())).toList();
            kills.put(m.name(), mine.stream().filter(r -> r.status() == CheckResult.Status.FAIL).map(CheckResult::check).toList());
            measured.put(m.name(), mine.stream().map(r -> "- `" + r.check() + "`: **" + r.status() + "** "
                    + r.measured().replace("\n", " ") + (r.detail().isEmpty() ? "" : " (" + r.detail().replace("\n", " ") + ")"))
                    .toList());
        }
        return new MutationTable(kills, checks.stream().map(Check::name).toList(), measured);
    }

    /**
     * This table with the rows of {@code run}'s mutants replaced by that run's (a run of some mutants
     * only), in the order of {@code mutants}.
     */
    MutationTable updatedBy(MutationTable run, List<Mutant> mutants) {
        Map<String, List<String>> k = new LinkedHashMap<>();
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Mutant mutant : mutants) {
            MutationTable from = run.kills.containsKey(mutant.name()) ? run : this;
            k.put(mutant.name(), from.kills.getOrDefault(mutant.name(), List.of()));
            m.put(mutant.name(), from.measured.getOrDefault(mutant.name(), List.of()));
        }
        return new MutationTable(k, run.checks, m);
    }

    /**
     * The kills the test run re-checks, by mutant: each killed mutant's first killing check, then, for
     * every check credited with a kill but not yet chosen, one mutant it kills. Every killed mutant
     * and every killing check is covered, with about one run each instead of the whole table.
     */
    Map<String, List<String>> verification() {
        Map<String, List<String>> runs = new LinkedHashMap<>();
        Set<String> covered = new LinkedHashSet<>();
        kills.forEach((mutant, by) -> {
            if (!by.isEmpty()) {
                runs.computeIfAbsent(mutant, k -> new ArrayList<>()).add(by.getFirst());
                covered.add(by.getFirst());
            }
        });
        for (String check : checks) {
            if (covered.contains(check)) {
                continue;
            }
            kills.entrySet().stream().filter(e -> e.getValue().contains(check)).findFirst().ifPresent(e -> {
                runs.get(e.getKey()).add(check);
                covered.add(check);
            });
        }
        return runs;
    }

    long killed() {
        return kills.values().stream().filter(k -> !k.isEmpty()).count();
    }

    /** Checks that failed no mutant: vacuous until a mutant shows they can fail. */
    List<String> vacuous() {
        Set<String> killing = new LinkedHashSet<>();
        kills.values().forEach(killing::addAll);
        return checks.stream().filter(c -> !killing.contains(c)).toList();
    }

    String markdown(List<Mutant> mutants) {
        StringBuilder sb = new StringBuilder("# Mutation table\n\n");
        sb.append("Each mutant is wirelab's device with one deliberate protocol fault (mutants/src/main/java/dev/wirelab/")
                .append("mutants/Mutants.java),\nmade in its compiled engine as it starts. A conformance check worth running ")
                .append("fails at least one of them;\na mutant that no check fails shows a gap in the suite.\n\n")
                .append("Made by `sudo conformance/mutation.sh`: every mutant against every quick check, and against the ")
                .append("slow checks\nwhen it survived the quick ones. `./mvnw -B verify` (MutationTest) re-runs one kill of ")
                .append("each mutant and one\nof each check credited with a kill, quick checks only, and fails unless ")
                .append("they still FAIL.\n\n");
        sb.append(String.format(Locale.ROOT, "Score: %d of %d mutants killed; %d of %d checks kill at least one mutant.%n%n",
                killed(), kills.size(), checks.size() - vacuous().size(), checks.size()));
        sb.append("| mutant | fault | killed by |\n| --- | --- | --- |\n");
        for (Mutant m : mutants) {
            List<String> k = kills.getOrDefault(m.name(), List.of());
            sb.append("| `").append(m.name()).append("` | ").append(m.fault().replace("|", "\\|")).append(" | ")
                    .append(!k.isEmpty() ? String.join(", ", k.stream().map(c -> "`" + c + "`").toList())
                            : measured.getOrDefault(m.name(), List.of()).isEmpty() ? "NOT RUN" : "SURVIVED")
                    .append(" |\n");
        }
        sb.append("\nChecks that kill no mutant: ").append(vacuous().isEmpty() ? "none" : String.join(", ", vacuous()))
                .append(".\n\n## What each mutant's run measured\n\n");
        for (Mutant m : mutants) {
            sb.append("### `").append(m.name()).append("`\n\n");
            measured.getOrDefault(m.name(), List.of()).forEach(line -> sb.append(line).append('\n'));
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Reads MUTATION.md back: its first table's kills and each mutant's measured lines. */
    static MutationTable read(Path file, List<String> checks) throws IOException {
        Map<String, List<String>> kills = new LinkedHashMap<>();
        Map<String, List<String>> measured = new LinkedHashMap<>();
        List<String> section = null;
        for (String line : Files.readAllLines(file)) {
            Matcher row = ROW.matcher(line);
            Matcher heading = SECTION.matcher(line);
            if (row.matches()) {
                List<String> by = new ArrayList<>();
                Matcher c = CHECK.matcher(row.group(2));
                while (c.find()) {
                    by.add(c.group(1));
                }
                kills.put(row.group(1), by);
            } else if (heading.matches()) {
                section = new ArrayList<>();
                measured.put(heading.group(1), section);
            } else if (section != null && line.startsWith("- ")) {
                section.add(line);
            }
        }
        return new MutationTable(kills, checks, measured);
    }
}
