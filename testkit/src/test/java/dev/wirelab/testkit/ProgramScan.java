package dev.wirelab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds where Java sources start external programs, by the shapes that start them here: a string
 * literal first in an argument vector ({@code run("ip", …)}, {@code List.of("wg", …)}, {@code new
 * ProcessBuilder("xz", …)}, {@code argv.add("setsid")}, {@code v4 ? "iptables-restore" : …}), or an
 * absolute path to a binary ({@code "/usr/bin/tshark"}). The first three shapes also match words that
 * are not programs ({@code List.of("ping", "udp_flow")} names traffic kinds), so such a literal counts
 * only when a program of that name is installed ({@code isProgram}); a path always counts.
 */
final class ProgramScan {
    /** A program started at a line of a file. */
    record Use(Path file, int line, String program) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + program;
        }
    }

    private static final String NAME = "([a-z0-9][a-z0-9_.+-]*)";
    private static final Pattern ARGV_FIRST = Pattern.compile(
            "(?:\\bList\\.of|\\bArrays\\.asList|\\bnew ProcessBuilder|\\brun|\\btryRun|\\bstart|\\bexec|\\bmust|\\bquiet"
                    + "|\\bhasCommand|\\bcommandLine)\\(\\s*\"" + NAME + "\"");
    private static final Pattern ADD = Pattern.compile("\\.add\\(\\s*\"" + NAME + "\"\\s*\\)");
    private static final Pattern TERNARY = Pattern.compile("\\?\\s*\"" + NAME + "\"\\s*:\\s*\"" + NAME + "\"");
    private static final Pattern PATH = Pattern.compile("\"(?:/usr)?/s?bin/" + NAME + "\"");

    /** Where a program is looked for, as .ci/run's check looks for it. */
    static final List<Path> BIN_DIRS = Stream.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin",
            "/sbin", "/bin").map(Path::of).toList();

    private ProgramScan() {
    }

    /** True when an executable of that name is installed in one of {@link #BIN_DIRS}. */
    static boolean installed(String name) {
        return BIN_DIRS.stream().map(d -> d.resolve(name)).anyMatch(Files::isExecutable);
    }

    /**
     * The programs one file's lines start. {@code known} names count whether or not they are
     * installed; other argument-vector words count when {@code installed} says so.
     */
    static List<Use> scan(Path file, List<String> lines, Set<String> known, java.util.function.Predicate<String> installed) {
        List<Use> uses = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("*") || line.startsWith("//") || line.startsWith("/*")) {
                continue; // comments and javadoc name programs without starting them
            }
            int at = i + 1;
            for (Pattern p : List.of(ARGV_FIRST, ADD, TERNARY)) {
                Matcher m = p.matcher(line);
                while (m.find()) {
                    for (int g = 1; g <= m.groupCount(); g++) {
                        String word = m.group(g);
                        if (known.contains(word) || installed.test(word)) {
                            uses.add(new Use(file, at, word));
                        }
                    }
                }
            }
            Matcher m = PATH.matcher(line);
            while (m.find()) {
                uses.add(new Use(file, at, m.group(1)));
            }
        }
        return uses;
    }

    /** Every Java source of every module under {@code root} (main and test), but {@code except}. */
    static List<Use> scanTree(Path root, Set<String> known, Set<Path> except) {
        List<Use> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(ProgramScan::isModuleSource).sorted().toList()) {
                Path relative = root.relativize(f);
                if (except.stream().noneMatch(relative::startsWith)) {
                    uses.addAll(scan(relative, Files.readAllLines(f), known, ProgramScan::installed));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }

    private static boolean isModuleSource(Path f) {
        String s = f.toString();
        return s.endsWith(".java") && (s.contains("/src/main/java/") || s.contains("/src/test/java/"))
                && !s.contains("/target/") && !s.contains("/.git/");
    }
}
