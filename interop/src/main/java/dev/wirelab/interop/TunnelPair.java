package dev.wirelab.interop;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Two WireGuard interfaces in two namespaces joined by a veth pair, configured as each other's peer:
 * the smallest real network to test one implementation against another.
 *
 * <pre>
 *   namespace A                                   namespace B
 *   left  198.51.100.1/24 fd00:1::1/64            right 198.51.100.2/24 fd00:1::2/64   (tunnel)
 *   veth  192.0.2.1/24    fd00:2::1/64  ───────── veth  192.0.2.2/24    fd00:2::2/64   (underlay)
 *         UDP 51820                                     UDP 51821
 * </pre>
 * Each side's AllowedIPs for the other are the other's tunnel addresses (/32, /128). Only A is given
 * B's endpoint at first; {@link #withBothEndpoints} gives B A's too.
 */
public final class TunnelPair implements AutoCloseable {
    public static final String LEFT_TUNNEL_V4 = "198.51.100.1";
    public static final String RIGHT_TUNNEL_V4 = "198.51.100.2";
    public static final String LEFT_TUNNEL_V6 = "fd00:1::1";
    public static final String RIGHT_TUNNEL_V6 = "fd00:1::2";
    public static final String LEFT_UNDERLAY_V4 = "192.0.2.1";
    public static final String RIGHT_UNDERLAY_V4 = "192.0.2.2";
    public static final String LEFT_UNDERLAY_V6 = "fd00:2::1";
    public static final String RIGHT_UNDERLAY_V6 = "fd00:2::2";
    public static final int LEFT_PORT = 51820;
    public static final int RIGHT_PORT = 51821;

    public final Netns nsLeft;
    public final Netns nsRight;
    public final Veth veth;
    public final WgDevice left;
    public final WgDevice right;

    private TunnelPair(Netns nsLeft, Netns nsRight, Veth veth, WgDevice left, WgDevice right) {
        this.nsLeft = nsLeft;
        this.nsRight = nsRight;
        this.veth = veth;
        this.left = left;
        this.right = right;
    }

    /** Starts {@code leftImpl} in A and {@code rightImpl} in B and configures them (B learns A's endpoint by roaming). */
    public static TunnelPair start(Implementation leftImpl, Implementation rightImpl, Path logDir)
            throws IOException, InterruptedException {
        Netns a = null;
        Netns b = null;
        try {
            a = Netns.create("wl-a-");
            b = Netns.create("wl-b-");
            Veth veth = Veth.link(a, b, new String[] {LEFT_UNDERLAY_V4 + "/24", LEFT_UNDERLAY_V6 + "/64"},
                    new String[] {RIGHT_UNDERLAY_V4 + "/24", RIGHT_UNDERLAY_V6 + "/64"});
            WgDevice left = WgDevice.start(a, leftImpl, "wll", LEFT_PORT, logDir);
            WgDevice right = WgDevice.start(b, rightImpl, "wlr", RIGHT_PORT, logDir);
            left.addPeer(right, RIGHT_UNDERLAY_V4 + ":" + RIGHT_PORT, RIGHT_TUNNEL_V4 + "/32," + RIGHT_TUNNEL_V6 + "/128");
            right.addPeer(left, null, LEFT_TUNNEL_V4 + "/32," + LEFT_TUNNEL_V6 + "/128");
            left.up(LEFT_TUNNEL_V4 + "/24", LEFT_TUNNEL_V6 + "/64");
            right.up(RIGHT_TUNNEL_V4 + "/24", RIGHT_TUNNEL_V6 + "/64");
            return new TunnelPair(a, b, veth, left, right);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
            throw e;
        }
    }

    /** Gives B A's endpoint, so B can start a handshake itself. */
    public TunnelPair withBothEndpoints() throws IOException {
        right.wg("set", right.ifname(), "peer", left.publicKey(), "endpoint", LEFT_UNDERLAY_V4 + ":" + LEFT_PORT);
        return this;
    }

    /** Stops both devices by PID and deletes both namespaces. */
    @Override
    public void close() {
        try {
            nsRight.close();
        } finally {
            nsLeft.close();
        }
    }
}
