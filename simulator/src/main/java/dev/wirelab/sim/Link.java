package dev.wirelab.sim;

import dev.wirelab.engine.Entropy;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction of a wire: applies its {@link LinkSpec} (partitions, MTU, loss, bursts, queue and
 * rate, delay, jitter, reordering, duplication) and hands survivors to its receiver later on the
 * event queue. Every loss is a trace event naming the cause. {@link Tap}s sit on the wire before
 * all of that: an on-path observer or tamperer (a replay attacker, a bit flipper).
 */
public final class Link {
    /**
     * Something on the wire that sees every datagram put on this link, in order, before the link's
     * faults apply, and hands on the datagram to carry: the same one, or an altered copy.
     */
    @FunctionalInterface
    public interface Tap {
        Datagram onWire(Datagram datagram);
    }

    private final String name;
    private final EventQueue events;
    private final Entropy entropy;
    private final Trace trace;
    private final Receiver receiver;
    private final List<Tap> taps = new ArrayList<>();
    private LinkSpec spec;
    private boolean burstBad;
    /** When the transmitter is free again (rate limiting). */
    private long busyUntil;

    public Link(String name, LinkSpec spec, EventQueue events, Entropy entropy, Trace trace, Receiver receiver) {
        this.name = name;
        this.spec = spec;
        this.events = events;
        this.entropy = entropy;
        this.trace = trace;
        this.receiver = receiver;
    }

    public String name() {
        return name;
    }

    public LinkSpec spec() {
        return spec;
    }

    /** Changes the link's behaviour from now on (faults on a timeline). */
    public void setSpec(LinkSpec spec) {
        this.spec = spec;
    }

    /** Adds a tap after those already on the wire; taps see datagrams in the order they were added. */
    public void addTap(Tap tap) {
        taps.add(tap);
    }

    /** Puts {@code d} on the wire now. */
    public void transmit(Datagram datagram) {
        Datagram d = datagram;
        for (Tap tap : taps) {
            d = tap.onWire(d);
        }
        long now = events.now();
        for (LinkSpec.Partition p : spec.partitions()) {
            if (p.covers(now)) {
                lost(d, "partition");
                return;
            }
        }
        if (spec.mtu() > 0 && d.wireLength() > spec.mtu()) {
            lost(d, "mtu");
            return;
        }
        if (spec.burst() != null) {
            LinkSpec.GilbertElliott ge = spec.burst();
            boolean lost = (burstBad ? ge.lossBad() : ge.lossGood()).draw(entropy);
            burstBad = burstBad ? !ge.badToGood().draw(entropy) : ge.goodToBad().draw(entropy);
            if (lost) {
                lost(d, "burst-loss");
                return;
            }
        }
        if (spec.loss().draw(entropy)) {
            lost(d, "loss");
            return;
        }
        long departure = now;
        if (spec.bitsPerSecond() > 0) {
            long start = Math.max(now, busyUntil);
            long backlogBytes = (start - now) * spec.bitsPerSecond() / 8 / 1_000_000_000L;
            if (spec.queueBytesMax() > 0 && backlogBytes + d.wireLength() > spec.queueBytesMax()) {
                lost(d, "queue-full");
                return;
            }
            busyUntil = start + d.wireLength() * 8L * 1_000_000_000L / spec.bitsPerSecond();
            departure = busyUntil;
        }
        schedule(d, departure);
        if (spec.duplicate().draw(entropy)) {
            Datagram copy = new Datagram(events.nextDatagramId(), d.source(), d.destination(), d.payload(), d.id());
            trace.record(name, "link.duplicate", "id", d.id(), "copy", copy.id());
            schedule(copy, departure);
        }
    }

    private void schedule(Datagram d, long departure) {
        long delay = spec.delayNanos();
        if (spec.jitterNanos() > 0) {
            delay += entropy.nextLong(spec.jitterNanos() + 1);
        }
        if (spec.reorder().draw(entropy)) {
            delay += spec.reorderDelayNanos();
            trace.record(name, "link.reorder", "id", d.id(), "extraNanos", spec.reorderDelayNanos());
        }
        events.at(departure + delay, () -> receiver.receive(d));
    }

    private void lost(Datagram d, String cause) {
        trace.record(name, "link.lost", "id", d.id(), "cause", cause);
    }
}
