package dev.wirelab.conformance;

import dev.wirelab.engine.crypto.PublicKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * One check's world: a fresh target and a fresh harness peer, each the other's only peer.
 *
 * <pre>
 *   harness  underlay 192.0.2.1:51820   tunnel 198.51.100.1
 *   target   underlay 192.0.2.2:51821   tunnel 198.51.100.2/24   AllowedIPs for the harness: 198.51.100.1/32
 * </pre>
 */
public final class Lab implements AutoCloseable {
    public static final String HARNESS_UNDERLAY = "192.0.2.1";
    public static final String TARGET_UNDERLAY = "192.0.2.2";
    public static final int HARNESS_PORT = 51820;
    public static final int TARGET_PORT = 51821;
    public static final String HARNESS_TUNNEL = "198.51.100.1";
    public static final String TARGET_TUNNEL = "198.51.100.2";
    /** Tunnel addresses for IPv6 inside (fd00::/8, the harness's /128 and the target's /64), set by the checks that use them. */
    public static final String HARNESS_TUNNEL6 = "fd00:c633:6400::1";
    public static final String TARGET_TUNNEL6 = "fd00:c633:6400::2";
    public static final InetSocketAddress TARGET_ENDPOINT = new InetSocketAddress(address(TARGET_UNDERLAY), TARGET_PORT);
    public static final byte[] HARNESS_TUNNEL_BYTES = address(HARNESS_TUNNEL).getAddress();
    public static final byte[] TARGET_TUNNEL_BYTES = address(TARGET_TUNNEL).getAddress();

    public final TargetHandle target;
    public final HarnessPeer harness;
    public final PublicKey targetKey;

    private Lab(TargetHandle target, HarnessPeer harness) {
        this.target = target;
        this.harness = harness;
        this.targetKey = PublicKey.fromBase64(target.publicKey());
    }

    /**
     * Starts {@code target} and a harness peer and makes them peers. The target learns the harness's
     * endpoint only when {@code targetKnowsHarness}; otherwise it learns it from the first
     * authenticated packet, as a server does.
     */
    public static Lab start(Target target, Path logDir, boolean targetKnowsHarness) throws Exception {
        TargetHandle t = target.start(logDir);
        HarnessPeer h = null;
        try {
            h = HarnessPeer.start(t.harnessNamespace(), HARNESS_UNDERLAY, HARNESS_PORT);
            h.addPeer(PublicKey.fromBase64(t.publicKey()), TARGET_ENDPOINT, TARGET_TUNNEL + "/32");
            if (targetKnowsHarness) {
                t.wg("set", t.ifname(), "peer", h.publicKey().base64(), "allowed-ips", HARNESS_TUNNEL + "/32",
                        "endpoint", HARNESS_UNDERLAY + ":" + HARNESS_PORT);
            } else {
                t.wg("set", t.ifname(), "peer", h.publicKey().base64(), "allowed-ips", HARNESS_TUNNEL + "/32");
            }
            t.ip("address", "add", TARGET_TUNNEL + "/24", "dev", t.ifname());
            t.ip("link", "set", t.ifname(), "up");
            return new Lab(t, h);
        } catch (Exception e) {
            if (h != null) {
                h.close();
            }
            t.close();
            throw e;
        }
    }

    /** What `wg show IF FIELD` says of the harness: the text after its key, or null when it is no peer. */
    public String targetShows(String field) throws java.io.IOException {
        for (String line : target.wg("show", target.ifname(), field).split("\n")) {
            if (line.startsWith(harness.publicKey().base64())) {
                return line.substring(line.indexOf('\t') + 1).strip();
            }
        }
        return null;
    }

    /** What `wg show IF endpoints` says of the harness. */
    public String targetSeesHarnessAt() throws java.io.IOException {
        String endpoint = targetShows("endpoints");
        return endpoint == null ? "(no such peer)" : endpoint;
    }

    /** What `wg show IF transfer` says of the harness: {received, sent} bytes. */
    public long[] targetTransfer() throws java.io.IOException {
        String transfer = targetShows("transfer");
        if (transfer == null) {
            throw new java.io.IOException("the target has no peer " + harness.publicKey().base64());
        }
        String[] f = transfer.split("\t");
        return new long[] {Long.parseLong(f[0].strip()), Long.parseLong(f[1].strip())};
    }

    /** Harness pings the target through the tunnel; true when the reply came back within 3 s. */
    public boolean harnessPings(int sequence) throws InterruptedException {
        return harness.ping(HARNESS_TUNNEL_BYTES, TARGET_TUNNEL_BYTES, sequence, java.time.Duration.ofSeconds(3));
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public void close() {
        try {
            harness.close();
        } finally {
            target.close();
        }
    }
}
