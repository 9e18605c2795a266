package dev.wirelab.mutants;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.Effects;

/**
 * The bodies of {@link Edit.Redirect} edits: faults that take more than a changed constant or call.
 * Each has the parameters of the engine method it replaces.
 */
public final class Faults {
    private Faults() {
    }

    /**
     * Device.drop, answering: every datagram the device drops gets a datagram back, as an
     * implementation that replies with an error message would (a scanner learns the port is live).
     */
    public static void drop(Effects out, DropReason reason, Endpoint from, PublicKey peer) {
        out.drop(reason, from);
        if (from != null) {
            out.send(from, new byte[] {4, 0, 0, 0});
        }
    }
}
