package dev.wirelab.viz;

import dev.wirelab.sim.LinkSpec;
import dev.wirelab.sim.Ratio;
import dev.wirelab.sim.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenario lab's fault controls: loss, duplication and reordering put on every host's links
 * (both directions) on top of what the scenario file says, as if each host's {@code links.both}
 * had these fields. Empty fields leave the file's values. Probabilities are written as in scenario
 * files (5%, 1/3, 0.25).
 *
 * @param loss             independent loss
 * @param duplicate        a copy arrives too
 * @param reorder          held back by {@code reorderDelayMs} more
 * @param reorderDelayMs   how much longer a reordered datagram takes; default 20 ms
 */
record LabFaults(String loss, String duplicate, String reorder, Long reorderDelayMs) {
    static final long DEFAULT_REORDER_DELAY_MS = 20;
    /** The longest reorder delay the form takes: a minute of virtual time. */
    static final long REORDER_DELAY_MS_MAX = 60_000;

    boolean none() {
        return blank(loss) && blank(duplicate) && blank(reorder);
    }

    Scenario applyTo(Scenario s) {
        if (none()) {
            return s;
        }
        Ratio l = ratio("loss", loss);
        Ratio d = ratio("duplicate", duplicate);
        Ratio r = ratio("reorder", reorder);
        long delayMs = reorderDelayMs == null ? DEFAULT_REORDER_DELAY_MS : reorderDelayMs;
        if (delayMs < 0 || delayMs > REORDER_DELAY_MS_MAX) {
            throw new IllegalArgumentException("faults.reorderDelayMs: " + delayMs + " ms; give 0 to " + REORDER_DELAY_MS_MAX);
        }
        List<Scenario.HostSpec> hosts = new ArrayList<>();
        for (Scenario.HostSpec h : s.hosts()) {
            hosts.add(new Scenario.HostSpec(h.name(), h.network(), h.endpoint(), h.addresses(), h.profile(), h.wallStartNanos(),
                    h.driftPartsPerMillion(), link(h.up(), l, d, r, delayMs), link(h.down(), l, d, r, delayMs), h.privateKey(),
                    h.mtu(), h.peers()));
        }
        return new Scenario(s.file(), s.name(), s.description(), s.seed(), s.durationNanos(), s.networks(), hosts, s.nats(),
                s.attackers(), s.traffic(), s.timeline(), s.expectations());
    }

    private static LinkSpec link(LinkSpec s, Ratio loss, Ratio duplicate, Ratio reorder, long reorderDelayMs) {
        return new LinkSpec(s.delayNanos(), s.jitterNanos(), loss == null ? s.loss() : loss, s.burst(),
                duplicate == null ? s.duplicate() : duplicate, reorder == null ? s.reorder() : reorder,
                reorder == null ? s.reorderDelayNanos() : reorderDelayMs * 1_000_000L, s.bitsPerSecond(), s.queueBytesMax(),
                s.mtu(), s.partitions());
    }

    private static Ratio ratio(String field, String text) {
        if (blank(text)) {
            return null;
        }
        try {
            return Ratio.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("faults." + field + ": " + e.getMessage());
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
