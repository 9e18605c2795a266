package dev.wirelab.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.engine.crypto.PublicKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a running device's key log file looks like on disk: who may read it, and when lines arrive. */
class KeylogFileTest {
    private static final String STATIC = "AKeZaHwBxjiKLFnkY2unvEdOTtg4AL+M9dQXfopFVFk=";
    private static final PublicKey REMOTE = PublicKey.fromBase64("YDCttCs9e1J52/g9vEnwJJa+2x6RqaayAYMpSVQfGEY=");
    private static final String EPHEMERAL = "sLGLJSOQfyz7JNJ5ZDzFf3Uz1rkiCMMjbWerNYcPFFU=";
    private static final String PSK = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    @Test
    void aNewFileIsOwnerOnlyAndEachBlockIsOnDiskBeforeClose(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.keys");
        try (KeylogFile log = KeylogFile.create(file)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            log.append(new WireGuardKeylog().handshake(REMOTE, STATIC, EPHEMERAL, PSK));
            // Read while still open: a device killed now must have left this handshake behind.
            assertEquals(List.of("LOCAL_STATIC_PRIVATE_KEY = " + STATIC, "REMOTE_STATIC_PUBLIC_KEY = " + REMOTE.base64(),
                    "LOCAL_EPHEMERAL_PRIVATE_KEY = " + EPHEMERAL, "PRESHARED_KEY = " + PSK),
                    Files.readAllLines(file, StandardCharsets.US_ASCII));
            log.append(new WireGuardKeylog().handshake(REMOTE, STATIC, EPHEMERAL, null));
            assertEquals(7, Files.readAllLines(file).size(), "a block without a PSK has three lines");
            assertEquals(2, log.blocks());
        }
    }

    @Test
    void anExistingReadableFileIsMadeOwnerOnlyAndTruncated(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.keys");
        Files.writeString(file, "an older run's keys\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        new WireGuardKeylog().handshake(REMOTE, STATIC, EPHEMERAL, null).write(file);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String text = Files.readString(file);
        assertFalse(text.contains("older"), text);
        assertTrue(text.startsWith("LOCAL_STATIC_PRIVATE_KEY = "), text);
    }

    @Test
    void toStringNamesNoKey() {
        WireGuardKeylog log = new WireGuardKeylog().handshake(REMOTE, STATIC, EPHEMERAL, PSK);
        assertEquals("WireGuardKeylog[4 lines, secrets redacted]", log.toString());
    }
}
