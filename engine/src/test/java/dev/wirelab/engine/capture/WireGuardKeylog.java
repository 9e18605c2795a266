package dev.wirelab.engine.capture;

import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A Wireshark WireGuard key log ({@code -o wg.keylog_file:PATH}): one {@code KEY_TYPE = base64}
 * line per key, as read by wg_keylog_process_lines in epan/dissectors/packet-wireguard.c.
 *
 * <p>Order matters for one line only: a PRESHARED_KEY belongs to the LOCAL_EPHEMERAL_PRIVATE_KEY
 * just before it, and Wireshark ignores a PSK that follows no new ephemeral key.
 *
 * <p>The file holds secrets in clear on purpose; write it only for test keys.
 */
final class WireGuardKeylog {
    private final List<String> lines = new ArrayList<>();

    WireGuardKeylog localStaticPrivateKey(PrivateKey key) {
        return line("LOCAL_STATIC_PRIVATE_KEY", key.base64());
    }

    WireGuardKeylog remoteStaticPublicKey(PublicKey key) {
        return line("REMOTE_STATIC_PUBLIC_KEY", key.base64());
    }

    /** Takes the base64 form because the engine destroys ephemeral keys once used. */
    WireGuardKeylog localEphemeralPrivateKey(String base64) {
        return line("LOCAL_EPHEMERAL_PRIVATE_KEY", base64);
    }

    WireGuardKeylog presharedKey(SymmetricKey key) {
        return line("PRESHARED_KEY", Base64.getEncoder().encodeToString(key.secretBytes()));
    }

    private WireGuardKeylog line(String type, String base64) {
        lines.add(type + " = " + base64);
        return this;
    }

    void write(Path file) throws IOException {
        Files.write(file, lines, StandardCharsets.US_ASCII);
    }
}
