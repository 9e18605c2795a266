package dev.wirelab.engine.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Protocol;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private static Bytes random(DeterministicEntropy e, int n) {
        byte[] b = new byte[n];
        e.nextBytes(b);
        return Bytes.wrap(b);
    }

    @Test
    void eachMessageRoundTripsByteForByte() {
        DeterministicEntropy e = new DeterministicEntropy(1);
        Message[] messages = {
            new Initiation(0xdeadbeef, random(e, 32), random(e, 48), random(e, 28), random(e, 16), random(e, 16)),
            new Response(1, -1, random(e, 32), random(e, 16), random(e, 16), random(e, 16)),
            new CookieReply(0x01020304, random(e, 24), random(e, 32)),
            new TransportData(7, -2L, random(e, 16)),
            new TransportData(7, 1L << 40, random(e, 16 + 1424)),
        };
        for (Message m : messages) {
            byte[] wire = MessageCodec.encode(m);
            assertEquals(m, MessageCodec.parse(wire), m.toString());
            assertArrayEquals(wire, MessageCodec.encode((Message) MessageCodec.parse(wire)));
            assertEquals(m.type(), wire[0]);
            assertArrayEquals(new byte[3], Arrays.copyOfRange(wire, 1, 4), "reserved bytes are zero");
        }
    }

    @Test
    void layoutMatchesTheWhitepaper() {
        byte[] wire = MessageCodec.encode(new Initiation(0x04030201, Bytes.wrap(new byte[32]), Bytes.wrap(new byte[48]),
                Bytes.wrap(new byte[28]), Bytes.wrap(new byte[16]), Bytes.wrap(new byte[16])));
        assertEquals(Protocol.INITIATION_LENGTH, wire.length);
        assertArrayEquals(new byte[] {1, 0, 0, 0, 1, 2, 3, 4}, Arrays.copyOf(wire, 8), "type then little-endian sender");
        byte[] data = MessageCodec.encode(new TransportData(0x0a0b0c0d, 0x0102030405060708L, Bytes.wrap(new byte[16])));
        assertArrayEquals(new byte[] {4, 0, 0, 0, 0x0d, 0x0c, 0x0b, 0x0a, 8, 7, 6, 5, 4, 3, 2, 1}, Arrays.copyOf(data, 16));
    }

    @Test
    void wrongLengthsAndTypesAreMalformedWithAReason() {
        assertEquals(new Malformed(DropReason.EMPTY_DATAGRAM, 0), MessageCodec.parse(new byte[0]));
        assertEquals(new Malformed(DropReason.BAD_MESSAGE_LENGTH, 3), MessageCodec.parse(new byte[] {1, 0, 0}));
        assertEquals(new Malformed(DropReason.BAD_MESSAGE_LENGTH, 147), MessageCodec.parse(typed(1, 147)));
        assertEquals(new Malformed(DropReason.BAD_MESSAGE_LENGTH, 149), MessageCodec.parse(typed(1, 149)));
        assertEquals(new Malformed(DropReason.BAD_MESSAGE_LENGTH, 91), MessageCodec.parse(typed(2, 91)));
        assertEquals(new Malformed(DropReason.BAD_MESSAGE_LENGTH, 65), MessageCodec.parse(typed(3, 65)));
        assertEquals(new Malformed(DropReason.BAD_MESSAGE_LENGTH, 31), MessageCodec.parse(typed(4, 31)));
        assertInstanceOf(TransportData.class, MessageCodec.parse(typed(4, 32)));
        assertEquals(new Malformed(DropReason.UNKNOWN_MESSAGE_TYPE, 148), MessageCodec.parse(typed(5, 148)));
        assertEquals(new Malformed(DropReason.UNKNOWN_MESSAGE_TYPE, 148), MessageCodec.parse(typed(0, 148)));
        byte[] reservedSet = typed(1, 148);
        reservedSet[2] = 1;
        assertEquals(new Malformed(DropReason.UNKNOWN_MESSAGE_TYPE, 148), MessageCodec.parse(reservedSet),
                "the type is a 32-bit word: a set reserved byte makes it unknown, as in the kernel");
    }

    @Test
    void parseNeverThrowsAndEveryMessageReEncodesExactly() {
        long seed = 0x5eed0001L;
        DeterministicEntropy e = new DeterministicEntropy(seed);
        int[] lengths = {0, 1, 3, 4, 31, 32, 33, 63, 64, 65, 91, 92, 93, 147, 148, 149, 200, 1500};
        int parsed = 0;
        for (int round = 0; round < 20_000; round++) {
            int length = lengths[(int) e.nextLong(lengths.length)];
            byte[] d = random(e, length).toByteArray();
            if (length >= 4 && e.nextLong(2) == 0) {
                // Half the inputs get a plausible header, so the typed paths are exercised too.
                d[0] = (byte) (1 + e.nextLong(4));
                d[1] = d[2] = d[3] = 0;
            }
            ParseResult r;
            try {
                r = MessageCodec.parse(d);
            } catch (RuntimeException ex) {
                throw new AssertionError("seed " + seed + " round " + round + ": parse threw on " + Bytes.of(d), ex);
            }
            if (r instanceof Message m) {
                parsed++;
                assertArrayEquals(d, MessageCodec.encode(m), "seed " + seed + " round " + round);
            }
        }
        assertEquals(true, parsed > 1000, "the random inputs reached the typed paths: " + parsed);
    }

    @Test
    void parseRespectsOffsetAndLength() {
        byte[] wire = MessageCodec.encode(new CookieReply(9, Bytes.wrap(new byte[24]), Bytes.wrap(new byte[32])));
        byte[] framed = new byte[wire.length + 10];
        System.arraycopy(wire, 0, framed, 5, wire.length);
        assertEquals(MessageCodec.parse(wire), MessageCodec.parse(framed, 5, wire.length));
    }

    private static byte[] typed(int type, int length) {
        byte[] b = new byte[length];
        b[0] = (byte) type;
        return b;
    }
}
