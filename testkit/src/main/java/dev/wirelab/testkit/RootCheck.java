package dev.wirelab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.reflect.AnnotatedElement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The extension behind {@link NeedsRoot}: fails a marked class before its tests, or a marked method
 * before it runs, when the JVM is not root.
 */
public final class RootCheck implements BeforeAllCallback, BeforeEachCallback {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> test = context.getRequiredTestClass();
        if (test.isAnnotationPresent(NeedsRoot.class)) {
            check(effectiveUid(STATUS), test, test.getSimpleName());
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getTestMethod().filter(m -> m.isAnnotationPresent(NeedsRoot.class)).ifPresent(m ->
                check(effectiveUid(STATUS), m, context.getRequiredTestClass().getSimpleName() + "." + m.getName()));
    }

    /** Throws the one failure of {@code test} (named {@code name}) unless {@code euid} is root's. */
    static void check(int euid, AnnotatedElement test, String name) {
        if (euid == 0) {
            return;
        }
        throw new NotRoot(name + " needs root (" + test.getAnnotation(NeedsRoot.class).value() + "). Run the whole build"
                + " as root with `sudo .ci/run`: it installs the system packages these tests use, then runs ./mvnw -B verify.");
    }

    /**
     * The effective user id, from the second field of the "Uid:" line (real, effective, saved, file
     * system) of /proc/self/status: the JDK has no getter for it, and starting `id -u` for it would be
     * one more program for .ci/programs.
     */
    static int effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status + " for the effective user id", e);
        }
        throw new IllegalStateException(status + " has no Uid: line");
    }

    /** The one failure of a root-only class; no stack trace, since the message says everything. */
    static final class NotRoot extends RuntimeException {
        NotRoot(String message) {
            super(message, null, false, false);
        }
    }
}
