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
     * Runs `wg set IF ARGS… FILE` with the key {@code base64} in FILE, as `wg` takes keys
     * ({@code "private-key"}, or {@code "peer", KEY, "preshared-key"}): the file is written where `wg`
     * runs, readable by root only, and removed after.
     */
    void setKey(String base64, String... args) throws IOException;
}
