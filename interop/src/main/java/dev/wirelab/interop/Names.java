package dev.wirelab.interop;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Unique names for namespaces and interfaces. wireguard-go's UAPI socket path
 * (/var/run/wireguard/NAME.sock) is shared by every namespace, so two tests, or a test and a
 * leftover, must never pick the same interface name.
 */
public final class Names {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Names() {}

    /** {@code prefix} followed by random hex, at most {@code maxLength} characters. */
    public static String unique(String prefix, int maxLength) {
        int hex = maxLength - prefix.length();
        if (hex < 4) {
            throw new IllegalArgumentException("prefix '" + prefix + "' leaves too little room for a unique suffix");
        }
        byte[] b = new byte[(hex + 1) / 2];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b).substring(0, Math.min(hex, 8));
    }

    /** An interface name (Linux allows 15 characters). */
    public static String interfaceName(String prefix) {
        return unique(prefix, 15);
    }
}
