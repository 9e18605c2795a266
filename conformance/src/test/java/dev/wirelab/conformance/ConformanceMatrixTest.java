package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Every conformance check against one target, one JUnit test per check. A cell may PASS or
 * DIFFER (a documented profile difference); FAIL and ERROR fail the test. The three targets run
 * as three classes, concurrently (junit-platform.properties): most checks wait on protocol timers.
 * The target's column is written to target/conformance/TARGET.md. The slow checks (minutes each) are
 * left out, as {@code wirelab conformance --quick} does; docs/conformance.md's long run has them.
 */
@NeedsRoot("network namespaces and TUN devices; the kernel target a tap device and qemu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConformanceMatrixTest {
    private static final Path OUT = Path.of("target", "conformance");
    private final Target target;
    private final List<CheckResult> results = new ArrayList<>();

    ConformanceMatrixTest(String name) {
        this.target = Conformance.target(name);
    }

    /** A target built from a known implementation: its differences are that one's. */
    ConformanceMatrixTest(String name, String differencesOf) {
        this.target = Target.withDifferencesOf(Conformance.target(name), differencesOf);
    }

    @TestFactory
    Stream<DynamicTest> checks() {
        return Checks.all().stream().filter(c -> !Checks.slow(c)).map(check -> DynamicTest.dynamicTest(check.name(), () -> {
            CheckResult r = Conformance.runOne(target, check, OUT.resolve("logs"));
            synchronized (results) {
                results.add(r);
            }
            System.out.println("[" + target.name() + "] " + check.name() + ": " + r.status() + " — " + r.measured()
                    + (r.detail().isEmpty() ? "" : " — " + r.detail()));
            assertTrue(r.status() == CheckResult.Status.PASS || r.status() == CheckResult.Status.DIFFERS,
                    target.name() + " " + check.name() + ": " + r.status() + ": " + r.measured() + " — " + r.detail());
        }));
    }

    @AfterAll
    void report() throws Exception {
        target.close();
        java.nio.file.Files.createDirectories(OUT);
        java.nio.file.Files.writeString(OUT.resolve(Conformance.fileName(target.name()) + ".md"), Conformance.markdown(results,
                Checks.all().stream().filter(c -> !Checks.slow(c)).toList(), OUT));
        System.out.println(Conformance.table(results));
    }
}
