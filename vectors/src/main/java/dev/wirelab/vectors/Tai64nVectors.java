package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import java.util.ArrayList;
import java.util.List;

/** tai64n.json: the kernel / wireguard-go timestamp format and its ordering (the initiation replay guard). */
final class Tai64nVectors {
    static final String FILE = "tai64n.json";

    record File(String source, String format, List<Encoding> encoding, List<Ordering> ordering) {}

    record Encoding(String id, String source, Long epochNanos, Bytes bytes) {}

    record Ordering(String id, String source, Long firstEpochNanos, Long secondEpochNanos, Boolean secondIsAfter) {}

    private Tai64nVectors() {}

    static FileReport run(Timestamper timestamper) {
        File file = VectorFile.load(FILE, File.class);
        List<CaseResult> results = new ArrayList<>();
        for (Encoding v : file.encoding()) {
            results.add(Mismatches.check(v.id(), m -> m.bytes("stamp(" + v.epochNanos() + ")", v.bytes(), timestamper.stamp(v.epochNanos()))));
        }
        for (Ordering v : file.ordering()) {
            results.add(Mismatches.check(v.id(), m -> {
                byte[] first = timestamper.stamp(v.firstEpochNanos());
                byte[] second = timestamper.stamp(v.secondEpochNanos());
                boolean after = timestamper.isAfter(second, first);
                if (after != v.secondIsAfter()) {
                    m.add("stamp(" + v.secondEpochNanos() + ") = " + Bytes.of(second).hex() + " is after stamp("
                            + v.firstEpochNanos() + ") = " + Bytes.of(first).hex() + ": expected " + v.secondIsAfter()
                            + " but was " + after);
                }
            }));
        }
        return new FileReport(FILE, file.source(), results);
    }
}
