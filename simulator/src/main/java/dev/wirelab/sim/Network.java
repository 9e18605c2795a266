package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import java.util.HashMap;
import java.util.Map;

/**
 * A network segment (the internet, or a LAN behind a NAT): delivers a datagram to whatever is
 * attached at its destination address, through that attachment's downlink. A segment behind a NAT
 * sends everything else to its gateway. Delivery inside the segment is instant: delays live in links.
 */
public final class Network implements Receiver {
    private final String name;
    private final Trace trace;
    private final Map<Bytes, Link> downlinks = new HashMap<>();
    private Receiver gateway;

    public Network(String name, Trace trace) {
        this.name = name;
        this.trace = trace;
    }

    public String name() {
        return name;
    }

    /** Datagrams for {@code address} leave the segment through {@code downlink}. */
    public void attach(Bytes address, Link downlink) {
        downlinks.put(address, downlink);
    }

    public void detach(Bytes address) {
        downlinks.remove(address);
    }

    /** Where datagrams for unknown addresses go (a NAT's inside), or null to drop them. */
    public void setGateway(Receiver gateway) {
        this.gateway = gateway;
    }

    @Override
    public void receive(Datagram d) {
        Link down = downlinks.get(d.destination().address());
        if (down != null) {
            down.transmit(d);
        } else if (gateway != null) {
            gateway.receive(d);
        } else {
            trace.record(name, "net.unreachable", "id", d.id(), "dst", d.destination().toString());
        }
    }
}
