package dev.wirelab.datapath;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads UAPI requests (wireguard.com/xplatform) from one connection, one after another:
 * {@code get=1\n\n}, or {@code set=1\n}, key=value lines and an empty line.
 *
 * <p>A set request is parsed whole before anything is applied, so a bad line anywhere refuses the
 * whole request: unlike wireguard-go, which applies lines as it reads them, a refused request changes
 * nothing. After a bad line the rest of the request is read up to its empty line and the connection
 * stays usable. A line longer than {@link #MAX_LINE_BYTES}, a request larger than
 * {@link #MAX_REQUEST_BYTES}, or an end of stream inside a request leave the stream out of step: the
 * request is refused and the connection should be closed.
 */
public final class UapiReader {
    /**
     * Longest line taken, newline excluded. The longest valid line is a key in hex (78 bytes) or an
     * IPv6 endpoint or prefix (under 60); 1 KiB leaves room and keeps one line cheap.
     */
    public static final int MAX_LINE_BYTES = 1024;
    /** Largest request taken: room for tens of thousands of peers, a bound on memory per connection. */
    public static final int MAX_REQUEST_BYTES = 16 << 20;
    /** Most digits in a decimal value (a uint32 has 10; leading zeros beyond that are refused). */
    private static final int MAX_DECIMAL_DIGITS = 10;
    private static final HexFormat HEX = HexFormat.of();

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int requestBytes;

    public UapiReader(InputStream in) {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
    }

    /** Parses one whole request from {@code text}, for tests and tools: null if it is empty. */
    public static UapiRequest parse(String text) {
        try {
            return new UapiReader(new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1))).next();
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    /** The next request, or null when the stream ends cleanly between requests. */
    public UapiRequest next() throws IOException {
        requestBytes = 0;
        int n = readLine();
        if (n == END) {
            return null;
        }
        if (n == TOO_LONG) {
            return tooLong();
        }
        String op = text(n);
        switch (op) {
            case "get=1" -> {
                int blank = readLine();
                if (blank == 0) {
                    return new UapiRequest.Get();
                }
                return new UapiRequest.Rejected(UapiErrno.EINVAL, "get=1 must be followed by an empty line", true);
            }
            case "set=1" -> {
                return readSet();
            }
            default -> {
                return new UapiRequest.Rejected(UapiErrno.EINVAL, "unknown operation " + lineWithoutValue(op), true);
            }
        }
    }

    private UapiRequest readSet() throws IOException {
        SetRequest request = new SetRequest();
        int lineNumber = 1;
        while (true) {
            int n = readLine();
            lineNumber++;
            if (n == END) {
                request.discard();
                return new UapiRequest.Rejected(UapiErrno.EPROTO, "set=1 request ended without an empty line", true);
            }
            if (n == TOO_LONG) {
                request.discard();
                return tooLong();
            }
            if (n == 0) {
                return request.finish();
            }
            if (request.failed()) {
                continue; // Read on to the empty line, so the next request starts in step.
            }
            String text = text(n);
            int eq = text.indexOf('=');
            if (eq < 0) {
                request.fail(UapiErrno.EPROTO, "line " + lineNumber + ": no '=' in " + lineWithoutValue(text));
                continue;
            }
            try {
                request.accept(text.substring(0, eq), text.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                request.fail(UapiErrno.EINVAL, "line " + lineNumber + ": " + e.getMessage());
            }
        }
    }

    private UapiRequest tooLong() {
        String what = requestBytes > MAX_REQUEST_BYTES
                ? "request longer than " + MAX_REQUEST_BYTES + " bytes"
                : "line longer than " + MAX_LINE_BYTES + " bytes";
        return new UapiRequest.Rejected(UapiErrno.EINVAL, what, true);
    }

    private static final int END = -1;
    private static final int TOO_LONG = -2;

    /**
     * Reads one line into {@link #line}: its length without the newline, {@link #END} at end of stream
     * (a partial last line counts as the end: it was never terminated), or {@link #TOO_LONG}.
     */
    private int readLine() throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return END;
            }
            if (++requestBytes > MAX_REQUEST_BYTES) {
                return TOO_LONG;
            }
            if (b == '\n') {
                return n;
            }
            if (n == MAX_LINE_BYTES) {
                return TOO_LONG;
            }
            line[n++] = (byte) b;
        }
    }

    private String text(int n) {
        // Latin-1 maps every byte to one char, so a stray byte shows up in the error and never parses.
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    /**
     * A line for a refusal, which the server logs: its key up to '=' and the value's length only, or
     * for a line with no '=' its length only. Values may be private or preshared keys (a client that
     * forgot {@code set=1}, or a lost '='), and a log must never hold one.
     */
    private static String lineWithoutValue(String line) {
        int eq = line.indexOf('=');
        return eq < 0 ? "a line of " + line.length() + " characters (not shown: it may hold a key)"
                : quote(line.substring(0, eq)) + " (value of " + (line.length() - eq - 1) + " characters not shown)";
    }

    private static String quote(String s) {
        return "\"" + (s.length() > 80 ? s.substring(0, 80) + "..." : s) + "\"";
    }

    /** A set request being read: the device's lines, then one section per public_key line. */
    private static final class SetRequest {
        private PrivateKey privateKey;
        private boolean removePrivateKey;
        private Integer listenPort;
        private Integer fwmark;
        private boolean replacePeers;
        private final List<PeerEdit> peers = new ArrayList<>();
        private PeerSection peer;
        private final List<SymmetricKey> presharedKeys = new ArrayList<>();
        private int errno;
        private String reason;

        boolean failed() {
            return errno != 0;
        }

        void fail(int errno, String reason) {
            this.errno = errno;
            this.reason = reason;
        }

        void accept(String key, String value) {
            if (key.equals("public_key")) {
                endPeer();
                peer = new PeerSection(PublicKey.of(hexKey(key, value)));
                return;
            }
            if (peer == null) {
                acceptDevice(key, value);
            } else {
                acceptPeer(key, value);
            }
        }

        private void acceptDevice(String key, String value) {
            switch (key) {
                case "private_key" -> {
                    byte[] bytes = hexKey(key, value);
                    try {
                        if (privateKey != null) {
                            privateKey.destroy();
                            privateKey = null;
                        }
                        removePrivateKey = isZero(bytes);
                        if (!removePrivateKey) {
                            privateKey = PrivateKey.of(bytes);
                        }
                    } finally {
                        Arrays.fill(bytes, (byte) 0);
                    }
                }
                case "listen_port" -> listenPort = (int) decimal(key, value, 0xffff);
                case "fwmark" -> fwmark = (int) decimal(key, value, 0xffff_ffffL); // uint32 in an int
                case "replace_peers" -> replacePeers = isTrue(key, value);
                default -> throw new IllegalArgumentException("invalid UAPI device key " + quote(key));
            }
        }

        private void acceptPeer(String key, String value) {
            switch (key) {
                case "remove" -> peer.remove = isTrue(key, value);
                case "update_only" -> peer.updateOnly = isTrue(key, value);
                case "preshared_key" -> {
                    byte[] bytes = hexKey(key, value);
                    try {
                        peer.presharedKey = SymmetricKey.of(bytes);
                        presharedKeys.add(peer.presharedKey);
                    } finally {
                        Arrays.fill(bytes, (byte) 0);
                    }
                }
                case "endpoint" -> peer.endpoint = endpoint(value);
                case "persistent_keepalive_interval" -> peer.keepaliveSeconds = (int) decimal(key, value, 0xffff);
                case "replace_allowed_ips" -> peer.replaceAllowedIps = isTrue(key, value);
                case "allowed_ip" -> {
                    if (value.indexOf('/') < 0) {
                        throw new IllegalArgumentException("allowed_ip needs a /cidr: " + quote(value));
                    }
                    peer.allowedIps.add(Prefix.parse(value));
                }
                case "protocol_version" -> {
                    if (!value.equals("1")) {
                        throw new IllegalArgumentException("unsupported protocol_version " + quote(value));
                    }
                }
                default -> throw new IllegalArgumentException("invalid UAPI peer key " + quote(key));
            }
        }

        private void endPeer() {
            if (peer != null) {
                peers.add(peer.edit());
                peer = null;
            }
        }

        UapiRequest finish() {
            if (failed()) {
                discard();
                return new UapiRequest.Rejected(errno, reason, false);
            }
            endPeer();
            return new UapiRequest.Set(new DeviceEdit(privateKey, removePrivateKey, listenPort, fwmark, replacePeers, peers));
        }

        /** Wipes the secrets of a request that will not be applied. */
        void discard() {
            if (privateKey != null) {
                privateKey.destroy();
            }
            presharedKeys.forEach(SymmetricKey::destroy);
        }
    }

    /** The lines of one peer so far. */
    private static final class PeerSection {
        final PublicKey publicKey;
        boolean remove;
        boolean updateOnly;
        SymmetricKey presharedKey;
        Endpoint endpoint;
        Integer keepaliveSeconds;
        boolean replaceAllowedIps;
        final List<Prefix> allowedIps = new ArrayList<>();

        PeerSection(PublicKey publicKey) {
            this.publicKey = publicKey;
        }

        PeerEdit edit() {
            return new PeerEdit(publicKey, remove, updateOnly, presharedKey, endpoint, keepaliveSeconds,
                    replaceAllowedIps, allowedIps);
        }
    }

    // ---------------------------------------------------------------- values

    /** 64 hex digits (either case, as wireguard-go's hex.Decode takes them) to 32 bytes. */
    static byte[] hexKey(String key, String value) {
        if (value.length() != 64) {
            throw new IllegalArgumentException(key + " must be 64 hex digits, got " + value.length() + " characters");
        }
        try {
            return HEX.parseHex(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not hex");
        }
    }

    /** Only "true": wireguard-go refuses "false" and anything else for the flag keys. */
    private static boolean isTrue(String key, String value) {
        if (!value.equals("true")) {
            throw new IllegalArgumentException(key + " must be \"true\", got " + quote(value));
        }
        return true;
    }

    /** An unsigned decimal with at most {@link #MAX_DECIMAL_DIGITS} digits, no sign, up to {@code max}. */
    static long decimal(String key, String value, long max) {
        if (value.isEmpty() || value.length() > MAX_DECIMAL_DIGITS) {
            throw new IllegalArgumentException(key + " is not a number in 0.." + max + ": " + quote(value));
        }
        long v = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException(key + " is not a number in 0.." + max + ": " + quote(value));
            }
            v = v * 10 + (c - '0');
        }
        if (v > max) {
            throw new IllegalArgumentException(key + " out of range 0.." + max + ": " + value);
        }
        return v;
    }

    /**
     * "a.b.c.d:port" or "[v6]:port", numeric only: the address goes through the engine's prefix parser,
     * never a resolver. IPv6 zones ("[fe80::1%eth0]:51820") are refused: the engine's Endpoint has no
     * scope id yet.
     */
    static Endpoint endpoint(String value) {
        String address;
        String port;
        int bits;
        if (value.startsWith("[")) {
            int close = value.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("endpoint must be a.b.c.d:port or [ipv6]:port: " + quote(value));
            }
            address = value.substring(1, close);
            port = value.substring(close + 2);
            bits = Prefix.IPV6_BITS;
        } else {
            int colon = value.lastIndexOf(':');
            if (colon < 0 || value.indexOf(':') != colon) {
                throw new IllegalArgumentException("endpoint must be a.b.c.d:port or [ipv6]:port: " + quote(value));
            }
            address = value.substring(0, colon);
            port = value.substring(colon + 1);
            bits = Prefix.IPV4_BITS;
        }
        if (address.indexOf('%') >= 0) {
            throw new IllegalArgumentException("endpoint with an IPv6 zone is not supported: " + quote(value));
        }
        if (address.indexOf('/') >= 0) {
            throw new IllegalArgumentException("endpoint address must not have a /cidr: " + quote(value));
        }
        Prefix host;
        try {
            host = Prefix.parse(address + "/" + bits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("endpoint address is not numeric IPv" + (bits == 32 ? 4 : 6) + ": "
                    + quote(value));
        }
        if (host.addressBits() != bits) {
            throw new IllegalArgumentException("endpoint address is not IPv" + (bits == 32 ? 4 : 6) + ": " + quote(value));
        }
        return new Endpoint(host.address(), (int) decimal("endpoint port", port, 0xffff));
    }

    private static boolean isZero(byte[] bytes) {
        int acc = 0;
        for (byte b : bytes) {
            acc |= b;
        }
        return acc == 0;
    }

}
