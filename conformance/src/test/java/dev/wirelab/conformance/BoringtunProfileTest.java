package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * wirelab's device on its boringtun profile, as a target: the cells of the checks that observe
 * boringtun's declared differences are DIFFERS with that difference (DIFFERENCES.md), and the same
 * checks on the reference profile pass.
 */
@NeedsRoot("network namespaces and TUN devices")
class BoringtunProfileTest {
    private static final Path LOGS = Path.of("target", "conformance", "logs");

    @ParameterizedTest
    @CsvSource({"initiation-timestamp, tai64n-boringtun", "rate-limit-under-load, rate-limiter-global"})
    void theCellDiffersAsDeclaredForBoringtunAndPassesForTheReference(String name, String difference) {
        Check check = Checks.all().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        CheckResult boringtun = Conformance.runOne(Conformance.target("wirelab:boringtun"), check, LOGS);
        assertEquals(CheckResult.Status.DIFFERS, boringtun.status(), boringtun.toString());
        assertEquals(true, boringtun.detail().startsWith("declared difference " + difference + ":"), boringtun.detail());
        CheckResult reference = Conformance.runOne(Conformance.target("wirelab:reference"), check, LOGS);
        assertEquals(CheckResult.Status.PASS, reference.status(), reference.toString());
    }
}
