package dev.wirelab.engine.device;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;

/**
 * Where a {@link Device} puts what it decided: the caller carries the effects out (the datapath
 * writes to its socket and TUN device, the simulator schedules deliveries). A sink rather than a
 * returned list so the datapath's hot path allocates nothing for it.
 *
 * <p>Arrays passed to {@link #send} and {@link #deliver} are fresh and owned by the receiver.
 */
public interface Effects {
    /** Send {@code datagram} as one UDP payload to {@code to}. */
    void send(Endpoint to, byte[] datagram);

    /** Hand a decrypted IP packet to the tunnel side. */
    void deliver(byte[] packet);

    /** Something was dropped, in silence on the wire; {@code from} is null for outbound packets. */
    void drop(DropReason reason, Endpoint from);

    /** Whether {@link #trace} should be called at all: building trace events costs time. */
    default boolean tracing() {
        return false;
    }

    /** What the protocol did, for the simulator's trace and the visualizer. */
    default void trace(TraceEvent event) {}
}
