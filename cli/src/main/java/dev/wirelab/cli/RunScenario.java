package dev.wirelab.cli;

import dev.wirelab.sim.Simulation;
import dev.wirelab.sim.capture.SimCapture;
import dev.wirelab.sim.scenario.Scenario;
import dev.wirelab.sim.scenario.ScenarioError;
import dev.wirelab.sim.scenario.ScenarioFile;
import dev.wirelab.sim.scenario.ScenarioRun;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab run FILE.yaml}: runs one scenario on the simulator and checks its expectations.
 * Prints each check with what it measured, the trace hash and the command that repeats the run.
 */
@Command(
        name = "run", header = "Run one scenario in the simulator and check it.",
        description = {
            "Run a scenario file in the simulator and check its expectations.",
            "The same file and seed give the same trace, byte for byte, on any machine.",
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every expectation held",
            "1:an expectation failed (named on stderr)",
            "2:bad input: the file (FILE:LINE:COLUMN: field: problem), an unwritable trace, or bad options",
        },
        footer = {
            "%nExamples:",
            "  wirelab run simulator/scenarios/roaming-client.yaml",
            "  wirelab run my.yaml --seed 7 --trace my.jsonl   another seed, keep the trace",
            "  wirelab run my.yaml --pcap my.pcap --keylog my.keys   then open my.pcap in Wireshark",
            "%nThe format: simulator/scenarios/README.md.",
        })
final class RunScenario implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.yaml", description = "the scenario file")
    private Path file;

    @Option(names = "--seed", paramLabel = "N", description = "the root seed (default: the file's `seed`, else 1)")
    private Long seed;

    @Option(names = "--trace", paramLabel = "OUT.jsonl", description = "write the trace there, one JSON object per line")
    private Path trace;

    @Option(names = "--pcap", paramLabel = "OUT.pcap",
            description = "write every datagram that reached a host as a pcap (virtual time, Ethernet/IP/UDP frames)")
    private Path pcap;

    @Option(names = "--keylog", paramLabel = "OUT.keys",
            description = "write a Wireshark WireGuard keylog for every handshake, so tshark decrypts the pcap")
    private Path keylog;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    private boolean help;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Scenario scenario;
        try {
            scenario = ScenarioFile.read(file);
        } catch (ScenarioError e) {
            err.println(e.getMessage());
            return 2;
        }
        long runSeed = seed != null ? seed : scenario.seed();
        ScenarioRun.Result result;
        SimCapture[] capture = new SimCapture[1];
        Consumer<Simulation> prepare = pcap == null && keylog == null ? sim -> { } : sim -> capture[0] = SimCapture.attach(sim);
        try {
            result = runWithTrace(scenario, runSeed, trace, prepare);
        } catch (TraceNotWritten e) {
            err.println("wirelab run: cannot write the trace to " + trace + ": " + e.getCause().getMessage());
            return 2;
        }
        try {
            if (pcap != null) {
                capture[0].writePcap(pcap);
            }
            if (keylog != null) {
                capture[0].writeKeylog(keylog);
            }
        } catch (IOException e) {
            err.println("wirelab run: cannot write the capture: " + e.getMessage());
            return 2;
        }
        Reports.print(out, result);
        if (pcap != null) {
            StringBuilder tshark = new StringBuilder("decrypt with: tshark -r " + pcap);
            if (keylog != null) {
                tshark.append(" -o wg.keylog_file:").append(keylog);
            }
            for (int port : capture[0].ports()) {
                tshark.append(" -d udp.port==").append(port).append(",wg");
            }
            out.println(tshark);
        }
        out.flush();
        if (!result.passed()) {
            err.println("wirelab run: " + result.failures().size() + " of " + result.verdicts().size() + " expectations failed in "
                    + scenario.name() + ": " + String.join("; ", result.failures().stream().map(v -> v.check()).toList()));
            return 1;
        }
        return 0;
    }

    /** Thrown when the trace file cannot be written: bad input (a path), not a failed check. */
    static final class TraceNotWritten extends RuntimeException {
        TraceNotWritten(IOException cause) {
            super(cause);
        }
    }

    /** Runs {@code scenario}, writing its trace to {@code path} when one is given. */
    static ScenarioRun.Result runWithTrace(Scenario scenario, long seed, Path path, Consumer<Simulation> prepare) {
        if (path == null) {
            return ScenarioRun.run(scenario, seed, null, prepare);
        }
        try (BufferedWriter w = Files.newBufferedWriter(path)) {
            Consumer<String> sink = line -> {
                try {
                    w.write(line);
                    w.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            return ScenarioRun.run(scenario, seed, sink, prepare);
        } catch (IOException e) {
            throw new TraceNotWritten(e);
        } catch (UncheckedIOException e) {
            throw new TraceNotWritten(e.getCause());
        }
    }
}
