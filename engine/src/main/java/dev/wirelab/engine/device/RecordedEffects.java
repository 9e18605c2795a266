package dev.wirelab.engine.device;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Effects kept as a list of values, for tests and the simulator. Traces are kept only when asked
 * for, since they hold secrets (handshake steps) and cost time.
 */
public final class RecordedEffects implements Effects {
    private final List<Effect> effects = new ArrayList<>();
    private final boolean tracing;

    public RecordedEffects() {
        this(false);
    }

    public RecordedEffects(boolean tracing) {
        this.tracing = tracing;
    }

    @Override
    public void send(Endpoint to, byte[] datagram) {
        effects.add(new Effect.Send(to, Bytes.wrap(datagram)));
    }

    @Override
    public void deliver(byte[] packet) {
        effects.add(new Effect.Deliver(Bytes.wrap(packet)));
    }

    @Override
    public void drop(DropReason reason, Endpoint from) {
        effects.add(new Effect.Drop(reason, from));
    }

    @Override
    public boolean tracing() {
        return tracing;
    }

    @Override
    public void trace(TraceEvent event) {
        if (tracing) {
            effects.add(new Effect.Trace(event));
        }
    }

    public List<Effect> all() {
        return List.copyOf(effects);
    }

    public List<Effect.Send> sent() {
        return effects.stream().filter(Effect.Send.class::isInstance).map(Effect.Send.class::cast).toList();
    }

    public List<Effect.Deliver> delivered() {
        return effects.stream().filter(Effect.Deliver.class::isInstance).map(Effect.Deliver.class::cast).toList();
    }

    public List<Effect.Drop> dropped() {
        return effects.stream().filter(Effect.Drop.class::isInstance).map(Effect.Drop.class::cast).toList();
    }

    public List<TraceEvent> traces() {
        return effects.stream().filter(Effect.Trace.class::isInstance).map(e -> ((Effect.Trace) e).event()).toList();
    }

    public void clear() {
        effects.clear();
    }
}
