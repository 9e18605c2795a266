package dev.wirelab.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IcmpTest {
    private static final byte[] A4 = {(byte) 198, 51, 100, 1};
    private static final byte[] B4 = {(byte) 198, 51, 100, 2};
    private static final byte[] A6 = new byte[16];
    private static final byte[] B6 = new byte[16];

    static {
        A6[0] = (byte) 0xfd;
        A6[15] = 1;
        B6[0] = (byte) 0xfd;
        B6[15] = 2;
    }

    @Test
    void replyToKeepsThePayloadAndIsWhatEchoReplyBuilds() {
        for (byte[][] pair : new byte[][][] {{A4, B4}, {A6, B6}}) {
            byte[] request = Icmp.echoRequest(pair[0], pair[1], 77, 5, 56);
            byte[] reply = Icmp.replyTo(request);
            // Same pattern payload, so the reply must equal the one echoReply builds from scratch,
            // checksums included.
            assertArrayEquals(Icmp.echoReply(Icmp.parse(request), 56), reply);
            Icmp.Echo e = Icmp.parse(reply);
            assertFalse(e.request());
            assertArrayEquals(pair[1], e.source());
            assertEquals(5, e.sequence());
        }
    }

    @Test
    void replyToCopiesAnyPayloadAndRecomputesTheChecksum() {
        byte[] request = Icmp.echoRequest(A4, B4, 1, 2, 16);
        Arrays.fill(request, 28, 44, (byte) 0xab);
        // Fix the request's own checksum so it is a valid packet with a different payload.
        request[22] = 0;
        request[23] = 0;
        int sum = Icmp.checksum(request, 20, 24, 0);
        request[22] = (byte) (sum >>> 8);
        request[23] = (byte) sum;
        byte[] reply = Icmp.replyTo(request);
        assertArrayEquals(Arrays.copyOfRange(request, 28, 44), Arrays.copyOfRange(reply, 28, 44));
        assertEquals(0, Icmp.checksum(reply, 20, 24, 0) & 0xffff ^ 0, "a valid checksum sums to zero");
        assertNull(Icmp.replyTo(reply), "a reply is not answered");
    }
}
