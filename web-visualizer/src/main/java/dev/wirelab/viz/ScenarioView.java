package dev.wirelab.viz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wirelab.engine.Bytes;
import dev.wirelab.sim.Datagram;
import dev.wirelab.sim.Host;
import dev.wirelab.sim.Wiretap;
import dev.wirelab.sim.capture.SimCapture;
import dev.wirelab.capture.PcapWriter;
import dev.wirelab.sim.scenario.Scenario;
import dev.wirelab.sim.scenario.ScenarioFile;
import dev.wirelab.sim.scenario.ScenarioRun;
import dev.wirelab.sim.scenario.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Section 6, the scenario lab: the built-in scenarios (simulator/scenarios, shipped in this jar
 * under /scenarios), run with a seed by the real simulator; the answer is the run's trace records,
 * its verdicts and the bytes of the datagrams hosts sent, for the sequence diagram.
 */
final class ScenarioView {
    /** Trace records returned per run; a run past it is cut there and says so (hub-1000-peers makes ~10^5). */
    static final int TRACE_RECORDS_MAX = 20_000;
    /** Datagrams whose bytes are kept per run, the first ones sent. */
    static final int DATAGRAMS_MAX = 2_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** name → YAML text, sorted by name. */
    private final Map<String, String> builtIn;

    record Listed(String name, String description) {}

    record VerdictView(String expectation, boolean passed, String detail) {}

    /**
     * A run's answer. {@code cut}: null when it ran to its end; else why it stopped early (a limit of
     * its {@link RunBudget}) and where: then it has no verdicts and no trace hash, only the records
     * it wrote.
     */
    record Run(String name, long seed, boolean passed, List<VerdictView> verdicts, String traceSha256, long traceRecords,
            boolean truncated, List<JsonNode> records, Map<Long, String> datagrams, String cut) {}

    ScenarioView(Map<String, String> builtIn) {
        this.builtIn = new TreeMap<>(builtIn);
    }

    /** The scenarios shipped on the class path under /scenarios. */
    static ScenarioView fromClassPath() {
        try {
            URI uri = ScenarioView.class.getResource("/scenarios").toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return new ScenarioView(read(fs.getPath("/scenarios")));
            }
            return new ScenarioView(read(Path.of(uri)));
        } catch (URISyntaxException | IOException | NullPointerException e) {
            throw new IllegalStateException("the built-in scenarios are missing from the class path (/scenarios)", e);
        }
    }

    private static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> texts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".yaml")).toList()) {
                String name = f.getFileName().toString();
                texts.put(name.substring(0, name.length() - ".yaml".length()), Files.readString(f));
            }
        }
        return texts;
    }

    List<Listed> list() {
        List<Listed> out = new ArrayList<>();
        builtIn.forEach((name, text) -> {
            Scenario s = ScenarioFile.parse(name + ".yaml", text);
            out.add(new Listed(name, s.description() == null ? "" : s.description().strip()));
        });
        return out;
    }

    String yaml(String name) {
        String text = builtIn.get(name);
        if (text == null) {
            throw new IllegalArgumentException("no built-in scenario named '" + name + "'");
        }
        return text;
    }

    /**
     * Runs a built-in scenario, or {@code yaml} when given (pasted by the user), with {@code seed}
     * (null: the file's own). A bad file throws {@link dev.wirelab.sim.scenario.ScenarioError} naming line and field.
     * {@code watch} sees every trace line as the simulator writes it, before it is kept: the
     * streamed run's progress, and its way to stop a run early by throwing.
     */
    Run run(String name, String yamlText, Long seed, LabFaults faults, RunBudget budget, Consumer<String> watch) {
        Scenario scenario = scenario(name, yamlText, faults);
        long chosenSeed = seed == null ? scenario.seed() : seed;
        List<JsonNode> records = new ArrayList<>();
        boolean[] truncated = {false};
        Map<Long, String> datagrams = new LinkedHashMap<>();
        Wiretap tap = new Wiretap() {
            @Override
            public void departed(Host host, Datagram d, long timeNanos) {
                if (datagrams.size() < DATAGRAMS_MAX) {
                    datagrams.put(d.id(), d.payload().hex());
                }
            }
        };
        RunBudget.Meter meter = budget.meter(line -> {
            watch.accept(line);
            if (records.size() < TRACE_RECORDS_MAX) {
                try {
                    records.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("the simulator wrote a trace line that is not JSON: " + line, e);
                }
            } else {
                truncated[0] = true;
            }
        });
        ScenarioRun.Result result;
        try (Slots.Slot heap = reserveHeap(scenario, budget)) {
            result = ScenarioRun.run(scenario, chosenSeed, meter, sim -> sim.addWiretap(tap));
        } catch (RunBudget.Reached cut) {
            return new Run(scenario.name(), chosenSeed, false, List.of(), "", meter.records(), truncated[0], records, datagrams,
                    cut.getMessage());
        }
        List<VerdictView> verdicts = new ArrayList<>();
        for (Verdict v : result.verdicts()) {
            verdicts.add(new VerdictView(v.check(), v.passed(), v.measured()));
        }
        return new Run(scenario.name(), result.seed(), result.passed(), verdicts, result.traceSha256(), result.traceRecords(),
                truncated[0], records, datagrams, null);
    }

    /**
     * The built-in scenario {@code name}, or {@code yamlText} when given (pasted or edited by the
     * user; named pasted.yaml in messages), with the form's faults on its links. A bad file throws
     * {@link dev.wirelab.sim.scenario.ScenarioError} naming line and field.
     */
    private Scenario scenario(String name, String yamlText, LabFaults faults) {
        boolean pasted = yamlText != null && !yamlText.isBlank();
        Scenario s = ScenarioFile.parse(pasted || name == null ? "pasted.yaml" : name + ".yaml", pasted ? yamlText : yaml(name));
        return faults == null ? s : faults.applyTo(s);
    }

    /**
     * Heap a run needs per host to set up: a 20,000-host scenario held about 140 MB live after setup
     * (7 KB a host: keys, Device, queues) and took more while it was set up, so 12 KB. Its traffic adds
     * more as it runs, which the {@link RunBudget.Meter} watches.
     */
    static final long BYTES_PER_HOST = 12 * 1024;
    /**
     * Heap per packet of traffic: the simulator schedules every ping and flow packet when the run
     * starts (an event and its closure, about 100 bytes), so a day of pings per second is 86,400 of them
     * per host before the first one goes.
     */
    static final long BYTES_PER_PACKET = 128;
    /** Heap the server keeps for itself and its pages, whatever runs. */
    static final long BYTES_SERVER = 48L * 1024 * 1024;
    private final java.util.concurrent.atomic.AtomicLong reserved = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Reserves the heap {@code scenario} needs to set up, before it is set up (setup writes no trace, so
     * no meter would stop it): a scenario bigger than the server's whole budget is cut before it starts
     * ({@link RunBudget.Reached}); one that fits but not beside the runs going on is told the server is
     * busy ({@link Slots.Busy}). Closing gives the reservation back.
     */
    Slots.Slot reserveHeap(Scenario scenario, RunBudget budget) {
        long packets = 0;
        for (Scenario.Traffic t : scenario.traffic()) {
            packets += switch (t) {
                case Scenario.Traffic.Ping p -> p.count();
                case Scenario.Traffic.Flow f -> f.count();
            };
        }
        long need = scenario.hosts().size() * BYTES_PER_HOST + packets * BYTES_PER_PACKET;
        long capacity = (long) (Runtime.getRuntime().maxMemory() * budget.heapShareMax()) - BYTES_SERVER;
        if (need > capacity) {
            throw new RunBudget.Reached(String.format(java.util.Locale.ROOT, "not started: its %,d hosts and the %,d packets of"
                    + " traffic it schedules need about %,d MB of the server's heap, and the server's budget for runs is %,d MB",
                    scenario.hosts().size(), packets, need / (1024 * 1024), Math.max(0, capacity) / (1024 * 1024)));
        }
        long now = reserved.addAndGet(need);
        if (now > capacity) {
            reserved.addAndGet(-need);
            throw new Slots.Busy("the server is busy: the runs going on hold " + (now - need) / (1024 * 1024) + " MB of its heap,"
                    + " and this one needs " + need / (1024 * 1024) + " MB more. Try again in a few seconds, or with fewer hosts"
                    + " or less traffic.");
        }
        return () -> reserved.addAndGet(-need);
    }

    /** A run's files, as {@code wirelab run --trace --pcap --keylog} writes them. */
    record RunFiles(String baseName, byte[] trace, byte[] pcap, String keylog) {}

    /** Lines of trace written to a download at most; a longer run's file ends there with a note. */
    static final int TRACE_FILE_LINES_MAX = 500_000;

    /**
     * Runs the scenario again, as {@link #run} did for the page (same file, same seed: the same
     * trace, which its SHA-256 shows), keeping the whole trace, a pcap of every datagram that reached
     * a host and the key log that decrypts it.
     */
    RunFiles files(String name, String yamlText, Long seed, LabFaults faults, RunBudget budget) {
        Scenario scenario = scenario(name, yamlText, faults);
        long chosenSeed = seed == null ? scenario.seed() : seed;
        java.io.ByteArrayOutputStream trace = new java.io.ByteArrayOutputStream();
        long[] lines = {0};
        SimCapture[] capture = new SimCapture[1];
        try (Slots.Slot heap = reserveHeap(scenario, budget)) {
            ScenarioRun.run(scenario, chosenSeed, budget.meter(line -> {
                if (lines[0]++ < TRACE_FILE_LINES_MAX) {
                    trace.writeBytes((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }), sim -> capture[0] = SimCapture.attach(sim));
        } catch (RunBudget.Reached cut) {
            // The files hold what the run did until then; the trace says where and why it ends.
            trace.writeBytes(("{\"cut\":" + quote(cut.getMessage()) + "}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        java.io.ByteArrayOutputStream pcap = new java.io.ByteArrayOutputStream();
        StringBuilder keylog = new StringBuilder();
        try (PcapWriter writer = PcapWriter.open(pcap)) {
            // No capture when the run was cut before it started: an empty pcap and key log.
            if (capture[0] != null) {
                capture[0].writePcap(writer);
                capture[0].keylog().lines().forEach(l -> keylog.append(l).append('\n'));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a pcap written to memory failed", e);
        }
        return new RunFiles(scenario.name() + "-seed" + chosenSeed, trace.toByteArray(), pcap.toByteArray(), keylog.toString());
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A trace record's virtual time, in ns; the header, the one line without it, is at 0. */
    static long virtualTime(String line) {
        try {
            JsonNode t = JSON.readTree(line).get("t");
            return t == null ? 0 : t.asLong();
        } catch (IOException e) {
            throw new UncheckedIOException("the simulator wrote a trace line that is not JSON: " + line, e);
        }
    }

    /** A WireGuard message's bytes, annotated; anything else is one field saying what it is not. */
    static Annotated annotate(String hex) {
        byte[] b = Bytes.fromHex(hex).toByteArray();
        try {
            return Annotated.message("datagram", b);
        } catch (IllegalArgumentException e) {
            return new Annotated("datagram", hex, List.of(new Annotated.Field(0, b.length, "not WireGuard", e.getMessage(), hex, "payload")));
        }
    }
}
