package dev.wirelab.interop;

import static dev.wirelab.interop.TunnelPair.LEFT_TUNNEL_V4;
import static dev.wirelab.interop.TunnelPair.LEFT_PORT;
import static dev.wirelab.interop.TunnelPair.LEFT_TUNNEL_V6;
import static dev.wirelab.interop.TunnelPair.LEFT_UNDERLAY_V4;
import static dev.wirelab.interop.TunnelPair.RIGHT_PORT;
import static dev.wirelab.interop.TunnelPair.RIGHT_TUNNEL_V4;
import static dev.wirelab.interop.TunnelPair.RIGHT_TUNNEL_V6;
import static dev.wirelab.interop.TunnelPair.RIGHT_UNDERLAY_V4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.testkit.NeedsRoot;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * wirelab's device (left, namespace A) against Debian's wireguard-go (right, namespace B), over a
 * veth pair, configured only with `wg` and `ip`. Each test builds its own namespaces and removes
 * them, and stops both processes by PID.
 */
@NeedsRoot("network namespaces and TUN devices")
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

    @Test
    void roamingFollowsWirelabAddressAndPortThenWireguardGo() throws Exception {
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2));
        assertEquals(LEFT_UNDERLAY_V4 + ":" + LEFT_PORT, pair.right.endpointOf(pair.left));

        // wirelab's host moves to another address: wireguard-go follows the authenticated packets.
        // Delete first: deleting a primary address also deletes the secondaries of its subnet.
        pair.nsLeft.run("ip", "address", "del", LEFT_UNDERLAY_V4 + "/24", "dev", pair.veth.nameA());
        Veth.addAddress(pair.nsLeft, pair.veth.nameA(), "192.0.2.11/24");
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2), "tunnel works from the new address");
        assertEquals("192.0.2.11:" + LEFT_PORT, pair.right.endpointOf(pair.left), "wireguard-go roamed to the new address");

        // wirelab changes its port through `wg set`: it rebinds, and wireguard-go follows again.
        pair.left.wg("set", pair.left.ifname(), "listen-port", "51830");
        assertEquals("51830", pair.left.wg("show", pair.left.ifname(), "listen-port").strip());
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2), "tunnel works from the new port");
        assertEquals("192.0.2.11:51830", pair.right.endpointOf(pair.left), "wireguard-go roamed to the new port");

        // The reverse: wireguard-go moves address and port; wirelab's endpoint follows.
        pair.nsRight.run("ip", "address", "del", RIGHT_UNDERLAY_V4 + "/24", "dev", pair.veth.nameB());
        Veth.addAddress(pair.nsRight, pair.veth.nameB(), "192.0.2.12/24");
        pair.right.wg("set", pair.right.ifname(), "listen-port", "51831");
        assertEquals(2, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, 2), "tunnel works after wireguard-go moved");
        assertEquals("192.0.2.12:51831", pair.left.endpointOf(pair.right), "wirelab roamed to wireguard-go's new endpoint");
    }

    @Test
    void persistentKeepaliveIsOnTheWire() throws Exception {
        assertEquals(1, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 1));
        try (Tshark capture = Tshark.start(pair.nsRight, pair.veth.nameB(),
                "udp and src host " + LEFT_UNDERLAY_V4 + " and dst port " + RIGHT_PORT, List.of("udp.length"),
                LOGS.resolve("keepalive"))) {
            pair.left.wg("set", pair.left.ifname(), "peer", pair.right.publicKey(), "persistent-keepalive", "1");
            assertEquals("1", pair.left.show("persistent-keepalive").get(pair.right.publicKey()).strip());
            Thread.sleep(3_500);
            List<String> lengths = capture.stop();
            // A keepalive is an empty transport message: 32 bytes of WireGuard, 40 with the UDP header.
            long keepalives = lengths.stream().filter("40"::equals).count();
            assertTrue(keepalives >= 3, "expected a keepalive about every second for 3.5 s, saw UDP lengths " + lengths);
            assertTrue(keepalives <= 5, "keepalives more often than every second: " + lengths);
        }
    }

    @Test
    void allowedIpsChangedAtRuntimeThroughWgSet() throws Exception {
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2));
        pair.left.wg("set", pair.left.ifname(), "peer", pair.right.publicKey(), "allowed-ips", "198.51.100.3/32");
        assertEquals("198.51.100.3/32", pair.left.show("allowed-ips").get(pair.right.publicKey()).strip());
        assertEquals(0, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2), "no route to .2 any more: nothing sent");
        assertEquals(0, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, 2), "packets from .2 are not allowed in any more");
        pair.left.wg("set", pair.left.ifname(), "peer", pair.right.publicKey(), "allowed-ips",
                RIGHT_TUNNEL_V4 + "/32," + RIGHT_TUNNEL_V6 + "/128");
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2), "route restored");
        assertEquals(2, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, 2), "inbound restored");
    }

    @Test
    void innerSourceOutsideAllowedIpsIsDroppedBothWays() throws Exception {
        assertEquals(1, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 1));
        // wireguard-go sends from 198.51.100.77, which is not in wirelab's AllowedIPs for it (.2/32).
        Veth.addAddress(pair.nsRight, pair.right.ifname(), "198.51.100.77/24");
        long rxBefore = pair.left.transfer(pair.right)[0];
        assertEquals(0, Ping.replies(pair.nsRight, LEFT_TUNNEL_V4, 3, "198.51.100.77"), "wirelab must drop them");
        assertTrue(pair.left.transfer(pair.right)[0] > rxBefore, "the packets did reach wirelab (and were dropped there)");
        // And the reverse: wirelab sends from 198.51.100.78; wireguard-go allows only .1/32 from it.
        Veth.addAddress(pair.nsLeft, pair.left.ifname(), "198.51.100.78/24");
        long goRxBefore = pair.right.transfer(pair.left)[0];
        assertEquals(0, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 3, "198.51.100.78"), "wireguard-go must drop them");
        assertTrue(pair.right.transfer(pair.left)[0] > goRxBefore, "wirelab did encrypt and send them");
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2), "allowed sources still work");
    }

    @Test
    void replayedTransportPacketIsRejectedByEachSide() throws Exception {
        pair.withBothEndpoints();
        List<String> fromGo;
        List<String> fromWirelab;
        try (Tshark atLeft = Tshark.start(pair.nsLeft, pair.veth.nameA(), "udp", List.of("ip.src", "udp.payload"),
                LOGS.resolve("replay"))) {
            assertEquals(3, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 3));
            List<String> lines = atLeft.stop();
            fromGo = transportPayloads(lines, RIGHT_UNDERLAY_V4);
            fromWirelab = transportPayloads(lines, LEFT_UNDERLAY_V4);
        }
        assertTrue(!fromGo.isEmpty() && !fromWirelab.isEmpty(), "captured transport data both ways");

        long[] left = pair.left.transfer(pair.right);
        long[] right = pair.right.transfer(pair.left);
        // Re-send one captured packet of each direction to its receiver, from another port (as an attacker would).
        sendUdp(pair.nsRight, LEFT_UNDERLAY_V4, LEFT_PORT, HexFormat.of().parseHex(fromGo.getLast()));
        sendUdp(pair.nsLeft, RIGHT_UNDERLAY_V4, RIGHT_PORT, HexFormat.of().parseHex(fromWirelab.getLast()));
        Thread.sleep(500);
        assertArrayEquals(left, pair.left.transfer(pair.right), "wirelab: counters unchanged, nothing delivered or answered");
        assertArrayEquals(right, pair.right.transfer(pair.left), "wireguard-go: counters unchanged");
        assertEquals(TunnelPair.RIGHT_UNDERLAY_V4 + ":" + RIGHT_PORT, pair.left.endpointOf(pair.right),
                "a replay does not move wirelab's endpoint");
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2), "the tunnel still works");
    }

    @Test
    void keyChangeThenImmediateNewHandshake() throws Exception {
        assertEquals(2, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 2));
        String oldPublic = pair.left.publicKey();
        String newPrivate = Command.run("wg", "genkey").strip();
        String newPublic = WgDevice.pubkey(newPrivate);
        pair.left.setPrivateKey(newPrivate);
        assertEquals(newPublic, pair.left.wg("show", pair.left.ifname(), "public-key").strip());
        pair.right.wg("set", pair.right.ifname(), "peer", oldPublic, "remove");
        pair.right.wg("set", pair.right.ifname(), "peer", newPublic, "allowed-ips", LEFT_TUNNEL_V4 + "/32");
        assertEquals(3, Ping.replies(pair.nsLeft, RIGHT_TUNNEL_V4, 3), "a new handshake under the new key, at once");
        assertTrue(Long.parseLong(pair.right.show("latest-handshakes").get(newPublic).strip()) > 0,
                "wireguard-go completed a handshake with the new key");
    }

    private static List<String> transportPayloads(List<String> lines, String source) {
        return lines.stream().map(l -> l.split("\t"))
                .filter(f -> f.length == 2 && f[0].equals(source) && f[1].startsWith("04000000"))
                .map(f -> f[1]).toList();
    }

    private static void sendUdp(Netns ns, String host, int port, byte[] payload) throws Exception {
        ns.call(() -> {
            try (DatagramChannel c = DatagramChannel.open()) {
                c.send(ByteBuffer.wrap(payload), new InetSocketAddress(host, port));
            }
            return null;
        });
    }

    private static void assertArrayEquals(long[] expected, long[] actual, String message) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, message);
    }
}
