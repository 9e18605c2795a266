package dev.wirelab.datapath;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.Peer;
import dev.wirelab.engine.noise.StaticIdentity;
import java.util.HexFormat;

/**
 * The text of UAPI replies (wireguard.com/xplatform). A get reply lists the device, then each peer,
 * in the order and format of wireguard-go's device/uapi.go (IpcGetOperation): {@code private_key}
 * (only when set), {@code listen_port} and {@code fwmark} (only when non-zero); per peer
 * {@code public_key}, {@code preshared_key} (zeros when none), {@code protocol_version=1},
 * {@code endpoint} (when known), {@code last_handshake_time_sec}, {@code last_handshake_time_nsec},
 * {@code tx_bytes}, {@code rx_bytes}, {@code persistent_keepalive_interval}, one {@code allowed_ip}
 * per prefix; keys in lowercase hex. Every reply ends {@code errno=N\n\n}.
 *
 * <p>The reply holds the private and preshared keys in clear text: the socket's 0600 mode is what
 * keeps it to root, as for every WireGuard implementation. Java Strings cannot be wiped.
 */
public final class UapiResponse {
    private static final HexFormat HEX = HexFormat.of();
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private UapiResponse() {}

    /** The get reply's lines for {@code device}, without the closing errno. Call under the device's lock. */
    public static String get(Device device) {
        StringBuilder sb = new StringBuilder(256 + 512 * device.peers().size());
        StaticIdentity identity = device.identity();
        if (identity != null) {
            line(sb, "private_key", HEX.formatHex(identity.privateKey().secretBytes()));
        }
        if (device.listenPort() != 0) {
            line(sb, "listen_port", Integer.toString(device.listenPort()));
        }
        if (device.fwmark() != 0) {
            line(sb, "fwmark", Integer.toUnsignedString(device.fwmark()));
        }
        for (Peer peer : device.peers()) {
            line(sb, "public_key", HEX.formatHex(peer.publicKey().toByteArray()));
            line(sb, "preshared_key", HEX.formatHex(peer.presharedKey().secretBytes()));
            line(sb, "protocol_version", "1");
            if (peer.endpoint() != null) {
                line(sb, "endpoint", endpoint(peer.endpoint()));
            }
            long wall = peer.lastHandshakeWallNanos();
            line(sb, "last_handshake_time_sec", Long.toString(wall / NANOS_PER_SECOND));
            line(sb, "last_handshake_time_nsec", Long.toString(wall % NANOS_PER_SECOND));
            line(sb, "tx_bytes", Long.toUnsignedString(peer.txBytes()));
            line(sb, "rx_bytes", Long.toUnsignedString(peer.rxBytes()));
            line(sb, "persistent_keepalive_interval", Integer.toString(peer.persistentKeepaliveSeconds()));
            for (Prefix prefix : device.allowedIps(peer)) {
                line(sb, "allowed_ip", prefix.toString());
            }
        }
        return sb.toString();
    }

    /** The closing line of every reply: {@code errno=N} and the empty line. */
    public static String errno(int errno) {
        return "errno=" + errno + "\n\n";
    }

    /**
     * "a.b.c.d:port" or "[v6]:port" with the address in RFC 5952 form (as Go's netip.AddrPort and the
     * wg tool print it), using the engine's canonical prefix text for the address.
     */
    static String endpoint(Endpoint endpoint) {
        String prefix = Prefix.of(endpoint.address(), endpoint.address().length() * 8).toString();
        String address = prefix.substring(0, prefix.indexOf('/'));
        return (endpoint.address().length() == 4 ? address : "[" + address + "]") + ":" + endpoint.port();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append('=').append(value).append('\n');
    }
}
