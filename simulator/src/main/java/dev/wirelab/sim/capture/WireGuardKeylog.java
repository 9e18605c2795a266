package dev.wirelab.sim.capture;

import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.sim.Wiretap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Wireshark WireGuard key log ({@code -o wg.keylog_file:PATH}): one {@code KEY_TYPE = base64}
 * line per key, as read by wg_keylog_process_lines in epan/dissectors/packet-wireguard.c.
 *
 * <p>Static keys (LOCAL_STATIC_PRIVATE_KEY, REMOTE_STATIC_PUBLIC_KEY) go into one set however often
 * they are repeated; order matters for one line only: a PRESHARED_KEY belongs to the
 * LOCAL_EPHEMERAL_PRIVATE_KEY just before it, and Wireshark ignores a PSK that follows no new
 * ephemeral key. {@link #handshake} therefore writes each handshake as a self-contained block.
 *
 * <p>The file holds secrets in clear on purpose; write it only for simulated or test keys.
 */
public final class WireGuardKeylog {
    private final List<String> lines = new ArrayList<>();

    public WireGuardKeylog localStaticPrivateKey(String base64) {
        return line("LOCAL_STATIC_PRIVATE_KEY", base64);
    }

    public WireGuardKeylog remoteStaticPublicKey(PublicKey key) {
        return line("REMOTE_STATIC_PUBLIC_KEY", key.base64());
    }

    /** Takes the base64 form because the engine destroys ephemeral keys once used. */
    public WireGuardKeylog localEphemeralPrivateKey(String base64) {
        return line("LOCAL_EPHEMERAL_PRIVATE_KEY", base64);
    }

    public WireGuardKeylog presharedKey(String base64) {
        return line("PRESHARED_KEY", base64);
    }

    /**
     * The four lines (three without a preshared key) that let Wireshark decrypt the handshake an
     * initiator started with {@code keys}, and the transport data of the session it creates.
     */
    public WireGuardKeylog handshake(Wiretap.InitiatorKeys keys) {
        localStaticPrivateKey(keys.localStaticPrivate());
        remoteStaticPublicKey(keys.peer());
        localEphemeralPrivateKey(keys.localEphemeralPrivate());
        if (keys.presharedKey() != null) {
            presharedKey(keys.presharedKey());
        }
        return this;
    }

    private WireGuardKeylog line(String type, String base64) {
        lines.add(type + " = " + base64);
        return this;
    }

    /** The lines so far, in order (secrets in clear). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public void write(Path file) throws IOException {
        Files.write(file, lines, StandardCharsets.US_ASCII);
    }
}
