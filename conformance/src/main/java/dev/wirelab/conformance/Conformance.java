package dev.wirelab.conformance;

import dev.wirelab.conformance.CheckResult.Status;
import dev.wirelab.interop.Implementation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs checks against targets and reports the matrix: a table for the terminal, Markdown, and JUnit
 * XML (one testcase per check and target) for CI.
 */
public final class Conformance {
    private Conformance() {}

    /** The targets {@code --target all} stands for. */
    public static final List<String> ALL = List.of("wirelab", "wireguard-go", "wireguard-go-2023", "kernel");

    /** The forms of a target, for help texts and errors. */
    public static final String FORMS = "wirelab, wirelab:PROFILE (reference, wireguard-go, boringtun), wireguard-go,"
            + " wireguard-go-2023, kernel, kernel:/boot/vmlinuz-VERSION, 'exec:COMMAND ARGS… {ifname}', or all";

    /**
     * The target {@code spec} names: a fresh object (the kernel one owns a VM once started), or an
     * IllegalArgumentException naming the forms.
     */
    public static Target target(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? null : spec.substring(colon + 1);
        return switch (kind) {
            case "wirelab" -> {
                if (arg != null) {
                    dev.wirelab.engine.Profile.named(arg); // an unknown profile is refused here, not in the device
                }
                yield Target.inNamespace(Implementation.wirelab(spec, List.of(), arg, null, null));
            }
            case "wireguard-go" -> Target.inNamespace(Implementation.WIREGUARD_GO);
            case "wireguard-go-2023" -> {
                if (!Files.isExecutable(Implementation.WIREGUARD_GO_2023_BINARY)) {
                    throw new IllegalArgumentException("wireguard-go-2023 is not installed: " + Implementation.WIREGUARD_GO_2023_BINARY
                            + " is missing. `sudo .ci/run` fetches Debian trixie's wireguard-go 0.0.20231211 there.");
                }
                yield Target.inNamespace(Implementation.WIREGUARD_GO_2023);
            }
            case "kernel" -> {
                if (arg == null) {
                    yield Target.kernel();
                }
                try {
                    yield Target.kernel(spec, dev.wirelab.interop.KernelImage.at(Path.of(arg)));
                } catch (IOException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            case "exec" -> Target.inNamespace(Implementation.exec(arg == null ? "" : arg));
            default -> throw new IllegalArgumentException("unknown target '" + spec + "': use " + FORMS);
        };
    }

    /**
     * Runs {@code checks} against {@code target}, one fresh lab each, reporting progress as it goes.
     * A check that throws is an ERROR (the harness's problem), never a FAIL.
     */
    public static List<CheckResult> run(Target target, List<Check> checks, Path logDir, Consumer<String> progress) {
        List<CheckResult> results = new ArrayList<>();
        int i = 0;
        for (Check check : checks) {
            i++;
            progress.accept(String.format(Locale.ROOT, "[%s %d/%d] %s …", target.name(), i, checks.size(), check.name()));
            CheckResult r = runOne(target, check, logDir);
            results.add(r);
            progress.accept(String.format(Locale.ROOT, "[%s %d/%d] %s: %s — %s%s (%.1f s)", target.name(), i, checks.size(),
                    check.name(), r.status(), r.measured(), r.detail().isEmpty() ? "" : " — " + r.detail(), r.millis() / 1000.0));
        }
        return results;
    }

    /**
     * Runs one check in a fresh lab. The cell's directory, {@code logDir/TARGET/CHECK}, receives the
     * target's logs and the cell's {@link Evidence}.
     */
    public static CheckResult runOne(Target target, Check check, Path logDir) {
        long start = System.nanoTime();
        Check.Outcome o;
        Path logs = cellDirectory(logDir, target.name(), check.name());
        HarnessPeer harness = null;
        try (Lab lab = Lab.start(target, logs, check.targetKnowsHarness())) {
            harness = lab.harness;
            o = check.run(lab);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            o = new Check.Outcome(Status.ERROR, "interrupted", "interrupted");
        } catch (Exception e) {
            o = new Check.Outcome(Status.ERROR, "harness error", e.toString());
        }
        o = judged(target.differencesOf(), o);
        Evidence evidence = null;
        if (harness != null) {
            // Written once the lab is closed: the harness's sockets are shut, so its record is complete.
            try {
                evidence = Evidence.write(harness, logs);
            } catch (IOException e) {
                // The verdict stands; only what a person would look at is missing.
                o = new Check.Outcome(o.status(), o.measured(), (o.detail().isEmpty() ? "" : o.detail() + "; ")
                        + "the cell's capture and key log could not be written to " + logs + " (" + e
                        + "): give --logs a writable directory with space", o.difference());
            }
        }
        return new CheckResult(check.name(), target.name(), o.status(), o.measured(), o.detail(),
                (System.nanoTime() - start) / 1_000_000, evidence);
    }

    /** Where a cell's logs and evidence go: one directory per target, one below it per check. */
    public static Path cellDirectory(Path logDir, String target, String check) {
        return logDir.resolve(fileName(target)).resolve(check);
    }

    /** A target's name as one file name: an exec: target's command has slashes and spaces. */
    public static String fileName(String target) {
        return target.replaceAll("[^A-Za-z0-9._:-]+", "_");
    }

    /** A DIFFERS outcome stays DIFFERS only where Differences declares it for the target; else FAIL. */
    static Check.Outcome judged(String target, Check.Outcome o) {
        if (o.status() != Status.DIFFERS) {
            return o;
        }
        return Differences.declared(target, o.difference())
                .map(d -> new Check.Outcome(Status.DIFFERS, o.measured(), "declared difference " + d.key() + ": " + d.what()
                        + " (" + d.source() + ")", d.key()))
                .orElseGet(() -> new Check.Outcome(Status.FAIL, o.measured(), "an undeclared difference (" + o.difference()
                        + "): " + o.detail() + "; conformance/DIFFERENCES.md declares which targets may have it", o.difference()));
    }

    /** The matrix as a plain-text table: one row per check, one column per target. */
    public static String table(List<CheckResult> results) {
        Set<String> targets = new LinkedHashSet<>();
        Set<String> checks = new LinkedHashSet<>();
        Map<String, CheckResult> cell = new LinkedHashMap<>();
        for (CheckResult r : results) {
            targets.add(r.target());
            checks.add(r.check());
            cell.put(r.check() + "\u0000" + r.target(), r);
        }
        int w = checks.stream().mapToInt(String::length).max().orElse(5);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", "check"));
        for (String t : targets) {
            sb.append(String.format(Locale.ROOT, "  %-14s", t));
        }
        sb.append('\n');
        for (String c : checks) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", c));
            for (String t : targets) {
                CheckResult r = cell.get(c + "\u0000" + t);
                sb.append(String.format(Locale.ROOT, "  %-14s", r == null ? "-" : r.status()));
            }
            sb.append('\n');
        }
        sb.append('\n');
        for (CheckResult r : results) {
            sb.append(r.target()).append(' ').append(r.check()).append(": ").append(r.measured());
            if (!r.detail().isEmpty()) {
                sb.append(" — ").append(r.detail());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The matrix in Markdown: status and measured value in each cell, and links to the cell's capture
     * and key log, relative to {@code reportDir}, the directory the Markdown file is written to.
     */
    public static String markdown(List<CheckResult> results, List<Check> checks, Path reportDir) {
        Set<String> targets = new LinkedHashSet<>();
        results.forEach(r -> targets.add(r.target()));
        StringBuilder sb = new StringBuilder("| check | ");
        sb.append(String.join(" | ", targets)).append(" |\n| --- |");
        targets.forEach(t -> sb.append(" --- |"));
        sb.append('\n');
        for (Check c : checks) {
            sb.append("| `").append(c.name()).append("` |");
            for (String t : targets) {
                CheckResult r = results.stream().filter(x -> x.check().equals(c.name()) && x.target().equals(t)).findFirst()
                        .orElse(null);
                sb.append(' ').append(r == null ? "–" : "**" + r.status() + "** " + escape(r.measured())
                        + (r.detail().isEmpty() ? "" : " (" + escape(r.detail()) + ")") + links(r.evidence(), reportDir))
                        .append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n');
        for (Check c : checks) {
            sb.append("- `").append(c.name()).append("`: ").append(c.description()).append('\n');
        }
        return sb.toString();
    }

    private static String links(Evidence evidence, Path reportDir) {
        return evidence == null ? "" : " [pcap](" + link(reportDir, evidence.pcap()) + ") [keys](" + link(reportDir, evidence.keylog()) + ")";
    }

    /**
     * {@code file} as a relative link from {@code dir}, percent-encoded where a URL needs it. A link
     * that does not climb out starts with "./": a target's directory such as "wirelab:boringtun" would
     * otherwise read as a URL scheme.
     */
    static String link(Path dir, Path file) {
        Path relative = dir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        String path = relative.toString().replace(java.io.File.separatorChar, '/');
        try {
            // Parentheses are legal in a URL but end a Markdown link.
            return new java.net.URI(null, null, path.startsWith("../") ? path : "./" + path, null).toASCIIString()
                    .replace("(", "%28").replace(")", "%29");
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("no link to " + file + ": " + e.getMessage(), e);
        }
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /**
     * JUnit XML: one testsuite per target, one testcase per check; FAIL and ERROR are failures. A
     * testcase's system-out names the cell's capture and key log.
     */
    public static void writeJunit(List<CheckResult> results, Path out) throws IOException {
        Map<String, List<CheckResult>> byTarget = new LinkedHashMap<>();
        for (CheckResult r : results) {
            byTarget.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"wirelab conformance\">\n");
        for (Map.Entry<String, List<CheckResult>> e : byTarget.entrySet()) {
            List<CheckResult> rs = e.getValue();
            long failures = rs.stream().filter(r -> r.status() == Status.FAIL).count();
            long errors = rs.stream().filter(r -> r.status() == Status.ERROR).count();
            sb.append(String.format(Locale.ROOT, "  <testsuite name=\"conformance.%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\">%n",
                    xml(e.getKey()), rs.size(), failures, errors));
            for (CheckResult r : rs) {
                sb.append(String.format(Locale.ROOT, "    <testcase classname=\"conformance.%s\" name=\"%s\" time=\"%.3f\">",
                        xml(r.target()), xml(r.check()), r.millis() / 1000.0));
                List<String> said = new ArrayList<>();
                switch (r.status()) {
                    case FAIL -> sb.append("<failure message=\"").append(xml(r.detail())).append("\">").append(xml(r.measured()))
                            .append("</failure>");
                    case ERROR -> sb.append("<error message=\"").append(xml(r.detail())).append("\"/>");
                    case DIFFERS, PASS -> said.add(r.status() + ": " + r.measured() + (r.detail().isEmpty() ? "" : " — " + r.detail()));
                }
                // The schema allows one system-out, after the failure or error: where to look at what happened.
                if (r.evidence() != null) {
                    said.add("capture " + r.evidence().pcap() + ", key log " + r.evidence().keylog()
                            + ": open both in the visualizer's capture section (`wirelab serve`), or run " + r.evidence().tsharkCommand());
                }
                if (!said.isEmpty()) {
                    sb.append("<system-out>").append(xml(String.join("\n", said))).append("</system-out>");
                }
                sb.append("</testcase>\n");
            }
            sb.append("  </testsuite>\n");
        }
        sb.append("</testsuites>\n");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
