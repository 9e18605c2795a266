package dev.wirelab.bench;

import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.transport.ReplayWindow;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The replay check every received transport packet pays after its tag verified: in order (the
 * common case), and with the reordering a multi-queue path produces (each counter arrives within
 * 64 of its place). Nanoseconds per accepted counter.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayWindowBench {
    private ReplayWindow window;
    private long counter;

    @Setup(Level.Iteration)
    public void setUp() {
        window = new ReplayWindow(Protocol.REJECT_AFTER_MESSAGES);
        counter = 0;
    }

    @Benchmark
    public boolean inOrder() {
        return requireAccepted(window.accept(counter++));
    }

    /** Counters in blocks of 64 sent backwards: 63, 62, ..., 0, 127, 126, ... */
    @Benchmark
    public boolean reordered() {
        long c = counter++;
        long reordered = (c & ~63L) | (63 - (c & 63));
        return requireAccepted(window.accept(reordered));
    }

    private static boolean requireAccepted(boolean accepted) {
        if (!accepted) {
            throw new IllegalStateException("the benchmark fed a counter the window rejected: it would time the reject path");
        }
        return true;
    }
}
