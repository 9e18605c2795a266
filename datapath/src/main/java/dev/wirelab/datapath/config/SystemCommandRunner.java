package dev.wirelab.datapath.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs commands for real with {@link ProcessBuilder}: output captured (bounded), a time limit per command,
 * and a started process's output sent to a log file so it never blocks on a full pipe.
 */
public final class SystemCommandRunner implements CommandRunner {
    /** Most output kept per stream; `ip` prints little, a chatty hook is cut here. */
    public static final int OUTPUT_BYTES_MAX = 1 << 20;
    private final Duration timeout;

    public SystemCommandRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /** 60 s per command: hooks may do real work, but a hung one must not hang up or down forever. */
    public SystemCommandRunner() {
        this(Duration.ofSeconds(60));
    }

    @Override
    public Result run(List<String> argv, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(argv).start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The command did not read all its input (it exited early): its exit code tells the rest.
        }
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IOException("`" + String.join(" ", argv) + "' did not finish within " + timeout.toSeconds() + " s");
        }
        try {
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (ExecutionException e) {
            throw new IOException("reading the output of `" + String.join(" ", argv) + "'", e.getCause());
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            byte[] kept = in.readNBytes(OUTPUT_BYTES_MAX);
            in.transferTo(OutputStream.nullOutputStream()); // Keep reading so the child never blocks.
            return new String(kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public Started start(List<String> argv) throws IOException {
        Path log = Files.createTempFile("wirelab-userspace-", ".log");
        log.toFile().deleteOnExit();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        return new Started() {
            @Override
            public long pid() {
                return p.pid();
            }

            @Override
            public boolean isAlive() {
                return p.isAlive();
            }

            @Override
            public String output() {
                try {
                    return Files.readString(log, StandardCharsets.ISO_8859_1);
                } catch (IOException e) {
                    return "(output unreadable: " + e.getMessage() + ")";
                }
            }
        };
    }

    @Override
    public boolean hasCommand(String command) {
        String path = System.getenv("PATH");
        // wg-quick prepends its own directory; the sbin directories matter when PATH is a user's.
        String dirs = (path == null ? "" : path) + ":/usr/local/sbin:/usr/sbin:/sbin";
        for (String dir : dirs.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
