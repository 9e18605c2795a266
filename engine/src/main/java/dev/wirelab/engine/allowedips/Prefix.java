package dev.wirelab.engine.allowedips;

import dev.wirelab.engine.Bytes;
import java.util.Objects;

/**
 * An IPv4 or IPv6 network prefix: an address of 4 or 16 bytes and a cidr (the number of leading
 * bits that count). The one type AllowedIPs are configured with, shown with, and traced as.
 *
 * <p>Host bits are always zero: every way of making a Prefix masks them, as the kernel does on
 * insert ("192.0.2.7/24" is 192.0.2.0/24). So two Prefixes are equal exactly when they name the
 * same network, and {@link #toString()} is canonical: dotted quad for IPv4, RFC 5952 for IPv6
 * (lowercase, no leading zeros, the first longest run of two or more zero groups as "::", IPv4-mapped
 * addresses as "::ffff:a.b.c.d").
 */
public record Prefix(Bytes address, int cidr) {
    public static final int IPV4_BITS = 32;
    public static final int IPV6_BITS = 128;

    /** Masks the host bits; throws IllegalArgumentException for a bad length or cidr. */
    public Prefix {
        Objects.requireNonNull(address, "address");
        int bits = addressBits(address.length());
        if (cidr < 0 || cidr > bits) {
            throw new IllegalArgumentException(
                    "cidr " + cidr + " out of range 0.." + bits + " for an IPv" + (bits == IPV4_BITS ? 4 : 6) + " prefix");
        }
        if (hasHostBits(address, cidr)) {
            byte[] masked = address.toByteArray();
            maskHostBits(masked, cidr);
            address = Bytes.wrap(masked);
        }
    }

    /** The prefix of {@code address} (4 or 16 bytes, copied) and {@code cidr}, host bits masked. */
    public static Prefix of(byte[] address, int cidr) {
        return new Prefix(Bytes.of(address), cidr);
    }

    /** The prefix of {@code address} and {@code cidr}, host bits masked. */
    public static Prefix of(Bytes address, int cidr) {
        return new Prefix(address, cidr);
    }

    /**
     * Parses "192.0.2.0/24", "2001:db8::/32", "::ffff:192.0.2.0/120": an address, a slash, a decimal
     * cidr. Host bits are masked. IPv4 octets are decimal without leading zeros (as inet_pton wants:
     * "010" would be octal to inet_aton). IPv6 takes one "::", 1 to 4 hex digits per group, an IPv4
     * dotted quad in the last 32 bits; no zone ("%eth0") and no brackets.
     *
     * @throws IllegalArgumentException naming the text when it is not a prefix or the cidr is too large
     */
    public static Prefix parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 prefix: \"" + text + "\" (no /cidr)");
        }
        byte[] address = AddressText.parse(text, 0, slash);
        String cidrText = text.substring(slash + 1);
        if (address == null || !isDecimal(cidrText)) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 prefix: \"" + text + "\"");
        }
        int cidr = Integer.parseInt(cidrText);
        int bits = address.length * 8;
        if (cidr > bits) {
            throw new IllegalArgumentException("cidr " + cidr + " out of range 0.." + bits + " in \"" + text + "\"");
        }
        return new Prefix(Bytes.wrap(address), cidr);
    }

    public boolean isIpv4() {
        return address.length() == 4;
    }

    /** 32 or 128. */
    public int addressBits() {
        return address.length() * 8;
    }

    /** Whether {@code address} (4 or 16 bytes) is of this family and inside this prefix. */
    public boolean contains(byte[] address) {
        if (address.length != this.address.length()) {
            return false;
        }
        int whole = cidr / 8;
        for (int i = 0; i < whole; i++) {
            if (address[i] != this.address.get(i)) {
                return false;
            }
        }
        int rest = cidr % 8;
        return rest == 0 || ((address[whole] ^ this.address.get(whole)) & (0xff00 >>> rest)) == 0;
    }

    @Override
    public String toString() {
        return AddressText.format(address) + "/" + cidr;
    }

    /** The first 64 address bits, big-endian; IPv4 in the top 32 bits. The trie's key, word 0. */
    long high() {
        long word = 0;
        int n = Math.min(8, address.length());
        for (int i = 0; i < n; i++) {
            word |= (address.get(i) & 0xffL) << (56 - 8 * i);
        }
        return word;
    }

    /** The last 64 bits of an IPv6 address, big-endian; 0 for IPv4. The trie's key, word 1. */
    long low() {
        long word = 0;
        for (int i = 8; i < address.length(); i++) {
            word |= (address.get(i) & 0xffL) << (56 - 8 * (i - 8));
        }
        return word;
    }

    /** The inverse of {@link #high()} and {@link #low()}. */
    static Prefix fromWords(boolean ipv6, long high, long low, int cidr) {
        byte[] address = new byte[ipv6 ? 16 : 4];
        for (int i = 0; i < address.length; i++) {
            long word = i < 8 ? high : low;
            address[i] = (byte) (word >>> (56 - 8 * (i % 8)));
        }
        return new Prefix(Bytes.wrap(address), cidr);
    }

    private static int addressBits(int length) {
        return switch (length) {
            case 4 -> IPV4_BITS;
            case 16 -> IPV6_BITS;
            default -> throw new IllegalArgumentException("an address is 4 or 16 bytes, got " + length);
        };
    }

    private static boolean hasHostBits(Bytes address, int cidr) {
        int whole = cidr / 8;
        int rest = cidr % 8;
        if (rest != 0 && (address.get(whole) & (0xff >>> rest)) != 0) {
            return true;
        }
        for (int i = whole + (rest != 0 ? 1 : 0); i < address.length(); i++) {
            if (address.get(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private static void maskHostBits(byte[] address, int cidr) {
        int whole = cidr / 8;
        int rest = cidr % 8;
        if (rest != 0) {
            address[whole] &= (byte) (0xff00 >>> rest);
            whole++;
        }
        for (int i = whole; i < address.length; i++) {
            address[i] = 0;
        }
    }

    /** 1 to 3 ASCII digits: a cidr is at most 128, and a sign or blank is a typo to report. */
    private static boolean isDecimal(String s) {
        if (s.isEmpty() || s.length() > 3) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
