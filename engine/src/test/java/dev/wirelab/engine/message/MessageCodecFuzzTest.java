package dev.wirelab.engine.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/**
 * The codec over any bytes (Jazzer; without JAZZER_FUZZ the committed inputs in
 * MessageCodecFuzzTestInputs/ run as plain tests): parse never throws, whatever it is given, and
 * whatever it accepts encodes back to exactly the bytes it came from, so a parsed message can be
 * forwarded, logged or compared without a second look at the wire.
 */
class MessageCodecFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void parseNeverThrowsAndAcceptedMessagesRoundTrip(byte[] datagram) {
        ParseResult parsed = MessageCodec.parse(datagram);
        // The datapath hands the codec a slice of a larger receive buffer: the answer must not
        // depend on what lies around the slice.
        byte[] framed = new byte[datagram.length + 7];
        Arrays.fill(framed, (byte) 0xa5);
        System.arraycopy(datagram, 0, framed, 3, datagram.length);
        assertEquals(parsed, MessageCodec.parse(framed, 3, datagram.length));
        if (parsed instanceof Message message) {
            assertArrayEquals(datagram, MessageCodec.encode(message));
        }
    }
}
