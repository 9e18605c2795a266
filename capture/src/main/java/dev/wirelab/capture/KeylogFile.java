package dev.wirelab.capture;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A key log file that grows while a device runs: each {@link WireGuardKeylog} block is written in
 * one write and reaches the file at once (no buffer in between), so a Wireshark watching the file
 * live, or a device killed without warning, still has every handshake logged so far.
 *
 * <p>Security: the file holds private keys in clear. It is created with mode 0600, and an existing
 * file is set to 0600 before anything is written to it, so what it held before cannot leak either.
 * Thread-safe.
 */
public final class KeylogFile implements Closeable {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;
    private final OutputStream out;
    private long blocks;

    private KeylogFile(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** Creates {@code file} (or truncates it), owner read/write only. */
    public static KeylogFile create(Path file) throws IOException {
        OutputStream out;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            // Tighten first: the attribute below only applies to a file being created.
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS);
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            out = Files.newOutputStream(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        }
        return new KeylogFile(file, out);
    }

    /** Appends the lines of {@code block}, each ended by a newline, and flushes them. */
    public synchronized void append(WireGuardKeylog block) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : block.lines()) {
            text.append(line).append('\n');
        }
        out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();
        blocks++;
    }

    /** How many blocks were appended. */
    public synchronized long blocks() {
        return blocks;
    }

    public Path path() {
        return file;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }

    @Override
    public String toString() {
        return "KeylogFile[" + file + "]";
    }
}
