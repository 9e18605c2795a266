package dev.wirelab.sim;

import java.util.Arrays;

/**
 * One trace line as UTF-8 JSON, written byte for byte as Jackson's default {@code ObjectMapper}
 * writes a {@code Map<String, Object>} of strings, integers, longs and booleans: no spaces,
 * {@code "} and {@code \} and the control characters escaped (b, t, n, f, r short, the others as
 * {@code \}{@code u00XX} in uppercase hex), everything else, non-ASCII included, as is; a lone
 * surrogate becomes {@code ?}, as {@code String.getBytes(UTF_8)} makes it. Trace hashes were
 * defined over Jackson's output, so this writer must not change a byte of it; it exists because
 * Jackson's generic path (a generator, a serializer lookup and buffers per line) cost more than
 * the rest of the simulator together. {@code JsonLineTest} checks it against Jackson.
 *
 * <p>Values of other types are refused ({@link #value} returns false), and the trace hands that
 * line to Jackson instead. Finished lines, each with its newline, stay in one buffer until the
 * trace hashes them in one piece ({@link #pending}, {@link #clear}): SHA-256 fed 100-byte lines
 * one by one ran at about half its speed on large inputs. Not thread-safe.
 */
final class JsonLine {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] MIN_LONG = Long.toString(Long.MIN_VALUE).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buffer = new byte[2 * FLUSH_BYTES];
    private char[] chars = new char[256];
    private final byte[] digits = new byte[20];
    private int length;
    private int lineStart;
    private boolean ascii;
    private boolean first;

    /** Pending bytes past which the trace should hash them: large enough that SHA-256 runs at full speed. */
    static final int FLUSH_BYTES = 16 * 1024;

    /** Starts a new line after the pending ones: an object with no fields yet. */
    void begin() {
        length = lineStart;
        ascii = true;
        first = true;
        put((byte) '{');
    }

    /** Closes the object. The line is {@link #bytes()}[{@link #lineStart()}, {@link #length()}), without a newline. */
    void end() {
        put((byte) '}');
    }

    /** Keeps the finished line, with a newline, among the pending bytes. */
    void commit() {
        put((byte) '\n');
        lineStart = length;
    }

    /** Forgets the line being written; the pending lines stay. */
    void discard() {
        length = lineStart;
    }

    /** How many bytes of committed lines wait to be hashed, from {@link #bytes()}[0]. */
    int pending() {
        return lineStart;
    }

    /** Forgets the pending lines once the trace has hashed them. */
    void clear() {
        length = 0;
        lineStart = 0;
    }

    /** Writes the next field's name; its value must follow. */
    void name(String name) {
        if (!first) {
            put((byte) ',');
        }
        first = false;
        string(name);
        put((byte) ':');
    }

    /** Writes a long field: the trace's time and ids, without boxing. */
    void field(String name, long value) {
        name(name);
        number(value);
    }

    void field(String name, String value) {
        name(name);
        string(value);
    }

    /** Writes a value of a supported type and returns true, or writes nothing and returns false. */
    boolean value(Object value) {
        switch (value) {
            case null -> ensureAndPut(NULL);
            case String s -> string(s);
            case Long l -> number(l);
            case Integer i -> number(i);
            case Boolean b -> ensureAndPut(b ? TRUE : FALSE);
            default -> {
                return false;
            }
        }
        return true;
    }

    byte[] bytes() {
        return buffer;
    }

    int lineStart() {
        return lineStart;
    }

    int length() {
        return length;
    }

    /** Whether every byte so far is ASCII: then the line decodes to the very String Jackson would give. */
    boolean ascii() {
        return ascii;
    }

    /** The line being written, as a String; only exact when {@link #ascii()}. */
    String asciiString() {
        return new String(buffer, lineStart, length - lineStart, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private void number(long v) {
        if (v == Long.MIN_VALUE) {
            ensureAndPut(MIN_LONG);
            return;
        }
        ensure(20);
        if (v < 0) {
            buffer[length++] = '-';
            v = -v;
        }
        // Digits backwards into the scratch area, then into place: one division per digit.
        int at = digits.length;
        do {
            digits[--at] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        int n = digits.length - at;
        System.arraycopy(digits, at, buffer, length, n);
        length += n;
    }

    private void string(String s) {
        int n = s.length();
        // Worst case per char: 6 bytes (backslash-u escape) or 3 bytes (UTF-8); +2 quotes.
        ensure(6 * n + 2);
        if (chars.length < n) {
            chars = new char[Math.max(n, 2 * chars.length)];
        }
        // One bulk copy, then a plain array loop: charAt per character cost more than the rest.
        char[] cs = chars;
        s.getChars(0, n, cs, 0);
        byte[] b = buffer;
        int at = length;
        b[at++] = '"';
        for (int i = 0; i < n; i++) {
            char c = cs[i];
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                b[at++] = (byte) c;
            } else if (c < 0x80) {
                b[at++] = '\\';
                switch (c) {
                    case '"' -> b[at++] = '"';
                    case '\\' -> b[at++] = '\\';
                    case '\b' -> b[at++] = 'b';
                    case '\t' -> b[at++] = 't';
                    case '\n' -> b[at++] = 'n';
                    case '\f' -> b[at++] = 'f';
                    case '\r' -> b[at++] = 'r';
                    default -> {
                        b[at++] = 'u';
                        b[at++] = '0';
                        b[at++] = '0';
                        b[at++] = HEX[c >> 4];
                        b[at++] = HEX[c & 0xf];
                    }
                }
            } else {
                ascii = false;
                if (c < 0x800) {
                    b[at++] = (byte) (0xc0 | c >> 6);
                    b[at++] = (byte) (0x80 | c & 0x3f);
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(cs[i + 1])) {
                    int cp = Character.toCodePoint(c, cs[++i]);
                    b[at++] = (byte) (0xf0 | cp >> 18);
                    b[at++] = (byte) (0x80 | cp >> 12 & 0x3f);
                    b[at++] = (byte) (0x80 | cp >> 6 & 0x3f);
                    b[at++] = (byte) (0x80 | cp & 0x3f);
                } else if (Character.isSurrogate(c)) {
                    b[at++] = '?';
                } else {
                    b[at++] = (byte) (0xe0 | c >> 12);
                    b[at++] = (byte) (0x80 | c >> 6 & 0x3f);
                    b[at++] = (byte) (0x80 | c & 0x3f);
                }
            }
        }
        b[at++] = '"';
        length = at;
    }

    private void put(byte c) {
        ensure(1);
        buffer[length++] = c;
    }

    private void ensureAndPut(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
