package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A NAT box (RFC 4787 terms): endpoint-independent mapping (one public port per inside endpoint),
 * a filtering policy for what may come back in, mappings that expire when idle, and rebinding
 * (every mapping gets a new public port, as after a NAT reboot). It sits between an inside
 * segment, as its gateway, and an outside link pair.
 */
public final class Nat implements Receiver {
    /** What may reach an inside endpoint through its mapping. */
    public enum Filtering {
        /** Anyone who knows the public endpoint ("full cone"). */
        ENDPOINT_INDEPENDENT,
        /** Only addresses the inside endpoint has sent to. */
        ADDRESS_DEPENDENT,
        /** Only exact address and port pairs the inside endpoint has sent to. */
        ADDRESS_AND_PORT_DEPENDENT
    }

    private final class Mapping {
        final Endpoint inside;
        final int publicPort;
        long lastOutboundNanos;
        final Set<Bytes> addresses = new HashSet<>();
        final Set<Endpoint> endpoints = new HashSet<>();

        Mapping(Endpoint inside, int publicPort) {
            this.inside = inside;
            this.publicPort = publicPort;
        }
    }

    private final String name;
    private final EventQueue events;
    private final Trace trace;
    private final Bytes publicAddress;
    private final Filtering filtering;
    private final long mappingTimeoutNanos;
    private final Network inside;
    private final Map<Endpoint, Mapping> byInside = new HashMap<>();
    private final Map<Integer, Mapping> byPort = new HashMap<>();
    private Link outsideUplink;
    private int nextPort;

    public Nat(String name, EventQueue events, Trace trace, Bytes publicAddress, Filtering filtering,
            long mappingTimeoutNanos, Network inside, int firstPort) {
        this.name = name;
        this.events = events;
        this.trace = trace;
        this.publicAddress = publicAddress;
        this.filtering = filtering;
        this.mappingTimeoutNanos = mappingTimeoutNanos;
        this.inside = inside;
        this.nextPort = firstPort;
        inside.setGateway(this::outbound);
    }

    public String name() {
        return name;
    }

    public Bytes publicAddress() {
        return publicAddress;
    }

    /** The public endpoint {@code inside} is mapped to now, or null when it has no live mapping. */
    public Endpoint publicEndpointOf(Endpoint inside) {
        Mapping m = byInside.get(inside);
        return m == null || events.now() - m.lastOutboundNanos > mappingTimeoutNanos ? null : publicEndpoint(m);
    }

    /** The link toward the outside segment. */
    public void setOutsideUplink(Link uplink) {
        this.outsideUplink = uplink;
    }

    /** From inside, toward anywhere else: map, remember the remote, translate the source. */
    private void outbound(Datagram d) {
        long now = events.now();
        Mapping m = byInside.get(d.source());
        if (m != null && now - m.lastOutboundNanos > mappingTimeoutNanos) {
            expire(m);
            m = null;
        }
        if (m == null) {
            m = new Mapping(d.source(), allocatePort());
            byInside.put(d.source(), m);
            byPort.put(m.publicPort, m);
            trace.record(name, "nat.map", "inside", d.source().toString(), "public", publicEndpoint(m).toString());
        }
        m.lastOutboundNanos = now;
        m.addresses.add(d.destination().address());
        m.endpoints.add(d.destination());
        outsideUplink.transmit(d.withSource(publicEndpoint(m)));
    }

    /** From outside, to our public address: find the mapping, apply the filter, translate. */
    @Override
    public void receive(Datagram d) {
        long now = events.now();
        Mapping m = byPort.get(d.destination().port());
        if (m != null && now - m.lastOutboundNanos > mappingTimeoutNanos) {
            expire(m);
            m = null;
        }
        if (m == null) {
            trace.record(name, "nat.drop", "id", d.id(), "cause", "no-mapping", "dst", d.destination().toString());
            return;
        }
        boolean allowed = switch (filtering) {
            case ENDPOINT_INDEPENDENT -> true;
            case ADDRESS_DEPENDENT -> m.addresses.contains(d.source().address());
            case ADDRESS_AND_PORT_DEPENDENT -> m.endpoints.contains(d.source());
        };
        if (!allowed) {
            trace.record(name, "nat.drop", "id", d.id(), "cause", "filtered", "src", d.source().toString());
            return;
        }
        inside.receive(d.withDestination(m.inside));
    }

    /** Every mapping moves to a new public port, as when a NAT reboots or rebinds. */
    public void rebind() {
        for (Mapping m : byInside.values().toArray(new Mapping[0])) {
            byPort.remove(m.publicPort);
            Mapping moved = new Mapping(m.inside, allocatePort());
            moved.lastOutboundNanos = m.lastOutboundNanos;
            moved.addresses.addAll(m.addresses);
            moved.endpoints.addAll(m.endpoints);
            byInside.put(m.inside, moved);
            byPort.put(moved.publicPort, moved);
            trace.record(name, "nat.rebind", "inside", m.inside.toString(), "public", publicEndpoint(moved).toString());
        }
    }

    private void expire(Mapping m) {
        byInside.remove(m.inside);
        byPort.remove(m.publicPort);
        trace.record(name, "nat.expire", "inside", m.inside.toString(), "public", publicEndpoint(m).toString());
    }

    private int allocatePort() {
        int p = nextPort;
        nextPort = nextPort >= 65535 ? 1024 : nextPort + 1;
        return p;
    }

    private Endpoint publicEndpoint(Mapping m) {
        return new Endpoint(publicAddress, m.publicPort);
    }
}
