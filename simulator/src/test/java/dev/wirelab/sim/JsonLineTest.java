package dev.wirelab.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonLine} against its reference, Jackson's default ObjectMapper, which defined the trace
 * format and every trace hash recorded so far: the same bytes for any line of supported values.
 */
class JsonLineTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();
    /** Characters that need care: escapes, DEL, non-ASCII of 2 and 3 bytes, surrogates paired and lone. */
    private static final char[] TRICKY = {'"', '\\', '/', '\b', '\t', '\n', '\f', '\r', 0, 1, 0x1f, 0x7f, 0x80, 'é', 0x7ff,
        0x800, '€', 0xfffd, 0xffff, 0xd83d, 0xde00, 0xdbff, 0xdfff};

    @Test
    void randomLinesAreByteForByteJacksons() throws Exception {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        JsonLine line = new JsonLine();
        for (int n = 0; n < 20_000; n++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            int count = random.nextInt(8);
            for (int i = 0; i < count; i++) {
                fields.put(randomString(random), randomValue(random));
            }
            line.begin();
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                line.name(e.getKey());
                assertTrue(line.value(e.getValue()), "seed " + seed + ": refused " + e.getValue());
            }
            line.end();
            String jackson = JACKSON.writeValueAsString(fields);
            byte[] ours = Arrays.copyOf(line.bytes(), line.length());
            assertArrayEquals(jackson.getBytes(StandardCharsets.UTF_8), ours, () -> "seed " + seed + ": " + jackson);
            if (line.ascii()) {
                assertEquals(jackson, line.asciiString(), "seed " + seed);
            } else {
                assertFalse(jackson.chars().allMatch(c -> c < 0x80), "seed " + seed + ": non-ASCII flagged on " + jackson);
            }
        }
    }

    @Test
    void longAndStringFieldsAndTheirEdges() throws Exception {
        JsonLine line = new JsonLine();
        Map<String, Object> expected = new LinkedHashMap<>();
        line.begin();
        for (long v : new long[] {0, -1, 9, 10, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, 1_700_000_000_000_000_000L}) {
            line.field("n" + v, v);
            expected.put("n" + v, v);
        }
        line.field("s", "a\u0000\"");
        expected.put("s", "a\u0000\"");
        line.end();
        assertEquals(JACKSON.writeValueAsString(expected), line.asciiString());
    }

    @Test
    void otherTypesAreRefusedAndWriteNothing() {
        JsonLine line = new JsonLine();
        line.begin();
        int before = line.length();
        for (Object v : List.of(1.5, 'c', (short) 3, List.of(), new byte[0])) {
            assertFalse(line.value(v), "refuses " + v.getClass());
            assertEquals(before, line.length());
        }
    }

    /**
     * A simulation's hash is unchanged when records are kept (the map path) and when they are not
     * (lines written straight from the arguments), and equals a hash computed here with Jackson
     * over the kept records: the fast paths and the format's definition agree on a real trace.
     */
    @Test
    void aSimulationHashesTheSameOnEveryPathAndAsJacksonWouldWriteIt() throws Exception {
        Simulation kept = SimulationTest.pingPair(5, LinkSpec.ideal(5_000_000L));
        kept.runUntil(20 * 1_000_000_000L);
        Simulation streamed = SimulationTest.pingPair(5, LinkSpec.ideal(5_000_000L));
        java.util.List<String> lines = new java.util.ArrayList<>();
        streamed.trace().streamTo(lines::add);
        streamed.runUntil(20 * 1_000_000_000L);
        MessageDigest reference = MessageDigest.getInstance("SHA-256");
        for (Trace.Record r : kept.trace().records()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", r.time());
            m.put("at", r.at());
            m.put("kind", r.kind());
            m.putAll(r.fields());
            String text = JACKSON.writeValueAsString(m);
            reference.update(text.getBytes(StandardCharsets.UTF_8));
            reference.update((byte) '\n');
        }
        assertEquals(HexFormat.of().formatHex(reference.digest()), kept.trace().sha256());
        assertEquals(kept.trace().sha256(), streamed.trace().sha256());
        assertEquals(kept.trace().count(), lines.size());
        MessageDigest fromLines = MessageDigest.getInstance("SHA-256");
        for (String l : lines) {
            fromLines.update((l + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(kept.trace().sha256(), HexFormat.of().formatHex(fromLines.digest()));
    }

    /**
     * Records that the direct path must not write itself (a repeated name, a name the line already
     * has, a value Jackson writes) hash as the map path writes them: the map keeps a repeated
     * name's first place and last value.
     */
    @Test
    void repeatedAndReservedNamesHashAsTheMapWritesThem() throws Exception {
        Object[][] records = {
            {"a", 1, "b", 2, "a", 3},
            {"kind", "other", "x", true},
            {"t", 5L},
            {"x", 1.5, "y", "z"},
            {"q", "\ud800", "r", null},
            {"odd", 1, "trailing"},
        };
        Trace direct = new Trace(new EventQueue(), false);
        Trace kept = new Trace(new EventQueue(), true);
        MessageDigest reference = MessageDigest.getInstance("SHA-256");
        for (Object[] kv : records) {
            direct.record("host", "test.kind", kv);
            kept.record("host", "test.kind", kv);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", 0L);
            m.put("at", "host");
            m.put("kind", "test.kind");
            for (int i = 0; i + 1 < kv.length; i += 2) {
                m.put((String) kv[i], kv[i + 1]);
            }
            reference.update((JACKSON.writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(HexFormat.of().formatHex(reference.digest()), direct.sha256());
        assertEquals(direct.sha256(), kept.sha256());
    }

    private static Object randomValue(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> randomString(random);
            case 1 -> random.nextLong() >> random.nextInt(64);
            case 2 -> random.nextInt() >> random.nextInt(32);
            case 3 -> random.nextBoolean();
            case 4 -> null;
            default -> random.nextBoolean() ? Long.MIN_VALUE : Integer.MIN_VALUE;
        };
    }

    private static String randomString(Random random) {
        int length = random.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(switch (random.nextInt(4)) {
                case 0 -> TRICKY[random.nextInt(TRICKY.length)];
                case 1 -> (char) random.nextInt(0x10000);
                default -> (char) (0x20 + random.nextInt(0x5f));
            });
        }
        return sb.toString();
    }
}
