package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;

/**
 * A UDP datagram on a virtual wire. {@code id} names it in the trace across hops (a duplicate or a
 * replay gets a new id and says which it copies in {@code copyOf}, 0 for an original).
 */
public record Datagram(long id, Endpoint source, Endpoint destination, Bytes payload, long copyOf) {
    /** IPv4 (20) or IPv6 (40) header plus UDP (8): what the payload costs on a link. */
    public int wireLength() {
        return payload.length() + (source.address().length() == 4 ? 28 : 48);
    }

    public Datagram withSource(Endpoint s) {
        return new Datagram(id, s, destination, payload, copyOf);
    }

    public Datagram withDestination(Endpoint d) {
        return new Datagram(id, source, d, payload, copyOf);
    }
}
