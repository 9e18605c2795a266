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

    private final EventQueue clock;
    private final List<Record> records = new ArrayList<>();
    private final MessageDigest sha256;
    private final boolean keep;
    private Consumer<String> sink = line -> { };
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

    /** Records an event now; {@code keyValues} alternate field names and values. */
    public void record(String at, String kind, Object... keyValues) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            fields.put((String) keyValues[i], keyValues[i + 1]);
        }
        record(at, kind, fields);
    }

    public void record(String at, String kind, Map<String, Object> fields) {
        Record r = new Record(clock.now(), at, kind, Collections.unmodifiableMap(fields));
        count++;
        if (keep) {
            records.add(r);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("t", r.time());
        line.put("at", at);
        line.put("kind", kind);
        line.putAll(fields);
        emit(line);
    }

    private void emit(Map<String, Object> line) {
        String text;
        try {
            text = JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("trace fields must be strings, numbers or booleans: " + line, e);
        }
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
        try {
            return HexFormat.of().formatHex(((MessageDigest) sha256.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests clone in every JDK", e);
        }
    }
}
