package dev.wirelab.sim.scenario;

import dev.wirelab.sim.Trace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What expectations are checked against: the trace of a finished run, indexed by where each record
 * happened, and the names a scenario uses for what the trace spells as keys and prefixes (a host's
 * public key in base64, its tunnel addresses as "10.0.0.1/32").
 */
public final class Evidence {
    private final List<Trace.Record> records;
    private final Map<String, List<Trace.Record>> byAt = new LinkedHashMap<>();
    private final Map<String, String> keys;
    private final Map<String, List<String>> addresses;
    private final long endNanos;

    Evidence(List<Trace.Record> records, Map<String, String> keys, Map<String, List<String>> addresses, long endNanos) {
        this.records = records;
        this.keys = keys;
        this.addresses = addresses;
        this.endNanos = endNanos;
        for (Trace.Record r : records) {
            byAt.computeIfAbsent(r.at(), k -> new ArrayList<>()).add(r);
        }
    }

    public List<Trace.Record> records() {
        return records;
    }

    /** Records that happened at {@code at} (a host, link, NAT or network), in order. */
    public List<Trace.Record> at(String at) {
        return byAt.getOrDefault(at, List.of());
    }

    /** The records of {@code kind} at hosts matching {@code hostPattern} (null: anywhere), in order. */
    public List<Trace.Record> select(String kind, String hostPattern) {
        List<Trace.Record> out = new ArrayList<>();
        if (hostPattern == null) {
            for (Trace.Record r : records) {
                if (r.kind().equals(kind)) {
                    out.add(r);
                }
            }
            return out;
        }
        for (String h : hosts(hostPattern)) {
            for (Trace.Record r : at(h)) {
                if (r.kind().equals(kind)) {
                    out.add(r);
                }
            }
        }
        if (hosts(hostPattern).size() > 1) {
            out.sort((a, b) -> Long.compare(a.time(), b.time()));
        }
        return out;
    }

    /** The base64 public key of host {@code name}, or {@code name} itself when it is not a host (a literal key). */
    public String key(String name) {
        return keys.getOrDefault(name, name);
    }

    /** Tunnel addresses of host {@code name} as the trace writes them ("10.0.0.1/32"). */
    public List<String> addresses(String name) {
        return addresses.getOrDefault(name, List.of());
    }

    public boolean isHost(String name) {
        return keys.containsKey(name);
    }

    /** Host names matching {@code pattern}: a name, or a prefix and "*" ("spoke*"), in scenario order. */
    public List<String> hosts(String pattern) {
        if (!pattern.endsWith("*")) {
            return List.of(pattern);
        }
        String prefix = pattern.substring(0, pattern.length() - 1);
        return keys.keySet().stream().filter(h -> h.startsWith(prefix)).toList();
    }

    /** The virtual time the run ended at. */
    public long endNanos() {
        return endNanos;
    }
}
