package dev.wirelab.conformance;

import java.nio.file.Path;
import java.util.List;

/** Scratch: runs selected checks against one target and prints the matrix (not a test). */
public final class ConformanceProbe {
    public static void main(String[] args) {
        Target t = Conformance.targets().get(args[0]);
        List<Check> checks = Checks.all().stream().filter(c -> args.length < 2 || List.of(args[1].split(",")).contains(c.name())).toList();
        List<CheckResult> r;
        try {
            r = Conformance.run(t, checks, Path.of("target/probe"), System.out::println);
        } finally {
            t.close();
        }
        System.out.println(Conformance.table(r));
    }
}
