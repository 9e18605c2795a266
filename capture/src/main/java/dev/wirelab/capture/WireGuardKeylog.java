package dev.wirelab.capture;

import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.Peer;
import dev.wirelab.engine.device.TraceEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * A Wireshark WireGuard key log ({@code -o wg.keylog_file:PATH}): one {@code KEY_TYPE = base64}
 * line per key, as read by wg_keylog_process_lines in epan/dissectors/packet-wireguard.c.
 *
 * <p>Static keys (LOCAL_STATIC_PRIVATE_KEY, REMOTE_STATIC_PUBLIC_KEY) go into one set however often
 * they are repeated; order matters for one line only: a PRESHARED_KEY belongs to the
 * LOCAL_EPHEMERAL_PRIVATE_KEY just before it, and Wireshark ignores a PSK that follows no new
 * ephemeral key. {@link #handshake} therefore writes each handshake as a self-contained block.
 *
 * <p>One side's block is enough for Wireshark, from either side (packet-wireguard.c,
 * wg_process_initiation and wg_process_response): the initiator's Spriv_i + Epriv_i, or the
 * responder's Spriv_r + Epriv_r (Spriv_r opens the initiation, which yields Epub_i and Spub_i, and
 * Epriv_r then opens the response). The PSK may be linked to either ephemeral.
 *
 * <p>The lines hold secrets in clear on purpose; write them only where a person asked for them
 * ({@link KeylogFile} creates files readable by their owner only).
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
     * The four lines (three without a preshared key) that let Wireshark decrypt one handshake seen
     * from our side, initiator or responder, and the transport data of the session it creates.
     *
     * @param remote                 the other side's static public key
     * @param localStaticPrivate     our static private key, base64
     * @param localEphemeralPrivate  the ephemeral private key we used in this handshake, base64
     * @param presharedKey           the preshared key with {@code remote}, base64, or null when none
     */
    public WireGuardKeylog handshake(PublicKey remote, String localStaticPrivate, String localEphemeralPrivate,
            String presharedKey) {
        localStaticPrivateKey(localStaticPrivate);
        remoteStaticPublicKey(remote);
        localEphemeralPrivateKey(localEphemeralPrivate);
        if (presharedKey != null) {
            presharedKey(presharedKey);
        }
        return this;
    }

    /**
     * The block for the handshake {@code event} reports, if it carries an ephemeral private key
     * ({@link TraceEvent.InitiatorEphemeral}, {@link TraceEvent.ResponderEphemeral}); empty for any
     * other event. {@code device} is the one that emitted it: its static private key and the peer's
     * preshared key are read now, under the caller's lock on it, so a `wg set private-key` is
     * followed by the next handshake's block. The base64 strings cannot be wiped; the JVM keeps them
     * until collected.
     */
    public static Optional<WireGuardKeylog> handshake(Device device, TraceEvent event) {
        return switch (event) {
            case TraceEvent.InitiatorEphemeral e -> Optional.of(handshake(device, e.peer(), e.ephemeralPrivateBase64()));
            case TraceEvent.ResponderEphemeral e -> Optional.of(handshake(device, e.peer(), e.ephemeralPrivateBase64()));
            default -> Optional.empty();
        };
    }

    private static WireGuardKeylog handshake(Device device, PublicKey peerKey, String ephemeralPrivate) {
        Peer peer = device.peer(peerKey);
        SymmetricKey psk = peer == null ? null : peer.presharedKey();
        String pskBase64 = psk == null || psk.isZero() ? null : Base64.getEncoder().encodeToString(psk.secretBytes());
        // A handshake is only made with a private key set, so identity() is not null here.
        return new WireGuardKeylog().handshake(peerKey, device.identity().privateKey().base64(), ephemeralPrivate, pskBase64);
    }

    private WireGuardKeylog line(String type, String base64) {
        lines.add(type + " = " + base64);
        return this;
    }

    /** The lines so far, in order (secrets in clear). */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    /** Writes the lines to {@code file}, created (or truncated) with mode 0600. */
    public void write(Path file) throws IOException {
        try (KeylogFile out = KeylogFile.create(file)) {
            out.append(this);
        }
    }

    /** Says how many lines, never what they hold. */
    @Override
    public String toString() {
        return "WireGuardKeylog[" + lines.size() + " lines, secrets redacted]";
    }
}
