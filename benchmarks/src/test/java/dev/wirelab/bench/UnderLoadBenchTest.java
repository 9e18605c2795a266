package dev.wirelab.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The under-load benchmark outside JMH: its setup's checks hold, and what it times is a cookie reply. */
class UnderLoadBenchTest {
    @Test
    void everyInitiationUnderLoadGetsACookieReplyAndNothingElse() {
        UnderLoadBench bench = new UnderLoadBench();
        bench.setUp(); // throws unless each of the 10,000 sources got a 64-byte cookie reply
        byte[] reply = bench.cookieReply();
        assertEquals(64, reply.length);
        assertEquals(3, reply[0], "message type 3: cookie reply");
    }
}
