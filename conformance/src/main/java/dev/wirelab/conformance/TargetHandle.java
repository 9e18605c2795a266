package dev.wirelab.conformance;

import dev.wirelab.interop.Netns;
import dev.wirelab.interop.WireguardInterface;
import java.io.IOException;

/**
 * A running implementation under test, reachable only through its standard interface: `wg` and `ip`
 * run where it lives, and `ping` from its side of the tunnel.
 */
public interface TargetHandle extends AutoCloseable {
    /** The interface under test. */
    WireguardInterface device();

    /** Where the harness peer must live to reach it over the underlay. */
    Netns harnessNamespace();

    default String ifname() {
        return device().ifname();
    }

    default String publicKey() {
        return device().publicKey();
    }

    /** Runs `wg ARGS` where the target lives. */
    default String wg(String... args) throws IOException {
        return device().wg(args);
    }

    /** Runs `ip ARGS` where the target lives. */
    default String ip(String... args) throws IOException {
        return device().ip(args);
    }

    /** Gives peer {@code peerPublicKey} the preshared key {@code base64} where the target lives. */
    default void setPresharedKey(String peerPublicKey, String base64) throws IOException {
        device().setKey(base64, "peer", peerPublicKey, "preshared-key");
    }

    /** Gives the interface the private key {@code base64} (`wg set IF private-key FILE`). */
    default void setPrivateKey(String base64) throws IOException {
        device().setKey(base64, "private-key");
    }

    /** The text of {@code path} (under /proc, say) as the target's network stack sees it. */
    String read(String path) throws IOException;

    /** Pings {@code address} {@code count} times from the target's side (0.2 s apart); returns the replies. */
    int ping(String address, int count) throws IOException;

    /** Starts a ping that runs for {@code seconds} in the background (one per second), for timer checks. */
    AutoCloseable pingInBackground(String address, int seconds) throws IOException;

    @Override
    void close();
}
