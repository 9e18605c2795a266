package dev.wirelab.engine.device;

import dev.wirelab.engine.crypto.PrivateKey;
import java.util.List;

/**
 * One configuration change, with the meaning of a UAPI {@code set=1} request
 * (wireguard.com/xplatform): null fields leave things as they are.
 *
 * @param privateKey        the new private key; ignored when {@code removePrivateKey}
 * @param removePrivateKey  forget the private key (UAPI {@code private_key=} all zeros)
 * @param listenPort        the UDP port, or null: the engine stores it for the datapath
 * @param fwmark            the socket mark (0 removes it), or null
 * @param replacePeers      remove every peer not named in {@code peers} first
 * @param peers             per-peer changes, applied in order
 */
public record DeviceEdit(
        PrivateKey privateKey,
        boolean removePrivateKey,
        Integer listenPort,
        Integer fwmark,
        boolean replacePeers,
        List<PeerEdit> peers) {

    public DeviceEdit {
        peers = List.copyOf(peers);
    }

    public static DeviceEdit peers(PeerEdit... peers) {
        return new DeviceEdit(null, false, null, null, false, List.of(peers));
    }

    public static DeviceEdit privateKey(PrivateKey key) {
        return new DeviceEdit(key, false, null, null, false, List.of());
    }

    @Override
    public String toString() {
        return "DeviceEdit[privateKey=" + (privateKey == null ? "unchanged" : "redacted") + ", removePrivateKey="
                + removePrivateKey + ", listenPort=" + listenPort + ", fwmark=" + fwmark + ", replacePeers="
                + replacePeers + ", peers=" + peers + "]";
    }
}
