package dev.wirelab.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process a test started (a device, an iperf3 server), stopped by its PID: SIGTERM,
 * then SIGKILL if it does not exit in time. Never by name, so parallel runs do not hit each other.
 */
public final class Proc {
    private static final long TERM_WAIT_SECONDS = 10;

    private final Process process;
    private final List<String> command;
    private final Path log;

    private Proc(Process process, List<String> command, Path log) {
        this.process = process;
        this.command = command;
        this.log = log;
    }

    static Proc start(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                .start();
        return new Proc(p, command, log);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits for the process to exit by itself; its exit status, or null if it is still running. */
    public Integer awaitExit(long timeout, TimeUnit unit) throws InterruptedException {
        return process.waitFor(timeout, unit) ? process.exitValue() : null;
    }

    /** Its output so far. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * SIGTERM by PID, then SIGKILL after {@value #TERM_WAIT_SECONDS} s. `ip netns exec` execs the
     * command in place, so this PID is the process itself.
     */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(TERM_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(TERM_WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "pid " + pid() + " " + String.join(" ", command);
    }
}
