package dev.wirelab.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A live capture on one interface of a namespace by tshark (Debian's): started before the traffic
 * and stopped by PID after it, its fields read back one line per packet.
 */
public final class Tshark implements AutoCloseable {
    private final Proc process;
    private final Path output;

    private Tshark(Proc process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Captures packets matching capture filter {@code filter} on {@code dev} in {@code ns}, printing
     * {@code fields} tab-separated; returns once tshark has started capturing.
     */
    public static Tshark start(Netns ns, String dev, String filter, List<String> fields, Path dir)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "tshark-", ".txt");
        List<String> cmd = new java.util.ArrayList<>(List.of("tshark", "-l", "-n", "-i", dev, "-f", filter, "-T", "fields"));
        for (String f : fields) {
            cmd.add("-e");
            cmd.add(f);
        }
        Proc p = ns.start(cmd, out);
        // tshark says "Capturing on 'dev'" once the capture is open (on stderr, merged into the log).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!p.log().contains("Capturing on")) {
            if (!p.alive() || System.nanoTime() > deadline) {
                p.stop();
                throw new IOException("tshark did not start capturing on " + dev + " in " + ns + ": " + p.log());
            }
            Thread.sleep(50);
        }
        return new Tshark(p, out);
    }

    /** Stops the capture and returns its lines (one per packet; tshark's own messages removed). */
    public List<String> stop() throws IOException, InterruptedException {
        Thread.sleep(300); // Let the last packets reach tshark's output before the signal.
        process.stop();
        return Files.readAllLines(output).stream()
                .filter(l -> !l.startsWith("Capturing on") && !l.matches("\\d+ packets? captured") && !l.isBlank()
                        && !l.startsWith("Running as user"))
                .toList();
    }

    @Override
    public void close() {
        process.stop();
    }
}
