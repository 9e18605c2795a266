package dev.wirelab.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything that happened in a simulation, in order: one record per event with its virtual time,
 * where it happened (a host, link or box) and what (kind and fields). Records are kept for checks,
 * streamed as JSON lines to an optional sink, and hashed (SHA-256 over the lines) so two runs can
 * be compared byte for byte.
 */
public final class Trace {
    /** The format version written in the first line; bump it when a field changes meaning. */
    public static final int VERSION = 1;

    /** One event. Field values are strings, numbers or booleans. */
    public record Record(long time, String at, String kind, Map<String, Object> fields) {
        public Object get(String field) {
            return fields.get(field);
        }

        public String string(String field) {
            Object v = fields.get(field);
            return v == null ? null : v.toString();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Consumer<String> NO_SINK = line -> { };

    private final EventQueue clock;
    private final List<Record> records = new ArrayList<>();
    private final MessageDigest sha256;
    private final boolean keep;
    /** The line being written; lines are hashed as they are written, not kept as text. */
    private final JsonLine json = new JsonLine();
    private Consumer<String> sink = NO_SINK;
    private long count;

    /** @param keep whether to keep records in memory for checks (a long benchmark run may not) */
    public Trace(EventQueue clock, boolean keep) {
        this.clock = clock;
        this.keep = keep;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Also send every line (header included, if set before it is written) to {@code sink}. */
    public void streamTo(Consumer<String> sink) {
        this.sink = sink;
    }

    /** The first line: format version and what makes the run reproducible. */
    public void header(Map<String, Object> fields) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("wirelab-trace", VERSION);
        h.putAll(fields);
        emit(h);
    }

    /**
     * Records an event now; {@code keyValues} alternate field names and values. When records are
     * not kept, the line is written straight from the arguments, with no map in between.
     */
    public void record(String at, String kind, Object... keyValues) {
        if (!keep && plainFields(keyValues) && writeLine(clock.now(), at, kind, keyValues)) {
            count++;
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            fields.put((String) keyValues[i], keyValues[i + 1]);
        }
        record(at, kind, fields);
    }

    public void record(String at, String kind, Map<String, Object> fields) {
        long time = clock.now();
        count++;
        if (keep) {
            records.add(new Record(time, at, kind, Collections.unmodifiableMap(fields)));
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("t", time);
        line.put("at", at);
        line.put("kind", kind);
        line.putAll(fields);
        emit(line);
    }

    /**
     * Whether the name/value pairs make the same line as the map {@link #record(String, String, Map)}
     * would build from them: names are Strings, none repeats, and none is "t", "at" or "kind"
     * (a map would keep the first place and the last value of a repeated name).
     */
    private static boolean plainFields(Object[] keyValues) {
        // Names are few and almost always distinct: a 64-bit filter of their (cached) hash codes
        // settles most of them without comparing strings; a filter hit is checked exactly.
        long seen = RESERVED_NAMES;
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            if (!(keyValues[i] instanceof String name)) {
                return false;
            }
            long bit = 1L << name.hashCode();
            if ((seen & bit) != 0) {
                if (name.equals("t") || name.equals("at") || name.equals("kind")) {
                    return false;
                }
                for (int j = 0; j < i; j += 2) {
                    if (name.equals(keyValues[j])) {
                        return false;
                    }
                }
            }
            seen |= bit;
        }
        return true;
    }

    /** The filter bits of the names every line starts with (a shift by a hash code uses its low 6 bits). */
    private static final long RESERVED_NAMES = 1L << "t".hashCode() | 1L << "at".hashCode() | 1L << "kind".hashCode();

    /** Writes and hashes one record's line from name/value pairs; false (nothing written) if Jackson must do it. */
    private boolean writeLine(long time, String at, String kind, Object[] keyValues) {
        json.begin();
        json.field("t", time);
        json.field("at", at);
        json.field("kind", kind);
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            json.name((String) keyValues[i]);
            if (!json.value(keyValues[i + 1])) {
                json.discard();
                return false;
            }
        }
        return finishLine();
    }

    private void emit(Map<String, Object> line) {
        json.begin();
        for (Map.Entry<String, Object> e : line.entrySet()) {
            if (e.getKey() == null) {
                emitWithJackson(line);
                return;
            }
            json.name(e.getKey());
            if (!json.value(e.getValue())) {
                emitWithJackson(line);
                return;
            }
        }
        if (!finishLine()) {
            emitWithJackson(line);
        }
    }

    /**
     * Hands the line {@link #json} holds to the sink and keeps it for hashing. False, with the line
     * discarded, when the sink needs the line as a String and the bytes do not give back Jackson's
     * String exactly (non-ASCII: a lone surrogate would come back as '?'); any failure discards it.
     */
    private boolean finishLine() {
        json.end();
        boolean streaming = sink != NO_SINK;
        if (streaming && !json.ascii()) {
            json.discard();
            return false;
        }
        if (streaming) {
            sink.accept(json.asciiString());
        }
        json.commit();
        if (json.pending() >= JsonLine.FLUSH_BYTES) {
            hashPending();
        }
        return true;
    }

    private void hashPending() {
        sha256.update(json.bytes(), 0, json.pending());
        json.clear();
    }

    private void emitWithJackson(Map<String, Object> line) {
        json.discard();
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trace fields must be strings, numbers or booleans: " + line, e);
        }
        hashPending();
        sha256.update(text.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
        sink.accept(text);
    }

    public List<Record> records() {
        return Collections.unmodifiableList(records);
    }

    /** The records of one kind, in order. */
    public List<Record> ofKind(String kind) {
        return records.stream().filter(r -> r.kind().equals(kind)).toList();
    }

    public long count() {
        return count;
    }

    /** SHA-256 of every line so far, hex: equal for equal runs. */
    public String sha256() {
        hashPending();
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha256.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests clone in every JDK", e);
        }
    }
}
