package dev.wirelab.engine.device;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import java.util.List;

/**
 * Changes to one peer, with UAPI {@code set=1} meaning: null fields leave things as they are.
 *
 * @param publicKey                   which peer (created unless {@code updateOnly})
 * @param remove                      remove the peer; everything else is ignored
 * @param updateOnly                  change the peer only if it exists
 * @param presharedKey                new preshared key (all zeros: none), or null
 * @param endpoint                    new endpoint, or null
 * @param persistentKeepaliveSeconds  0 turns it off, or null
 * @param replaceAllowedIps           drop the peer's AllowedIPs before adding {@code allowedIps}
 * @param allowedIps                  prefixes to add (a prefix another peer owns moves to this one)
 */
public record PeerEdit(
        PublicKey publicKey,
        boolean remove,
        boolean updateOnly,
        SymmetricKey presharedKey,
        Endpoint endpoint,
        Integer persistentKeepaliveSeconds,
        boolean replaceAllowedIps,
        List<Prefix> allowedIps) {

    public PeerEdit {
        allowedIps = List.copyOf(allowedIps);
    }

    /** Adds or updates a peer with an endpoint (may be null) and AllowedIPs. */
    public static PeerEdit add(PublicKey key, Endpoint endpoint, Prefix... allowedIps) {
        return new PeerEdit(key, false, false, null, endpoint, null, false, List.of(allowedIps));
    }

    public static PeerEdit removal(PublicKey key) {
        return new PeerEdit(key, true, false, null, null, null, false, List.of());
    }

    public PeerEdit withPresharedKey(SymmetricKey key) {
        return new PeerEdit(publicKey, remove, updateOnly, key, endpoint, persistentKeepaliveSeconds, replaceAllowedIps, allowedIps);
    }

    public PeerEdit withPersistentKeepalive(int seconds) {
        return new PeerEdit(publicKey, remove, updateOnly, presharedKey, endpoint, seconds, replaceAllowedIps, allowedIps);
    }

    public PeerEdit replacingAllowedIps() {
        return new PeerEdit(publicKey, remove, updateOnly, presharedKey, endpoint, persistentKeepaliveSeconds, true, allowedIps);
    }
}
