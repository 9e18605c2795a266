package dev.wirelab.datapath.config;

import dev.wirelab.engine.allowedips.Prefix;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes a {@link WgQuickConfig} back out: as a wg-quick file (what {@link WgQuickReader} reads back to
 * an equal config), and as the UAPI {@code set=1} request that configures a userspace device the way
 * {@code wg setconf} would.
 */
public final class WgQuickWriter {
    /** Looks up a host name; {@link InetAddress#getByName} in real use, a table in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress resolve(String host) throws UnknownHostException;
    }

    private WgQuickWriter() {}

    /** The configuration as a wg-quick file, every key it has, in the usual order. */
    public static String file(WgQuickConfig c) {
        StringBuilder sb = new StringBuilder("[Interface]\n");
        c.privateKey().ifPresent(k -> line(sb, "PrivateKey", k.base64()));
        c.listenPort().ifPresent(p -> line(sb, "ListenPort", Integer.toString(p)));
        c.fwmark().ifPresent(m -> line(sb, "FwMark", m == 0 ? "off" : Long.toString(m)));
        if (!c.addresses().isEmpty()) {
            line(sb, "Address", c.addresses().stream().map(InterfaceAddress::toString).collect(Collectors.joining(", ")));
        }
        if (!c.dns().isEmpty() || !c.dnsSearch().isEmpty()) {
            line(sb, "DNS", String.join(", ", concat(c.dns(), c.dnsSearch())));
        }
        c.mtu().ifPresent(m -> line(sb, "MTU", Integer.toString(m)));
        if (!(c.table() instanceof Table.Auto)) {
            line(sb, "Table", c.table().toString());
        }
        c.preUp().forEach(h -> line(sb, "PreUp", h));
        c.postUp().forEach(h -> line(sb, "PostUp", h));
        c.preDown().forEach(h -> line(sb, "PreDown", h));
        c.postDown().forEach(h -> line(sb, "PostDown", h));
        if (c.saveConfig()) {
            line(sb, "SaveConfig", "true");
        }
        for (PeerConfig p : c.peers()) {
            sb.append("\n[Peer]\n");
            line(sb, "PublicKey", p.publicKey().base64());
            p.presharedKey().ifPresent(k -> line(sb, "PresharedKey", k.base64()));
            if (!p.allowedIps().isEmpty()) {
                line(sb, "AllowedIPs", p.allowedIps().stream().map(Prefix::toString).collect(Collectors.joining(", ")));
            }
            p.endpoint().ifPresent(e -> line(sb, "Endpoint", e.toString()));
            p.persistentKeepalive().ifPresent(k -> line(sb, "PersistentKeepalive", k == 0 ? "off" : Integer.toString(k)));
        }
        return sb.toString();
    }

    /**
     * The UAPI request that gives a device exactly this configuration, as {@code wg setconf} sends it:
     * the private key (zeros for none, which removes it), listen port and fwmark (0 when unset), every
     * peer replaced, and each peer's allowed IPs replaced. Host names in endpoints are resolved now,
     * the first address {@code resolver} gives, as wg takes the first getaddrinfo result.
     *
     * <p>The text holds the private and preshared keys in hex; Strings cannot be wiped.
     *
     * @throws ConfigException when an endpoint's host name does not resolve (line 0: the file is fine)
     */
    public static String uapiSet(WgQuickConfig c, Resolver resolver) throws ConfigException {
        StringBuilder sb = new StringBuilder("set=1\n");
        line(sb, "private_key", c.privateKey().map(Key::hex).orElse("0".repeat(2 * Key.LENGTH)), '=');
        line(sb, "listen_port", Integer.toString(c.listenPort().orElse(0)), '=');
        line(sb, "fwmark", Long.toString(c.fwmark().orElse(0)), '=');
        line(sb, "replace_peers", "true", '=');
        for (PeerConfig p : c.peers()) {
            line(sb, "public_key", p.publicKey().hex(), '=');
            if (p.presharedKey().isPresent()) {
                line(sb, "preshared_key", p.presharedKey().get().hex(), '=');
            }
            if (p.endpoint().isPresent()) {
                line(sb, "endpoint", resolve(c.name(), p.endpoint().get(), resolver), '=');
            }
            if (p.persistentKeepalive().isPresent()) {
                line(sb, "persistent_keepalive_interval", Integer.toString(p.persistentKeepalive().getAsInt()), '=');
            }
            line(sb, "replace_allowed_ips", "true", '=');
            for (Prefix prefix : p.allowedIps()) {
                line(sb, "allowed_ip", prefix.toString(), '=');
            }
        }
        return sb.append('\n').toString();
    }

    /** "a.b.c.d:port" or "[v6]:port" with numeric addresses, resolving a host name. */
    public static String resolve(String name, EndpointAddress endpoint, Resolver resolver) throws ConfigException {
        if (WgQuickReader.ipLiteral(endpoint.host()) != null) {
            return new EndpointAddress(InterfaceAddress.hostText(WgQuickReader.ipLiteral(endpoint.host())),
                    endpoint.port()).toString();
        }
        InetAddress address;
        try {
            address = resolver.resolve(endpoint.host());
        } catch (UnknownHostException | SecurityException e) {
            throw new ConfigException(name + ".conf", 0, "Endpoint", "host name `" + endpoint.host()
                    + "' does not resolve (" + e.getMessage() + "); check the name and this machine's DNS, "
                    + "or write the peer's IP address");
        }
        // From the bytes, so a scope id never reaches UAPI and IPv6 is in RFC 5952 form.
        String host = InterfaceAddress.hostText(dev.wirelab.engine.Bytes.of(address.getAddress()));
        return new EndpointAddress(host, endpoint.port()).toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(key).append(" = ").append(value).append('\n');
    }

    private static void line(StringBuilder sb, String key, String value, char eq) {
        sb.append(key).append(eq).append(value).append('\n');
    }
}
