package dev.wirelab.interop;

import java.io.IOException;

/**
 * A WireGuard interface of any implementation, reached only through the standard tools where it
 * lives: `wg` for WireGuard, `ip` for the interface ({@link WgDevice} in a namespace, {@link KernelTarget}
 * in a VM).
 */
public interface WireguardInterface {
    String ifname();

    /** Its public key, base64. */
    String publicKey();

    /** Runs `wg ARGS` where the interface lives; a failure is an IOException with the tool's message. */
    String wg(String... args) throws IOException;

    /** Runs `ip ARGS` where the interface lives. */
    String ip(String... args) throws IOException;

    /**
     * Gives peer {@code peerPublicKey} the preshared key {@code base64} with `wg set … preshared-key
     * FILE`, the file written where `wg` runs, readable by root only, and removed after.
     */
    void setPresharedKey(String peerPublicKey, String base64) throws IOException;
}
