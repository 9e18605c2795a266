package dev.wirelab.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exec: targets that break the contract get an ERROR that says what was expected and what happened. */
@NeedsRoot("network namespaces, where exec: targets are started")
class ExecTargetTest {
    @TempDir
    Path logs;

    private final Check check = Checks.all().getFirst();

    @Test
    void aProgramThatExitsAtOnceIsAnErrorWithItsStatusAndTheContract() {
        CheckResult r = Conformance.runOne(Conformance.target("exec:false {ifname}"), check, logs);
        assertEquals(CheckResult.Status.ERROR, r.status(), r.toString());
        assertTrue(r.detail().contains("exited at start with status 1"), r.detail());
        assertTrue(r.detail().contains("serves its UAPI socket /var/run/wireguard/IFNAME.sock"), r.detail());
    }

    @Test
    void aProgramThatNeverServesItsSocketIsAnErrorAfterTheStartTimeout() {
        // sh runs `sleep 60` with the interface name as its $0: it stays up and never serves a socket.
        CheckResult r = Conformance.runOne(Conformance.target("exec:sh -c 'sleep 60' {ifname}"), check, logs);
        assertEquals(CheckResult.Status.ERROR, r.status(), r.toString());
        assertTrue(r.detail().matches("(?s).*did not answer on /var/run/wireguard/\\S+\\.sock within 30 s; expected a program"
                + " that stays in the foreground.*"), r.detail());
    }

    @Test
    void aCommandWithoutTheInterfaceNameIsRefusedBeforeAnythingStarts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conformance.target("exec:wireguard-go -f"));
        assertEquals("exec:COMMAND needs {ifname} where the interface name goes, e.g. 'exec:wireguard-go -f {ifname}'",
                e.getMessage());
    }

    @Test
    void quotesKeepSpacesInOneWord() {
        assertEquals(java.util.List.of("sh", "-c", "sleep 60", "{ifname}", "a b"),
                dev.wirelab.interop.Implementation.words(" sh -c 'sleep 60'  {ifname} \"a b\" "));
        assertThrows(IllegalArgumentException.class, () -> Conformance.target("exec:sh -c 'sleep {ifname}"));
    }
}
