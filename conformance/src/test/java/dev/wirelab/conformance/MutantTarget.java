package dev.wirelab.conformance;

import dev.wirelab.interop.Implementation;
import dev.wirelab.mutants.Mutant;
import dev.wirelab.mutants.MutantAgent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A mutant as a conformance target: wirelab's device started with the mutant agent, in its own
 * namespace like the unmutated one. Test code only: the shipped command has no mutants.
 */
final class MutantTarget {
    private MutantTarget() {
    }

    /** The target "mutant:NAME"; the agent's jar is written under {@code dir}. */
    static Target of(Mutant mutant, Path dir) throws IOException {
        String option = MutantAgent.option(dir, mutant.name());
        // One fault in wirelab: wirelab's declared differences are its own.
        return Target.withDifferencesOf(
                Target.inNamespace(Implementation.wirelab("mutant:" + mutant.name(), List.of(option), null, null, null)), "wirelab");
    }
}
