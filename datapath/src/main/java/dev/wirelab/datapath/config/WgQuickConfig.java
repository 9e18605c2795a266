package dev.wirelab.datapath.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A wg-quick(8) configuration file, read: the keys wg(8) takes ({@code PrivateKey}, {@code ListenPort},
 * {@code FwMark} and the peers) and the ones wg-quick handles itself ({@code Address}, {@code DNS},
 * {@code MTU}, {@code Table}, the hooks, {@code SaveConfig}).
 *
 * @param name        the interface name, from the file name (NAME.conf)
 * @param privateKey  empty when the file has none (the device then has no key, as after {@code wg setconf})
 * @param listenPort  empty when the file does not say (the device picks a port)
 * @param fwmark      0 for "off"; empty when the file does not say
 * @param dns         the DNS entries that are IP addresses, as written
 * @param dnsSearch   the DNS entries that are not (search domains)
 * @param mtu         empty: computed as wg-quick does
 */
public record WgQuickConfig(String name, Optional<Key> privateKey, OptionalInt listenPort, OptionalLong fwmark,
        List<InterfaceAddress> addresses, List<String> dns, List<String> dnsSearch, OptionalInt mtu, Table table,
        List<String> preUp, List<String> postUp, List<String> preDown, List<String> postDown, boolean saveConfig,
        List<PeerConfig> peers) {
    public WgQuickConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(listenPort, "listenPort");
        Objects.requireNonNull(fwmark, "fwmark");
        addresses = List.copyOf(addresses);
        dns = List.copyOf(dns);
        dnsSearch = List.copyOf(dnsSearch);
        Objects.requireNonNull(mtu, "mtu");
        Objects.requireNonNull(table, "table");
        preUp = List.copyOf(preUp);
        postUp = List.copyOf(postUp);
        preDown = List.copyOf(preDown);
        postDown = List.copyOf(postDown);
        peers = List.copyOf(peers);
    }
}
