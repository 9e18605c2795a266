package dev.wirelab.interop;

import static dev.wirelab.interop.TunnelPair.LEFT_TUNNEL_V4;
import static dev.wirelab.interop.TunnelPair.LEFT_TUNNEL_V6;
import static dev.wirelab.interop.TunnelPair.RIGHT_TUNNEL_V4;
import static dev.wirelab.interop.TunnelPair.RIGHT_TUNNEL_V6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * wirelab's device (left, namespace A) against Debian's wireguard-go (right, namespace B), over a
 * veth pair, configured only with `wg` and `ip`. Each test builds its own namespaces and removes
 * them, and stops both processes by PID.
 */
class WireguardGoInteropTest {
    static final Path LOGS = Path.of("target", "interop-logs");

    TunnelPair pair;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        pair = TunnelPair.start(Implementation.WIRELAB, Implementation.WIREGUARD_GO,
                LOGS.resolve(test.getTestMethod().orElseThrow().getName()));
    }

    @AfterEach
    void stop() {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void wirelabInitiatesAndPingsBothFamiliesBothWays() throws Exception {
        assertEquals(0, pair.left.latestHandshake(pair.right), "no handshake before traffic");
        assertEquals(3, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 3), "IPv4 ping wirelab -> wireguard-go");
        assertTrue(pair.left.latestHandshake(pair.right) > 0, "wirelab records the handshake");
        assertTrue(pair.right.latestHandshake(pair.left) > 0, "wireguard-go records the handshake");
        assertEquals(3, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, 3), "IPv4 ping wireguard-go -> wirelab");
        assertEquals(3, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V6, 3), "IPv6 ping wirelab -> wireguard-go");
        assertEquals(3, Ping.replies(pair.nsRight, LEFT_TUNNEL_V6, 3), "IPv6 ping wireguard-go -> wirelab");
        long[] left = pair.left.transfer(pair.right);
        long[] right = pair.right.transfer(pair.left);
        assertTrue(left[0] > 0 && left[1] > 0, "wirelab counts bytes both ways");
        // Each side's tx is the other's rx, unless a packet is in flight: nothing is, pings are done.
        assertEquals(left[1], right[0], "wirelab tx == wireguard-go rx");
        assertEquals(left[0], right[1], "wirelab rx == wireguard-go tx");
    }

    @Test
    void wireguardGoInitiates() throws Exception {
        pair.withBothEndpoints();
        assertEquals(3, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, 3), "IPv4 ping wireguard-go -> wirelab");
        assertTrue(pair.left.latestHandshake(pair.right) > 0, "wirelab answered a handshake");
        assertEquals(3, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V6, 3), "IPv6 ping wirelab -> wireguard-go");
        assertEquals(3, Ping.replies(pair.nsRight, LEFT_TUNNEL_V6, 3), "IPv6 ping wireguard-go -> wirelab");
    }

    @Test
    void wrongPeerKeyGetsNoTunnel() throws Exception {
        // Negative control for the ping checks above: wireguard-go knows a different key for wirelab.
        String stranger = WgDevice.pubkey(Command.run("wg", "genkey").strip());
        pair.right.wg("set", pair.right.ifname(), "peer", pair.left.publicKey(), "remove");
        pair.right.wg("set", pair.right.ifname(), "peer", stranger, "allowed-ips", LEFT_TUNNEL_V4 + "/32");
        assertEquals(0, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2), "no reply through a tunnel wireguard-go refuses");
        assertEquals(0, pair.left.latestHandshake(pair.right), "no handshake completed");
        assertNotEquals(0, pair.left.transfer(pair.right)[1], "wirelab did send initiations");
    }
}
