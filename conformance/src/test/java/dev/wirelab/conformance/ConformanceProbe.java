package dev.wirelab.conformance;

import dev.wirelab.mutants.Mutants;
import java.nio.file.Path;
import java.util.List;

/**
 * For developing checks: runs selected checks against one target and prints the matrix (not a
 * test). Arguments: TARGET (as --target takes it, or mutant:NAME) and CHECK,CHECK…
 */
public final class ConformanceProbe {
    public static void main(String[] args) throws Exception {
        Path out = Path.of("target/probe");
        Target t = args[0].startsWith("mutant:")
                ? MutantTarget.of(Mutants.named(args[0].substring(7)).orElseThrow(), out)
                : Conformance.target(args[0]);
        List<Check> checks = Checks.all().stream().filter(c -> args.length < 2 || List.of(args[1].split(",")).contains(c.name())).toList();
        List<CheckResult> r;
        try {
            r = Conformance.run(t, checks, out, System.out::println);
        } finally {
            t.close();
        }
        System.out.println(Conformance.table(r));
    }
}
