package dev.wirelab.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A session kept busy past REKEY_AFTER_TIME (120 s): the initiator starts a new handshake on its
 * own and no ping is lost across the change of keys. Slow (about 130 s), so it runs concurrently
 * with the other interop classes (junit-platform.properties).
 */
@NeedsRoot("network namespaces and TUN devices")
class RekeyInteropTest {
    private static final Path LOGS = Path.of("target", "interop-logs", "rekey");
    private static final int PINGS = 130;

    @Test
    void wirelabRekeysAfter120SecondsWithoutLoss() throws Exception {
        try (TunnelPair p = TunnelPair.start(Implementation.WIRELAB, Implementation.WIREGUARD_GO, LOGS)) {
            assertEquals(1, Ping.replies(p.nsLeft, TunnelPair.RIGHT_TUNNEL_V4, 1));
            long first = p.right.latestHandshake(p.left);
            assertTrue(first > 0);
            Command.Result r = p.nsLeft.tryRun("ping", "-n", "-q", "-c", Integer.toString(PINGS), "-i", "1", "-W", "2",
                    TunnelPair.RIGHT_TUNNEL_V4);
            long second = p.right.latestHandshake(p.left);
            System.out.println("rekey: handshakes at " + first + " and " + second + " (Unix s); ping: "
                    + r.out().lines().filter(l -> l.contains("received")).findFirst().orElse(r.out()));
            assertTrue(second - first >= 120 && second - first <= 130,
                    "a new handshake 120 s (REKEY_AFTER_TIME) after the first, was " + (second - first) + " s");
            assertTrue(r.out().contains(PINGS + " packets transmitted, " + PINGS + " received"),
                    "no ping lost across the rekey: " + r.out());
        }
    }
}
