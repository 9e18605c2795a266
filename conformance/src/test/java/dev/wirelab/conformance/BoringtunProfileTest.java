package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * wirelab's device on its boringtun profile, as a target: the initiation-timestamp cell is DIFFERS
 * (boringtun's TAI64N, declared in DIFFERENCES.md), and the same check on the reference profile passes.
 */
@NeedsRoot("network namespaces and TUN devices")
class BoringtunProfileTest {
    private static final Path LOGS = Path.of("target", "conformance", "logs");
    private final Check timestamp = Checks.all().stream().filter(c -> c.name().equals("initiation-timestamp"))
            .findFirst().orElseThrow();

    @Test
    void theTimestampCellDiffersAsDeclaredForBoringtunAndPassesForTheReference() {
        CheckResult boringtun = Conformance.runOne(Conformance.target("wirelab:boringtun"), timestamp, LOGS);
        assertEquals(CheckResult.Status.DIFFERS, boringtun.status(), boringtun.toString());
        assertEquals(true, boringtun.detail().startsWith("declared difference tai64n-boringtun"), boringtun.detail());
        CheckResult reference = Conformance.runOne(Conformance.target("wirelab:reference"), timestamp, LOGS);
        assertEquals(CheckResult.Status.PASS, reference.status(), reference.toString());
    }
}
