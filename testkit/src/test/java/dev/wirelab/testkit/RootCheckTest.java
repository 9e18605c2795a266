package dev.wirelab.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCheckTest {
    @NeedsRoot("network namespaces and wireguard-go")
    static class NamespaceTest {
    }

    static class Subclass extends NamespaceTest {
    }

    static class OneMethod {
        @NeedsRoot("wg-quick")
        void strip() {
        }
    }

    @Test
    void withoutRootTheClassFailsOnceSayingWhatItNeedsAndHowToGetIt() {
        RootCheck.NotRoot e = assertThrows(RootCheck.NotRoot.class,
                () -> RootCheck.check(1000, NamespaceTest.class, "NamespaceTest"));
        assertEquals("NamespaceTest needs root (network namespaces and wireguard-go). Run the whole build as root with"
                + " `sudo .ci/run`: it installs the system packages these tests use, then runs ./mvnw -B verify.",
                e.getMessage());
        assertEquals(0, e.getStackTrace().length, "the message is the whole report");
        assertThrows(RootCheck.NotRoot.class, () -> RootCheck.check(1000, Subclass.class, "Subclass"), "subclasses inherit it");
        assertDoesNotThrow(() -> RootCheck.check(0, NamespaceTest.class, "NamespaceTest"));
        RootCheck.NotRoot m = assertThrows(RootCheck.NotRoot.class, () -> RootCheck.check(1000,
                OneMethod.class.getDeclaredMethod("strip"), "OneMethod.strip"));
        assertTrue(m.getMessage().startsWith("OneMethod.strip needs root (wg-quick)."), m.getMessage());
    }

    @Test
    void theEffectiveUidIsTheSecondFieldOfUid(@TempDir Path dir) throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nUmask:\t0022\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
        assertEquals(0, RootCheck.effectiveUid(status), "setuid root: real 1000, effective 0");
        // The live value agrees with the owner of /proc/self, which the kernel sets to the effective uid.
        assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), RootCheck.effectiveUid(Path.of("/proc/self/status")));
    }
}
