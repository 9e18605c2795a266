package dev.wirelab.interop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Short commands (`ip`, `wg`, `ping`): run to completion with a time limit, output captured. */
public final class Command {
    /** Longest any short command may take; a hung one is killed by PID and reported. */
    private static final long LIMIT_SECONDS = 300;

    private Command() {}

    /** What a command did. */
    public record Result(List<String> command, int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }
    }

    /** Runs {@code command}; a non-zero exit is an IOException naming the command and its stderr. */
    public static String run(String... command) throws IOException {
        Result r = tryRun(command);
        if (!r.ok()) {
            throw new IOException("`" + String.join(" ", command) + "` exited " + r.exit() + ": " + r.err().strip()
                    + (r.out().isBlank() ? "" : " / " + r.out().strip()));
        }
        return r.out();
    }

    public static Result tryRun(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new IOException("`" + String.join(" ", command) + "` took longer than " + LIMIT_SECONDS
                        + " s; killed pid " + p.pid());
            }
            return new Result(List.of(command), p.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, r -> Thread.ofPlatform().daemon().start(r));
    }
}
