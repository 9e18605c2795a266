package dev.wirelab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's annotation processor fails silently when javac does not run it (JDK 23 and later need
 * it on the processor path): this catches a benchmarks jar that would list nothing, or lose one.
 */
class BenchmarkListTest {

    @Test
    void everyBenchmarkIsGenerated() {
        OutputFormat silent = OutputFormatFactory.createFormatInstance(
                new PrintStream(OutputStream.nullOutputStream()), VerboseMode.SILENT);
        Set<String> names = new TreeSet<>();
        for (BenchmarkListEntry entry : BenchmarkList.defaultList().getAll(silent, List.of())) {
            names.add(entry.getUsername());
        }
        assertEquals(
                new TreeSet<>(List.of(
                        "dev.wirelab.bench.AeadBench.open",
                        "dev.wirelab.bench.AeadBench.seal",
                        "dev.wirelab.bench.AllowedIpsBench.lookupIpv4",
                        "dev.wirelab.bench.AllowedIpsBench.lookupIpv6",
                        "dev.wirelab.bench.Blake2sBench.hash",
                        "dev.wirelab.bench.Blake2sBench.hmac",
                        "dev.wirelab.bench.DeviceBench.send",
                        "dev.wirelab.bench.DeviceBench.sendAndReceive",
                        "dev.wirelab.bench.HandshakeBench.consumeResponse",
                        "dev.wirelab.bench.HandshakeBench.createInitiation",
                        "dev.wirelab.bench.HandshakeBench.responder",
                        "dev.wirelab.bench.HandshakeBench.roundTrip",
                        "dev.wirelab.bench.ReplayWindowBench.inOrder",
                        "dev.wirelab.bench.ReplayWindowBench.reordered",
                        "dev.wirelab.bench.SimulatorBench.hubHour",
                        "dev.wirelab.bench.SimulatorBench.pingPair",
                        "dev.wirelab.bench.UnderLoadBench.cookieReply",
                        "dev.wirelab.bench.X25519Bench.publicKey",
                        "dev.wirelab.bench.X25519Bench.sharedSecret")),
                names,
                "benchmarks in META-INF/BenchmarkList");
    }
}
