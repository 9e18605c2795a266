package dev.wirelab.cli;

import dev.wirelab.sim.scenario.Scenario;
import dev.wirelab.sim.scenario.ScenarioError;
import dev.wirelab.sim.scenario.ScenarioFile;
import dev.wirelab.sim.scenario.ScenarioRun;
import dev.wirelab.sim.scenario.Verdict;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab suite DIR}: runs every scenario file in a directory (sorted by name), one
 * progress line each, and optionally writes JUnit XML for CI. A file that cannot be read is
 * reported and the rest still run.
 */
@Command(
        name = "suite", header = "Run a directory of scenarios; JUnit XML for CI.",
        description = {
            "Run every scenario file (*.yaml) in a directory and check their expectations.",
            "Files run in name order; --shard I/N runs files I, I+N, I+2N, ... (I from 1), to split a suite across CI runners.",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every expectation of every scenario held",
            "1:an expectation failed",
            "2:bad input: a scenario file that cannot run (the others still run), no scenarios, bad options",
        },
        footer = {
            "%nExamples:",
            "  wirelab suite simulator/scenarios",
            "  wirelab suite simulator/scenarios --junit target/scenarios.xml --shard 2/4",
        })
final class Suite implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "directory of scenario files")
    private Path dir;

    @Option(names = "--seed", paramLabel = "N", description = "run every scenario with this seed instead of its own")
    private Long seed;

    @Option(names = "--junit", paramLabel = "OUT.xml", description = "write the results as JUnit XML")
    private Path junit;

    @Option(names = "--shard", paramLabel = "I/N", description = "run only shard I of N (1 <= I <= N)")
    private String shard;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    private boolean help;

    @Spec
    private CommandSpec spec;

    /** One file's outcome: a result, or the error that kept it from running. */
    record Outcome(Path file, String name, ScenarioRun.Result result, String error, long wallNanos) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int index = 1;
        int of = 1;
        if (shard != null) {
            String[] parts = shard.split("/", -1);
            try {
                index = Integer.parseInt(parts[0].strip());
                of = Integer.parseInt(parts[1].strip());
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                index = 0;
            }
            if (parts.length != 2 || of < 1 || index < 1 || index > of) {
                err.println("wirelab suite: --shard wants I/N with 1 <= I <= N, such as 2/4; got '" + shard + "'");
                return 2;
            }
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            err.println("wirelab suite: cannot list " + dir + ": " + e);
            return 2;
        }
        List<Path> selected = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (i % of == index - 1) {
                selected.add(files.get(i));
            }
        }
        if (selected.isEmpty()) {
            err.println("wirelab suite: no scenario files (*.yaml) in " + dir + (shard == null ? "" : " for shard " + shard));
            return 2;
        }
        out.println("running " + selected.size() + " scenarios from " + dir + (shard == null ? "" : " (shard " + shard + " of "
                + files.size() + " files)") + (seed == null ? "" : ", seed " + seed));
        out.flush();
        List<Outcome> outcomes = new ArrayList<>();
        int width = String.valueOf(selected.size()).length();
        long started = System.nanoTime();
        for (int i = 0; i < selected.size(); i++) {
            Path file = selected.get(i);
            String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
            long t0 = System.nanoTime();
            Outcome o;
            try {
                Scenario s = ScenarioFile.read(file);
                o = new Outcome(file, s.name(), ScenarioRun.run(s, seed != null ? seed : s.seed(), null), null, 0);
            } catch (ScenarioError e) {
                o = new Outcome(file, name, null, e.getMessage(), 0);
            }
            o = new Outcome(o.file(), o.name(), o.result(), o.error(), System.nanoTime() - t0);
            outcomes.add(o);
            String status = o.error() != null ? "INVALID" : o.result().passed() ? "pass" : "FAIL";
            out.printf(Locale.ROOT, "[%" + width + "d/%d] %-7s %s (%.2f s)%n", i + 1, selected.size(), status, o.name(), o.wallNanos() / 1e9);
            if (o.error() != null) {
                out.println("    " + o.error());
            } else if (!o.result().passed()) {
                for (Verdict v : o.result().failures()) {
                    out.println("    " + v);
                }
                out.println("    seed " + o.result().seed() + ", reproduce: " + o.result().reproduce());
            }
            out.flush();
        }
        long passed = outcomes.stream().filter(o -> o.result() != null && o.result().passed()).count();
        long failed = outcomes.stream().filter(o -> o.result() != null && !o.result().passed()).count();
        long invalid = outcomes.stream().filter(o -> o.error() != null).count();
        out.printf(Locale.ROOT, "%d scenarios: %d passed, %d failed, %d invalid (%.1f s)%n", outcomes.size(), passed, failed, invalid,
                (System.nanoTime() - started) / 1e9);
        if (junit != null) {
            try {
                writeJunit(junit, outcomes, System.nanoTime() - started);
            } catch (IOException | XMLStreamException e) {
                err.println("wirelab suite: cannot write JUnit XML to " + junit + ": " + e.getMessage());
                return 2;
            }
            out.println("JUnit XML: " + junit);
        }
        if (invalid > 0) {
            err.println("wirelab suite: " + invalid + " scenario files cannot run");
            return 2;
        }
        if (failed > 0) {
            err.println("wirelab suite: " + failed + " scenarios failed: " + String.join(", ",
                    outcomes.stream().filter(o -> o.result() != null && !o.result().passed()).map(Outcome::name).toList()));
            return 1;
        }
        return 0;
    }

    /** The surefire dialect CI servers read: one testsuite, a testcase per scenario. */
    static void writeJunit(Path path, List<Outcome> outcomes, long wallNanos) throws IOException, XMLStreamException {
        long failures = outcomes.stream().filter(o -> o.result() != null && !o.result().passed()).count();
        long errors = outcomes.stream().filter(o -> o.error() != null).count();
        try (Writer file = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(file);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", "wirelab scenarios");
            x.writeAttribute("tests", String.valueOf(outcomes.size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", String.valueOf(errors));
            x.writeAttribute("skipped", "0");
            x.writeAttribute("time", seconds(wallNanos));
            x.writeCharacters("\n");
            for (Outcome o : outcomes) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "scenarios");
                x.writeAttribute("name", o.name());
                x.writeAttribute("file", o.file().toString());
                x.writeAttribute("time", seconds(o.wallNanos()));
                if (o.error() != null) {
                    x.writeStartElement("error");
                    x.writeAttribute("type", "ScenarioError");
                    x.writeAttribute("message", o.error());
                    x.writeCharacters(o.error());
                    x.writeEndElement();
                } else {
                    if (!o.result().passed()) {
                        x.writeStartElement("failure");
                        x.writeAttribute("type", "ExpectationFailed");
                        x.writeAttribute("message", String.join("; ", o.result().failures().stream().map(Verdict::toString).toList()));
                        x.writeCharacters(report(o.result()));
                        x.writeEndElement();
                    }
                    x.writeStartElement("system-out");
                    x.writeCharacters(report(o.result()));
                    x.writeEndElement();
                }
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        }
    }

    private static String report(ScenarioRun.Result r) {
        StringWriter s = new StringWriter();
        PrintWriter w = new PrintWriter(s);
        Reports.print(w, r);
        w.flush();
        return s.toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
