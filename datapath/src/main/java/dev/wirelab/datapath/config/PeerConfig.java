package dev.wirelab.datapath.config;

import dev.wirelab.engine.allowedips.Prefix;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code [Peer]} section.
 *
 * @param allowedIps           in file order, host bits masked (as the kernel stores them), repeats kept
 * @param persistentKeepalive  seconds, 0 for "off"; empty when the file does not say
 */
public record PeerConfig(Key publicKey, Optional<Key> presharedKey, Optional<EndpointAddress> endpoint,
        List<Prefix> allowedIps, OptionalInt persistentKeepalive) {
    public PeerConfig {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(presharedKey, "presharedKey");
        Objects.requireNonNull(endpoint, "endpoint");
        allowedIps = List.copyOf(allowedIps);
        Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
    }
}
