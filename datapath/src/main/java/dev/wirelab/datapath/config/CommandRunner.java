package dev.wirelab.datapath.config;

import java.io.IOException;
import java.util.List;

/**
 * How {@link WgQuick} touches the machine: runs commands ({@code ip}, {@code resolvconf}, {@code nft},
 * hooks) and starts a userspace WireGuard implementation. {@link SystemCommandRunner} does it for real;
 * tests record the calls instead, which is the plan of an up or down.
 */
public interface CommandRunner {
    /** What a finished command left: its exit code and everything it printed. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** A process started to keep running (a userspace implementation in the foreground). */
    interface Started {
        long pid();

        boolean isAlive();

        /** What it printed so far (stdout and stderr together), for an error message. */
        String output();
    }

    /**
     * Runs {@code argv} to completion, feeding it {@code stdin} (empty: none), and captures its output.
     *
     * @throws IOException when it cannot be started at all (not found, not executable) or times out
     */
    Result run(List<String> argv, String stdin) throws IOException, InterruptedException;

    /** Starts {@code argv} and returns at once, leaving it running. */
    Started start(List<String> argv) throws IOException;

    /** Whether {@code command} is an executable on the PATH (bash's {@code type -p}). */
    boolean hasCommand(String command);
}
