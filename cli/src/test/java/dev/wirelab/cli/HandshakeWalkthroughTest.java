package dev.wirelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HandshakeWalkthroughTest {
    private static long count(String text, String needle) {
        return Pattern.compile(Pattern.quote(needle)).matcher(text).results().count();
    }

    private static String publicKeys(String out) {
        Matcher m = Pattern.compile("static public (\\S+)").matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            sb.append(m.group(1)).append(' ');
        }
        return sb.toString();
    }

    @Test
    void printsAllElevenStepsAndTheSplitAndBothSidesAgree() {
        Run run = Run.wirelab("handshake");
        String out = run.out();

        assertEquals(0, run.exitCode(), run.err());
        for (int step : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12}) {
            assertTrue(out.contains("  step " + String.format("%-2d", step) + " "), "step " + step + " missing:\n" + out);
        }
        assertTrue(out.contains("step 6  mac1 = MAC(HASH(LABEL_MAC1 || S_pub_r), msg[0:116])"), out);
        assertEquals(11, count(out, "other side: same C and H"), out);
        assertFalse(out.contains("DIFFER"), out);
        assertTrue(out.contains("on the wire (148 bytes)"), out);
        assertTrue(out.contains("on the wire (92 bytes)"), out);
        assertTrue(out.contains("responder opens it: delivered \"hello through the tunnel\""), out);
        assertTrue(out.contains("the responder answers with counter 0 under its own key: delivered"), out);
        assertTrue(out.contains("the same first datagram again: dropped, REPLAYED_COUNTER"), out);
        assertTrue(out.contains("preshared key none"), out);
    }

    @Test
    void theSeedDecidesTheKeysAndPskIsMixedIn() {
        String one = Run.wirelab("handshake", "--seed", "5").out();
        String again = Run.wirelab("handshake", "--seed", "5").out();
        String other = Run.wirelab("handshake", "--seed", "6").out();
        assertEquals(publicKeys(one), publicKeys(again));
        assertNotEquals(publicKeys(one), publicKeys(other));
        String psk = Run.wirelab("handshake", "--seed", "5", "--psk").out();
        assertFalse(psk.contains("preshared key none"), psk);
        assertEquals(11, count(psk, "other side: same C and H"), psk);
    }
}
