package dev.wirelab.vectors;

import dev.wirelab.engine.transport.ReplayWindow;
import java.util.function.LongPredicate;

/**
 * Makes fresh replay windows for the replay-window vectors, so that any implementation of the
 * kernel / wireguard-go filter can be checked, not only the engine's final class.
 */
@FunctionalInterface
public interface ReplayWindows {

    /**
     * A new, empty window whose test returns what {@code accept(counter)} returns: true the first
     * time an in-range counter is seen. Counters and the limit are unsigned 64-bit values in longs.
     */
    LongPredicate newWindow(long rejectAfterMessages);

    /** The engine's {@link ReplayWindow}. */
    static ReplayWindows engine() {
        return rejectAfterMessages -> new ReplayWindow(rejectAfterMessages)::accept;
    }
}
