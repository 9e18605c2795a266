package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A DIFFERS cell needs a declared difference; DIFFERENCES.md is the declared table. */
class DifferencesTest {
    @Test
    void aDeclaredDifferenceStaysDiffersAndAnUndeclaredOneFails() {
        Check.Outcome seen = Check.Outcome.differs("tai64n-boringtun", "label 2^62 + 37", "boringtun's TAI64N");
        Check.Outcome declared = Conformance.judged("wirelab:boringtun", seen);
        assertEquals(CheckResult.Status.DIFFERS, declared.status());
        assertTrue(declared.detail().startsWith("declared difference tai64n-boringtun: initiation timestamps use TAI64N"),
                declared.detail());
        Check.Outcome undeclared = Conformance.judged("wireguard-go", seen);
        assertEquals(CheckResult.Status.FAIL, undeclared.status());
        assertTrue(undeclared.detail().startsWith("an undeclared difference (tai64n-boringtun): boringtun's TAI64N;"),
                undeclared.detail());
        Check.Outcome pass = Check.Outcome.pass("fine");
        assertEquals(pass, Conformance.judged("wireguard-go", pass));
    }

    @Test
    void aTargetBuiltFromAnotherIsJudgedByThatOnesDeclarations() {
        Target exec = Conformance.target("exec:wireguard-go -f {ifname}");
        assertEquals("exec:wireguard-go -f {ifname}", exec.differencesOf(), "alone, an exec: target declares nothing");
        Target asGo = Target.withDifferencesOf(exec, "wireguard-go");
        assertEquals(exec.name(), asGo.name());
        Check.Outcome silent = Check.Outcome.differs("no-peer-silent", "dropped in silence", "no ICMP");
        assertEquals(CheckResult.Status.FAIL, Conformance.judged(exec.differencesOf(), silent).status());
        assertEquals(CheckResult.Status.DIFFERS, Conformance.judged(asGo.differencesOf(), silent).status());
        assertEquals(CheckResult.Status.FAIL, Conformance.judged("kernel", silent).status());
    }

    @Test
    void theCommittedTableIsTheDeclaredOne() throws Exception {
        assertEquals(Differences.markdown(), Files.readString(Path.of("DIFFERENCES.md")),
                "conformance/DIFFERENCES.md must equal Differences.markdown(): write it anew from Differences.java");
    }

    @Test
    void everyObservingCheckExistsAndKeysAreUnique() {
        Set<String> checks = Checks.all().stream().map(Check::name).collect(Collectors.toSet());
        for (Differences.Difference d : Differences.ALL) {
            assertTrue(d.observed().isEmpty() || checks.contains(d.observed()), d.key() + " names check " + d.observed());
        }
        assertEquals(Differences.ALL.size(), Differences.ALL.stream().map(Differences.Difference::key).distinct().count());
    }
}
