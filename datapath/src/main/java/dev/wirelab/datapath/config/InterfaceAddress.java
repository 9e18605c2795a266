package dev.wirelab.datapath.config;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.allowedips.Prefix;

/**
 * One {@code Address} of the interface: an address with its prefix length, host bits kept
 * ("192.0.2.1/24" is the address 192.0.2.1 on 192.0.2.0/24), as {@code ip address add} takes it. An
 * address written without "/cidr" gets the full length, as {@code ip} gives it.
 */
public record InterfaceAddress(Bytes address, int cidr) {
    public InterfaceAddress {
        int bits = address.length() * 8;
        if (bits != Prefix.IPV4_BITS && bits != Prefix.IPV6_BITS) {
            throw new IllegalArgumentException("an address is 4 or 16 bytes, got " + address.length());
        }
        if (cidr < 0 || cidr > bits) {
            throw new IllegalArgumentException("cidr " + cidr + " out of range 0.." + bits);
        }
    }

    public boolean isIpv4() {
        return address.length() == 4;
    }

    /** The address alone in canonical text (dotted quad, RFC 5952). */
    public String host() {
        return hostText(address);
    }

    /** Canonical text of an address, by way of the engine's Prefix (a full-length prefix keeps every bit). */
    static String hostText(Bytes address) {
        String p = Prefix.of(address, address.length() * 8).toString();
        return p.substring(0, p.indexOf('/'));
    }

    @Override
    public String toString() {
        return host() + "/" + cidr;
    }
}
