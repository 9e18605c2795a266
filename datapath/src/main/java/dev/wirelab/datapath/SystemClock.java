package dev.wirelab.datapath;

import dev.wirelab.engine.Now;
import java.time.Instant;
import java.util.function.Supplier;

/** The real clocks as the engine's {@link Now}: System.nanoTime for monotonic time, the wall clock in ns. */
public final class SystemClock implements Supplier<Now> {
    @Override
    public Now get() {
        Instant wall = Instant.now();
        return new Now(System.nanoTime(), wall.getEpochSecond() * 1_000_000_000L + wall.getNano());
    }
}
