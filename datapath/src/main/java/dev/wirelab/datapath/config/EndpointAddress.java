package dev.wirelab.datapath.config;

/**
 * A peer's {@code Endpoint} as written: a host (an IP literal or a name) and a port. Names are resolved
 * when the configuration is applied (as wg resolves them at {@code setconf}), never when it is read.
 *
 * @param host  an IPv4 literal, an IPv6 literal without brackets, or a host name
 */
public record EndpointAddress(String host, int port) {
    public EndpointAddress {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    public boolean isIpv6Literal() {
        return host.indexOf(':') >= 0;
    }

    /** "host:port", or "[v6]:port" for an IPv6 literal, as wg-quick files and UAPI write it. */
    @Override
    public String toString() {
        return (isIpv6Literal() ? "[" + host + "]" : host) + ":" + port;
    }
}
