package dev.wirelab.engine.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageLayoutTest {
    private static Bytes random(DeterministicEntropy e, int n) {
        byte[] b = new byte[n];
        e.nextBytes(b);
        return Bytes.wrap(b);
    }

    private static byte[] field(byte[] wire, List<MessageLayout.Field> fields, String name) {
        MessageLayout.Field f = fields.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return Arrays.copyOfRange(wire, f.offset(), f.end());
    }

    @Test
    void fieldsCoverEveryByteOnceInOrder() {
        Map<Integer, int[]> lengths = Map.of(1, new int[] {148}, 2, new int[] {92}, 3, new int[] {64}, 4, new int[] {32, 48, 1452});
        lengths.forEach((type, ls) -> {
            for (int length : ls) {
                int next = 0;
                for (MessageLayout.Field f : MessageLayout.of(type, length)) {
                    assertEquals(next, f.offset(), () -> "gap or overlap before " + f + " in type " + type);
                    assertFalse(f.length() <= 0 || f.meaning().isBlank(), f.toString());
                    next = f.end();
                }
                assertEquals(length, next, "type " + type + " length " + length);
            }
        });
    }

    @Test
    void fieldsHoldWhatTheCodecWroteThere() {
        DeterministicEntropy e = new DeterministicEntropy(3);
        Initiation i = new Initiation(0x01020304, random(e, 32), random(e, 48), random(e, 28), random(e, 16), random(e, 16));
        byte[] wire = MessageCodec.encode(i);
        List<MessageLayout.Field> fields = MessageLayout.of(1, wire.length);
        assertArrayEquals(i.ephemeral().toByteArray(), field(wire, fields, "ephemeral"));
        assertArrayEquals(i.encryptedStatic().toByteArray(), field(wire, fields, "encrypted static"));
        assertArrayEquals(i.encryptedTimestamp().toByteArray(), field(wire, fields, "encrypted timestamp"));
        assertArrayEquals(i.mac2().toByteArray(), field(wire, fields, "mac2"));

        Response r = new Response(5, 6, random(e, 32), random(e, 16), random(e, 16), random(e, 16));
        byte[] rw = MessageCodec.encode(r);
        List<MessageLayout.Field> rf = MessageLayout.of(2, rw.length);
        assertArrayEquals(new byte[] {6, 0, 0, 0}, field(rw, rf, "receiver index"));
        assertArrayEquals(r.encryptedNothing().toByteArray(), field(rw, rf, "encrypted nothing"));
        assertArrayEquals(r.mac1().toByteArray(), field(rw, rf, "mac1"));

        byte[] keepalive = MessageCodec.encode(new TransportData(9, 7, random(e, 16)));
        List<MessageLayout.Field> kf = MessageLayout.of(4, keepalive.length);
        assertEquals(List.of("type", "reserved", "receiver index", "counter", "tag"), kf.stream().map(MessageLayout.Field::name).toList());
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0, 0, 0, 0}, field(keepalive, kf, "counter"));
    }

    @Test
    void impossibleTypesAndLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MessageLayout.of(5, 148));
        assertThrows(IllegalArgumentException.class, () -> MessageLayout.of(1, 147));
        assertThrows(IllegalArgumentException.class, () -> MessageLayout.of(4, 31));
    }
}
