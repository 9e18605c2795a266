package dev.wirelab.engine;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string: the array type records hold, so that message and trace values
 * compare by content and print as hex.
 *
 * <p>The constructor copies, and {@link #toByteArray()} copies: nobody outside holds the array.
 * Not for secrets: use {@link dev.wirelab.engine.crypto.SymmetricKey} or
 * {@link dev.wirelab.engine.crypto.PrivateKey}, whose toString is redacted.
 */
public final class Bytes {
    private static final HexFormat HEX = HexFormat.of();
    public static final Bytes EMPTY = new Bytes(new byte[0], false);

    private final byte[] bytes;

    private Bytes(byte[] bytes, boolean copy) {
        this.bytes = copy ? bytes.clone() : bytes;
    }

    public static Bytes of(byte[] bytes) {
        return new Bytes(bytes, true);
    }

    public static Bytes of(byte[] bytes, int offset, int length) {
        return new Bytes(Arrays.copyOfRange(bytes, offset, offset + length), false);
    }

    /** Takes ownership of an array the caller created and will not touch again. */
    public static Bytes wrap(byte[] freshArray) {
        return new Bytes(freshArray, false);
    }

    /** Parses lowercase or uppercase hex; throws IllegalArgumentException naming the bad input. */
    public static Bytes fromHex(String hex) {
        return new Bytes(HEX.parseHex(hex), false);
    }

    public int length() {
        return bytes.length;
    }

    public byte get(int index) {
        return bytes[index];
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void copyTo(byte[] destination, int offset) {
        System.arraycopy(bytes, 0, destination, offset, bytes.length);
    }

    public String hex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
