package dev.wirelab.engine.allowedips;

import dev.wirelab.engine.Bytes;

/**
 * IPv4 and IPv6 addresses as text, both ways. The engine may not use java.net (no InetAddress,
 * which would also resolve names), so this is the small parser and RFC 5952 formatter it needs.
 */
final class AddressText {
    private AddressText() {}

    /** The longest IPv6 text: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255". */
    private static final int IPV6_TEXT_LENGTH_MAX = 45;

    /** The address in {@code text[from, to)}: 4 or 16 bytes, or null when it is not one. */
    static byte[] parse(String text, int from, int to) {
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                return parseIpv6(text, from, to);
            }
        }
        byte[] out = new byte[4];
        return parseIpv4(text, from, to, out, 0) ? out : null;
    }

    /** Four decimal octets 0..255, no leading zeros, into {@code out[offset, offset + 4)}. */
    private static boolean parseIpv4(String text, int from, int to, byte[] out, int offset) {
        int i = from;
        for (int octet = 0; octet < 4; octet++) {
            if (octet > 0) {
                if (i >= to || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && isDigit(text.charAt(i))) {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            out[offset + octet] = (byte) value;
        }
        return i == to;
    }

    /**
     * Eight groups of 1 to 4 hex digits separated by ':'; one "::" may stand for one or more zero
     * groups; the last 32 bits may be a dotted quad.
     */
    private static byte[] parseIpv6(String text, int from, int to) {
        if (to - from < 2 || to - from > IPV6_TEXT_LENGTH_MAX) {
            return null;
        }
        byte[] out = new byte[16];
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // index in groups where "::" stands, if any
        int i = from;
        if (text.charAt(i) == ':') {
            if (text.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
        }
        while (i < to) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 5 && hexValue(text.charAt(i)) >= 0) {
                value = value * 16 + hexValue(text.charAt(i));
                i++;
            }
            if (i < to && text.charAt(i) == '.') {
                // An embedded IPv4 address: the last two groups, and nothing may follow it.
                if (count > 6 || !parseIpv4(text, start, to, out, 12)) {
                    return null;
                }
                groups[count++] = (out[12] & 0xff) << 8 | (out[13] & 0xff);
                groups[count++] = (out[14] & 0xff) << 8 | (out[15] & 0xff);
                i = to;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || count == 8) {
                return null;
            }
            groups[count++] = value;
            if (i == to) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            } else if (i == to) {
                return null; // a single trailing ':'
            }
        }
        // "::" stands for at least one group (RFC 4291 section 2.2), so with it at most 7 are written.
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int tail = gap < 0 ? 0 : count - gap;
        for (int g = 0; g < count; g++) {
            int at = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
            out[2 * at] = (byte) (groups[g] >>> 8);
            out[2 * at + 1] = (byte) groups[g];
        }
        if (gap >= 0) {
            for (int at = gap; at < 8 - tail; at++) {
                out[2 * at] = 0;
                out[2 * at + 1] = 0;
            }
        }
        return out;
    }

    /** Dotted quad for 4 bytes; RFC 5952 text for 16. */
    static String format(Bytes address) {
        if (address.length() == 4) {
            return dottedQuad(address, 0);
        }
        int[] groups = new int[8];
        for (int g = 0; g < 8; g++) {
            groups[g] = (address.get(2 * g) & 0xff) << 8 | (address.get(2 * g + 1) & 0xff);
        }
        // RFC 5952 section 5: IPv4-mapped addresses keep the dotted quad.
        if (groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0
                && groups[5] == 0xffff) {
            return "::ffff:" + dottedQuad(address, 12);
        }
        // Section 4.2: the longest run of two or more zero groups becomes "::", the first on a tie.
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (groups[g] != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && groups[g] == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder sb = new StringBuilder(IPV6_TEXT_LENGTH_MAX);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                sb.append("::");
                g += bestLength - 1;
                continue;
            }
            if (g > 0 && g != bestStart + bestLength) {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[g]));
        }
        return sb.toString();
    }

    private static String dottedQuad(Bytes address, int offset) {
        return (address.get(offset) & 0xff) + "." + (address.get(offset + 1) & 0xff) + "."
                + (address.get(offset + 2) & 0xff) + "." + (address.get(offset + 3) & 0xff);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
