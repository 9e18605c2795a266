package dev.wirelab.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs Wireshark's tshark over a pcap with a WireGuard key log and returns the requested fields of
 * every frame. tshark is the oracle: its WireGuard dissector (packet-wireguard.c) re-derives the
 * Noise handshake from the keys with libgcrypt, sharing no code with wirelab.
 *
 * <p>A missing tshark is a failure, not a skip: CI installs Debian's tshark package, and a test
 * that silently does not run proves nothing. It lives in main code, not in a test jar, because the
 * simulator's and the interop module's tests both use it; its failures are AssertionErrors because
 * a test is all it serves.
 */
public final class Tshark {
    private static final Path DEBIAN_PATH = Path.of("/usr/bin/tshark");
    /** tshark decodes a few thousand frames in seconds; this bounds a hung process. */
    private static final long TIMEOUT_SECONDS = 120;

    /** One dissected frame: each field with all its occurrences, in protocol-tree order (outer first). */
    public record Frame(int number, Map<String, List<String>> fields) {
        public List<String> all(String field) {
            List<String> v = fields.get(field);
            if (v == null) {
                throw new IllegalArgumentException("field not requested from tshark: " + field);
            }
            return v;
        }

        /** The only occurrence of {@code field}, or null when absent; fails if it occurs more than once. */
        public String one(String field) {
            List<String> v = all(field);
            if (v.size() > 1) {
                throw new AssertionError("frame " + number + ": " + field + " occurs " + v.size() + " times: " + v);
            }
            return v.isEmpty() ? null : v.getFirst();
        }

        /**
         * Whether a boolean field is present and true. tshark 4.0 prints booleans in -T fields as
         * 1/0; 4.2 and later print True/False.
         */
        public boolean isTrue(String field) {
            String v = one(field);
            return "1".equals(v) || "True".equalsIgnoreCase(v);
        }
    }

    public record Result(List<String> commandLine, List<Frame> frames, String stderr) {}

    private Tshark() {}

    /**
     * The shortest command a person runs to see {@code pcap} decrypted with {@code keylog}, WireGuard
     * dissected on each of {@code ports} (tshark's heuristic finds only some of it otherwise).
     */
    public static String userCommand(Path pcap, Path keylog, List<Integer> ports) {
        StringBuilder s = new StringBuilder("tshark -r " + pcap + " -o wg.keylog_file:" + keylog);
        for (int port : ports) {
            s.append(" -d udp.port==").append(port).append(",wg");
        }
        return s.toString();
    }

    /** The tshark executable, or an AssertionError saying how to install it. */
    public static Path locate() {
        if (Files.isExecutable(DEBIAN_PATH)) {
            return DEBIAN_PATH;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(dir, "tshark");
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("tshark is not installed (looked at " + DEBIAN_PATH + " and on PATH). "
                + "This test is wirelab's independent oracle and is never skipped: install it with "
                + "`apt-get install tshark` (Debian), as CI does.");
    }

    /**
     * Dissects {@code pcap} with WireGuard on both {@code ports}, decrypting with {@code keylog},
     * and returns {@code fields} per frame. {@code workDir} receives an empty Wireshark profile so
     * that a user's own preferences cannot change the result.
     */
    public static Result fields(Path pcap, Path keylog, List<Integer> ports, List<String> fields, Path workDir)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(locate().toString(), "-n", "-r", pcap.toString(),
                "-o", "wg.keylog_file:" + keylog,
                // Checksum validation is off by default; on, tshark reports good/bad for our framing.
                "-o", "ip.check_checksum:TRUE",
                "-o", "udp.check_checksum:TRUE"));
        for (int port : ports) {
            command.addAll(List.of("-d", "udp.port==" + port + ",wg"));
        }
        command.addAll(List.of("-T", "fields", "-E", "header=y", "-E", "separator=/t",
                "-E", "occurrence=a", "-E", "aggregator=,"));
        for (String field : fields) {
            command.addAll(List.of("-e", field));
        }

        Path profile = Files.createDirectories(workDir.resolve("wireshark-profile"));
        Path stderrFile = workDir.resolve("tshark.stderr");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(stderrFile.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("WIRESHARK_CONFIG_DIR", profile.toString());
        Process process = builder.start();
        String stdout;
        try (var in = process.getInputStream()) {
            stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tshark did not finish in " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
        }
        String stderr = Files.readString(stderrFile);
        if (process.exitValue() != 0) {
            throw new AssertionError("tshark exited with " + process.exitValue() + "\ncommand: "
                    + String.join(" ", command) + "\nstderr:\n" + stderr);
        }
        return new Result(command, parse(stdout, fields), stderr);
    }

    private static List<Frame> parse(String stdout, List<String> fields) {
        List<String> lines = stdout.lines().toList();
        if (lines.isEmpty() || !Arrays.asList(lines.getFirst().split("\t", -1)).equals(fields)) {
            throw new AssertionError("tshark printed no header matching the requested fields:\n" + stdout);
        }
        List<Frame> frames = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split("\t", -1);
            if (cells.length != fields.size()) {
                throw new AssertionError("tshark line " + (i + 1) + " has " + cells.length + " cells, expected "
                        + fields.size() + ": " + lines.get(i));
            }
            Map<String, List<String>> values = new LinkedHashMap<>();
            for (int f = 0; f < fields.size(); f++) {
                values.put(fields.get(f), cells[f].isEmpty() ? List.of() : List.of(cells[f].split(",", -1)));
            }
            frames.add(new Frame(i, values));
        }
        return frames;
    }
}
