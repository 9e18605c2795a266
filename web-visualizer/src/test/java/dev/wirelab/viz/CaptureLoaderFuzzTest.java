package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Section 7's loader over any pcap and key log (Jazzer; without JAZZER_FUZZ the committed inputs in
 * CaptureLoaderFuzzTestInputs/ run as plain tests: a real handshake capture with its key log, as
 * pcap, pcapng, raw IP and SLL2, cut, with a broken key log, with none). An input is a two-byte
 * big-endian key log length, the key log, then the capture file. Whatever the bytes, the answer is
 * a loaded capture, every frame in order with either a decryption or a reason, or a
 * {@link CaptureError} that names one of the two files: never another exception, since the page
 * shows that message to whoever uploaded the files.
 */
class CaptureLoaderFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "5m")
    void onlyCaptureErrorEscapes(byte[] input) {
        int keylogLength = input.length < 2 ? 0 : Math.min(input.length - 2, (input[0] & 0xff) << 8 | (input[1] & 0xff));
        int start = Math.min(2, input.length);
        String keylog = new String(input, start, keylogLength, StandardCharsets.UTF_8);
        byte[] pcap = Arrays.copyOfRange(input, start + keylogLength, input.length);
        CaptureView.Loaded loaded;
        try {
            loaded = CaptureView.load("fuzz.pcap", pcap, "fuzz.keys", keylog);
        } catch (CaptureError e) {
            assertTrue(e.getMessage().startsWith("fuzz.pcap: ") || e.getMessage().startsWith("fuzz.keys line "), e.getMessage());
            return;
        }
        assertEquals(loaded.frames(), loaded.rows().size());
        for (int i = 0; i < loaded.rows().size(); i++) {
            CaptureView.Row row = loaded.rows().get(i);
            assertEquals(i + 1, row.frame());
            if (row.decrypted()) {
                assertNull(row.reason());
                assertNotNull(row.bytes());
            } else {
                assertNotNull(row.reason(), "frame " + row.frame() + " neither decrypted nor says why");
            }
            if (row.bytes() != null) {
                VizApiTest.assertEveryByteExplainedOnce(JSON.valueToTree(row.bytes()));
            }
            if (row.inner() != null) {
                VizApiTest.assertEveryByteExplainedOnce(JSON.valueToTree(row.inner()));
            }
        }
    }
}
