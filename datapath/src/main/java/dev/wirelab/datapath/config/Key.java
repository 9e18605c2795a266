package dev.wirelab.datapath.config;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A 32-byte key as a configuration file holds it: a private, preshared or public key, byte for byte
 * as written (a private key is not clamped here; the device clamps it, as wg leaves it to the kernel).
 *
 * <p>Secret keys print as "(hidden)" and compare in constant time. The bytes live in a Java array and
 * in Strings made from it (base64, hex for UAPI): the JVM cannot promise they are erased.
 */
public final class Key {
    public static final int LENGTH = 32;
    /** 32 bytes take 43 base64 characters and one '=' of padding. */
    public static final int BASE64_LENGTH = 44;

    private final byte[] bytes;
    private final boolean secret;

    private Key(byte[] bytes, boolean secret) {
        this.bytes = bytes;
        this.secret = secret;
    }

    /** A copy of {@code bytes} (32) as a secret key. */
    public static Key secret(byte[] bytes) {
        return new Key(checked(bytes).clone(), true);
    }

    /** A copy of {@code bytes} (32) as a public key. */
    public static Key open(byte[] bytes) {
        return new Key(checked(bytes).clone(), false);
    }

    private static byte[] checked(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a key is 32 bytes, got " + bytes.length);
        }
        return bytes;
    }

    /**
     * Decodes a key exactly as wg's key_from_base64 does: 44 characters, the last one '=', the 43 before
     * it from the standard alphabet, and the 2 bits the 43rd character carries beyond the 32 bytes zero.
     * Returns null when {@code text} is not such a key; {@link #whyNotBase64Key} says why.
     */
    static byte[] decodeBase64(String text) {
        if (text.length() != BASE64_LENGTH || text.charAt(BASE64_LENGTH - 1) != '=') {
            return null;
        }
        byte[] out = new byte[LENGTH];
        int acc = 0;
        int bits = 0;
        int o = 0;
        for (int i = 0; i < BASE64_LENGTH - 1; i++) {
            int v = sextet(text.charAt(i));
            if (v < 0) {
                return null;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out[o++] = (byte) (acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
        // 43 * 6 = 258 bits: 2 left over, which wg requires to be zero (a canonical encoding).
        if (acc != 0) {
            return null;
        }
        return out;
    }

    /** Why {@code text} is not a key in wg's base64 form: the part of a message after the field name. */
    static String whyNotBase64Key(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (sextet(c) < 0 && c != '=') {
                return "not base64 (character " + (i + 1) + " is " + printable(c) + ")";
            }
        }
        try {
            int n = Base64.getDecoder().decode(text).length;
            if (n != LENGTH) {
                return "not 32 bytes of base64 (got " + n + ")";
            }
        } catch (IllegalArgumentException e) {
            return "not base64 (" + text.length() + " characters; a key is " + BASE64_LENGTH + " ending in '=')";
        }
        if (text.length() != BASE64_LENGTH) {
            return "not a key: " + BASE64_LENGTH + " base64 characters ending in '=' expected, got " + text.length();
        }
        return "not a canonical base64 key (the 43rd character carries bits beyond the 32 bytes)";
    }

    private static String printable(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        if (c == '+') {
            return 62;
        }
        if (c == '/') {
            return 63;
        }
        return -1;
    }

    public boolean isSecret() {
        return secret;
    }

    /** All 32 bytes zero: for a private key, wg and UAPI read it as "no key". */
    public boolean isZero() {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

    /** A copy of the bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** Lowercase hex, the form UAPI takes. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** Overwrites the bytes with zeros. */
    public void destroy() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Key that && secret == that.secret && MessageDigest.isEqual(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        // Not from the bytes: a hash of a secret is a leak, and keys are never many in one set.
        return secret ? 1 : Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return secret ? "(hidden)" : base64();
    }
}
