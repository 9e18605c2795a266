package dev.wirelab.engine.device;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;

/** One effect as a value, as {@link RecordedEffects} keeps them. */
public sealed interface Effect {
    record Send(Endpoint to, Bytes datagram) implements Effect {}

    record Deliver(Bytes packet) implements Effect {}

    record Drop(DropReason reason, Endpoint from) implements Effect {}

    record Trace(TraceEvent event) implements Effect {}
}
