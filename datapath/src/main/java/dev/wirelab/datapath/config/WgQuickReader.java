package dev.wirelab.datapath.config;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.allowedips.Prefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads wg-quick(8) configuration files the way wg-quick and wg(8) read them (wireguard-tools'
 * wg-quick script and src/config.c, read for their rules):
 * <ul>
 *   <li>a '#' starts a comment to the end of the line;
 *   <li>keys and section names are case-insensitive;
 *   <li>for the keys wg takes, every whitespace character in the line is dropped ("Public Key" is
 *       "PublicKey"), as wg does; for the keys wg-quick handles, the key and the value are trimmed at
 *       both ends and inner spaces kept, as wg-quick does (hooks are shell snippets);
 *   <li>{@code Address}, {@code DNS}, {@code AllowedIPs} and the hooks may repeat and add up; for
 *       every other key the last one wins.
 * </ul>
 * Stricter than wg-quick where wg-quick would pass nonsense on to {@code ip} (an MTU that is not a
 * number, a DNS "address" like 1.2.3): those are refused here, with a message naming file, line and key.
 * Service names for ports (which wg would look up in /etc/services) are refused: numbers only.
 *
 * <p>Bounded: a file larger than {@link #MAX_FILE_BYTES} is refused.
 */
public final class WgQuickReader {
    /** wg-quick's interface name rule: 1 to 15 of these characters, then ".conf". */
    private static final Pattern FILE_NAME = Pattern.compile("([a-zA-Z0-9_=+.-]{1,15})\\.conf");
    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?");
    private static final Pattern SEARCH_DOMAIN = HOST_NAME;
    private static final int HOST_NAME_LENGTH_MAX = 253;
    /** Far more than any real file (a thousand peers take about 200 KiB); a bound on memory. */
    public static final int MAX_FILE_BYTES = 4 << 20;
    private static final int MTU_MIN = 68; // IPv4's minimum (RFC 791); the kernel refuses less.
    private static final int MTU_MAX = 65535;
    private static final String GENKEY = "generate one with `wirelab genkey`";
    private static final String PUBKEY = "generate one with `wirelab genkey | wirelab pubkey`";
    private static final String GENPSK = "generate one with `wirelab genpsk`";
    private static final String INTERFACE_KEYS = "PrivateKey, ListenPort, FwMark, Address, DNS, MTU, Table, "
            + "PreUp, PostUp, PreDown, PostDown, SaveConfig";
    private static final String PEER_KEYS = "PublicKey, PresharedKey, Endpoint, AllowedIPs, PersistentKeepalive";
    /** Longest unknown key quoted in an error: room for a typo of PersistentKeepalive, not for a key. */
    private static final int UNKNOWN_KEY_SHOWN_MAX = 24;
    /** Every key name, lower case: what a message may quote from a line it cannot read. */
    private static final Set<String> KEY_NAMES = Arrays.stream((INTERFACE_KEYS + ", " + PEER_KEYS).split(", "))
            .map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

    private WgQuickReader() {}

    /**
     * Reads {@code file}, whose name must be the interface name followed by ".conf".
     *
     * @throws ConfigException when the file cannot be read or is not a valid configuration
     */
    public static WgQuickConfig read(Path file) throws ConfigException {
        return parse(file.getFileName() == null ? file.toString() : file.getFileName().toString(), readText(file));
    }

    /** The text of {@code file}, bounded; an unreadable file is a ConfigException naming it. */
    static String readText(Path file) throws ConfigException {
        String shown = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ConfigException(shown, 0, "", "file is " + size + " bytes, more than the "
                        + MAX_FILE_BYTES + " a configuration may have; is this the right file?");
            }
            // Undecodable bytes become U+FFFD, which no key or value accepts: reported, never thrown.
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, "", "cannot read: " + e.getMessage());
        }
    }

    /**
     * Parses {@code text} as the file named {@code fileName} (a bare name such as "wg0.conf": it gives
     * the interface name and prefixes every message).
     */
    public static WgQuickConfig parse(String fileName, String text) throws ConfigException {
        return new Pass(fileName, text).run().config();
    }

    /**
     * What {@code wg-quick strip} prints for this file: every line that is not one of wg-quick's own
     * keys in an [Interface] section, trimmed at both ends as bash's {@code read} trims it, comments
     * kept, each followed by a newline, plus one more newline (wg-quick {@code echo}es the lot).
     */
    public static String strip(String fileName, String text) throws ConfigException {
        Pass pass = new Pass(fileName, text).run();
        StringBuilder sb = new StringBuilder();
        for (String line : pass.wgLines) {
            sb.append(line).append('\n');
        }
        return sb.append('\n').toString();
    }

    /**
     * The warning wg-quick prints when others may read or write the file: when the file and its
     * directory both have a permission bit for "others" in common (wg-quick ANDs the two modes with
     * 0007), {@code Warning: `/real/path' is world accessible}, with links resolved.
     */
    public static Optional<String> worldAccessibleWarning(Path file) throws IOException {
        Path real = file.toRealPath();
        Set<PosixFilePermission> f = Files.getPosixFilePermissions(real);
        Path parent = real.getParent();
        Set<PosixFilePermission> d = parent == null ? f : Files.getPosixFilePermissions(parent);
        boolean shared = (f.contains(PosixFilePermission.OTHERS_READ) && d.contains(PosixFilePermission.OTHERS_READ))
                || (f.contains(PosixFilePermission.OTHERS_WRITE) && d.contains(PosixFilePermission.OTHERS_WRITE))
                || (f.contains(PosixFilePermission.OTHERS_EXECUTE) && d.contains(PosixFilePermission.OTHERS_EXECUTE));
        return shared ? Optional.of("Warning: `" + real + "' is world accessible") : Optional.empty();
    }

    private enum Section { NONE, INTERFACE, PEER }

    /** One reading of one file. */
    private static final class Pass {
        private final String file;
        private final String text;
        private final List<String> wgLines = new ArrayList<>();
        private String name;
        private Section section = Section.NONE;
        private int lineNumber;
        // [Interface]
        private Optional<Key> privateKey = Optional.empty();
        private OptionalInt listenPort = OptionalInt.empty();
        private OptionalLong fwmark = OptionalLong.empty();
        private final List<InterfaceAddress> addresses = new ArrayList<>();
        private final List<String> dns = new ArrayList<>();
        private final List<String> dnsSearch = new ArrayList<>();
        private OptionalInt mtu = OptionalInt.empty();
        private Table table = Table.AUTO;
        private final List<String> preUp = new ArrayList<>();
        private final List<String> postUp = new ArrayList<>();
        private final List<String> preDown = new ArrayList<>();
        private final List<String> postDown = new ArrayList<>();
        private boolean saveConfig;
        // [Peer]
        private final List<PeerConfig> peers = new ArrayList<>();
        private int peerLine;
        private Key publicKey;
        private Optional<Key> presharedKey;
        private Optional<EndpointAddress> endpoint;
        private List<Prefix> allowedIps;
        private OptionalInt keepalive;

        Pass(String file, String text) {
            this.file = file;
            this.text = text;
        }

        Pass run() throws ConfigException {
            var m = FILE_NAME.matcher(file);
            if (!m.matches()) {
                throw new ConfigException(file, 0, "", "the file name must be the interface name (1 to 15 of "
                        + "a-z A-Z 0-9 _ = + . -) followed by .conf, as wg-quick requires; rename it, e.g. wg0.conf");
            }
            name = m.group(1);
            int start = 0;
            while (start < text.length()) {
                int end = text.indexOf('\n', start);
                if (end < 0) {
                    end = text.length();
                }
                lineNumber++;
                line(text.substring(start, end));
                start = end + 1;
            }
            endPeer();
            return this;
        }

        WgQuickConfig config() {
            return new WgQuickConfig(name, privateKey, listenPort, fwmark, addresses, dns, dnsSearch, mtu, table,
                    preUp, postUp, preDown, postDown, saveConfig, peers);
        }

        private ConfigException error(String field, String problem) {
            return new ConfigException(file, lineNumber, field, problem);
        }

        private void line(String raw) throws ConfigException {
            int hash = raw.indexOf('#');
            String uncommented = hash < 0 ? raw : raw.substring(0, hash);
            String compact = removeSpace(uncommented);
            if (compact.isEmpty()) {
                wgLines.add(bashTrim(raw));
                return;
            }
            int eq = uncommented.indexOf('=');
            // wg-quick's view: the key and the value trimmed at both ends.
            String quickKey = trim(eq < 0 ? uncommented : uncommented.substring(0, eq));
            if (compact.charAt(0) == '[') {
                header(compact, quickKey);
                wgLines.add(bashTrim(raw));
                return;
            }
            if (eq < 0) {
                // Only a known key name is shown, never the rest: "PrivateKey yAnz…" with its '=' lost
                // would otherwise print the key on the terminal.
                String word = quickKey.split("\\s", 2)[0];
                throw error(KEY_NAMES.contains(word.toLowerCase(Locale.ROOT)) ? word : "",
                        "no '=' in this line; write Key = Value");
            }
            if (section == Section.INTERFACE && quickKey(quickKey, trim(uncommented.substring(eq + 1)))) {
                return;
            }
            int compactEq = compact.indexOf('=');
            String key = compact.substring(0, compactEq);
            String value = compact.substring(compactEq + 1);
            refuseKeyThatMayHoldASecret(key);
            switch (section) {
                case NONE -> throw error(key, "comes before any [Interface] or [Peer] section; put it in one");
                case INTERFACE -> interfaceKey(key, value);
                case PEER -> peerKey(key, value);
            }
            wgLines.add(bashTrim(raw));
        }

        /**
         * An unknown key is quoted in the error, which is fine for a typo ("ListenPrt") but not for
         * "PrivateKey yAnz…=" with its '=' lost: the base64 padding then ends the "key". So a key
         * that starts with a known name shows only that name, and a long unknown one is not shown.
         */
        private void refuseKeyThatMayHoldASecret(String key) throws ConfigException {
            String lower = key.toLowerCase(Locale.ROOT);
            if (KEY_NAMES.contains(lower)) {
                return;
            }
            for (String known : KEY_NAMES) {
                if (lower.startsWith(known)) {
                    throw error(key.substring(0, known.length()), "unknown key starting with "
                            + key.substring(0, known.length()) + " (the rest is not shown: it may hold a key); write "
                            + key.substring(0, known.length()) + " = Value");
                }
            }
            if (key.length() > UNKNOWN_KEY_SHOWN_MAX) {
                throw error("", "an unknown key of " + key.length() + " characters (not shown: it may hold a key)");
            }
        }

        private void header(String compact, String quickKey) throws ConfigException {
            if (compact.equalsIgnoreCase("[Interface]")) {
                if (!quickKey.equalsIgnoreCase("[Interface]")) {
                    // wg would take "[ Interface ]", wg-quick would not see its own keys after it.
                    throw error(quickKey, "write the section header as [Interface], without spaces inside");
                }
                endPeer();
                section = Section.INTERFACE;
            } else if (compact.equalsIgnoreCase("[Peer]")) {
                endPeer();
                section = Section.PEER;
                peerLine = lineNumber;
                publicKey = null;
                presharedKey = Optional.empty();
                endpoint = Optional.empty();
                allowedIps = new ArrayList<>();
                keepalive = OptionalInt.empty();
            } else {
                throw error(quickKey, "unknown section; the sections are [Interface] and [Peer]");
            }
        }

        private void endPeer() throws ConfigException {
            if (section != Section.PEER) {
                return;
            }
            if (publicKey == null) {
                throw new ConfigException(file, peerLine, "[Peer]", "section has no PublicKey; add PublicKey = "
                        + "the peer's public key (" + PUBKEY + ")");
            }
            peers.add(new PeerConfig(publicKey, presharedKey, endpoint, allowedIps, keepalive));
            section = Section.NONE;
        }

        /** wg-quick's keys; false when {@code key} is not one (then wg's rules apply). */
        private boolean quickKey(String key, String value) throws ConfigException {
            switch (key.toLowerCase(Locale.ROOT)) {
                case "address" -> {
                    for (String item : items(value)) {
                        addresses.add(interfaceAddress(key, item));
                    }
                }
                case "dns" -> {
                    for (String item : items(value)) {
                        dnsItem(key, item);
                    }
                }
                case "mtu" -> mtu = value.isEmpty() ? OptionalInt.empty()
                        : OptionalInt.of((int) number(key, value, MTU_MIN, MTU_MAX, "an MTU in " + MTU_MIN + ".."
                                + MTU_MAX + ", or leave MTU out to have it computed"));
                case "table" -> table = table(key, value);
                case "preup" -> preUp.add(value);
                case "postup" -> postUp.add(value);
                case "predown" -> preDown.add(value);
                case "postdown" -> postDown.add(value);
                case "saveconfig" -> {
                    if (value.equalsIgnoreCase("true")) {
                        saveConfig = true;
                    } else if (value.equalsIgnoreCase("false")) {
                        saveConfig = false;
                    } else {
                        throw error(key, "`" + value + "' is neither true nor false; write true or false");
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        private void interfaceKey(String key, String value) throws ConfigException {
            switch (key.toLowerCase(Locale.ROOT)) {
                case "privatekey" -> privateKey = Optional.of(Key.secret(key(key, value, GENKEY)));
                case "listenport" -> listenPort = OptionalInt.of((int) number(key, value, 0, 0xffff,
                        "a UDP port number in 0..65535 (0 or no ListenPort: any free port)"));
                case "fwmark" -> fwmark = OptionalLong.of(fwmark(key, value));
                case "publickey", "presharedkey", "endpoint", "allowedips", "persistentkeepalive" ->
                        throw error(key, "belongs in a [Peer] section, not [Interface]");
                default -> throw error(key, "unknown key in [Interface]; the keys are " + INTERFACE_KEYS);
            }
        }

        private void peerKey(String key, String value) throws ConfigException {
            switch (key.toLowerCase(Locale.ROOT)) {
                case "publickey" -> publicKey = Key.open(key(key, value, PUBKEY));
                case "presharedkey" -> presharedKey = Optional.of(Key.secret(key(key, value, GENPSK)));
                case "endpoint" -> endpoint = Optional.of(endpoint(key, value));
                case "allowedips" -> {
                    for (String item : value.split(",", -1)) {
                        if (item.isEmpty() && value.isEmpty()) {
                            break; // "AllowedIPs =" is allowed and adds nothing, as in wg.
                        }
                        allowedIps.add(allowedIp(key, item));
                    }
                }
                case "persistentkeepalive" -> keepalive = OptionalInt.of(value.equalsIgnoreCase("off") ? 0
                        : (int) number(key, value, 0, 0xffff, "seconds in 0..65535, or off"));
                case "privatekey", "listenport", "fwmark", "address", "dns", "mtu", "table", "preup", "postup",
                        "predown", "postdown", "saveconfig" ->
                        throw error(key, "belongs in the [Interface] section, not [Peer]");
                default -> throw error(key, "unknown key in [Peer]; the keys are " + PEER_KEYS);
            }
        }

        // ------------------------------------------------------------ values

        private byte[] key(String key, String value, String fix) throws ConfigException {
            byte[] bytes = Key.decodeBase64(value);
            if (bytes == null) {
                throw error(key, Key.whyNotBase64Key(value) + "; " + fix);
            }
            return bytes;
        }

        /** Unsigned decimal, any number of leading zeros as strtoul takes them, within min..max. */
        private long number(String key, String value, long min, long max, String expected) throws ConfigException {
            long v = decimal(value);
            if (v < min || v > max) {
                throw error(key, "`" + shown(value) + "' is not " + expected);
            }
            return v;
        }

        /** "off", decimal, or 0x hex (wg's parse_fwmark), up to 2^32-1. */
        private long fwmark(String key, String value) throws ConfigException {
            if (value.equalsIgnoreCase("off")) {
                return 0;
            }
            long v;
            if (value.length() > 2 && value.charAt(0) == '0' && (value.charAt(1) == 'x' || value.charAt(1) == 'X')) {
                v = hex(value.substring(2));
            } else {
                v = decimal(value);
            }
            if (v < 0 || v > 0xffff_ffffL) {
                throw error(key, "`" + shown(value) + "' is not a mark in 0..4294967295 (decimal or 0x hex), or off");
            }
            return v;
        }

        private Table table(String key, String value) throws ConfigException {
            if (value.isEmpty() || value.equals("auto")) {
                return Table.AUTO;
            }
            if (value.equals("off")) {
                return Table.OFF;
            }
            boolean numeric = !value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9');
            if (numeric ? decimal(value) > 0xffff_ffffL || decimal(value) < 0 : !TABLE_NAME.matcher(value).matches()) {
                throw error(key, "`" + shown(value) + "' is not off, auto, a table number (0..4294967295) or a "
                        + "table name from /etc/iproute2/rt_tables");
            }
            return new Table.Named(value);
        }

        private InterfaceAddress interfaceAddress(String key, String item) throws ConfigException {
            AddressWithLength a = addressWithLength(key, item, "is not an IP address with an optional /prefix-length, "
                    + "e.g. 10.0.0.1/24 or fd00::1/64");
            return new InterfaceAddress(a.address(), a.cidr());
        }

        /** An address as written (host bits kept, unlike a Prefix) and its prefix length. */
        private record AddressWithLength(Bytes address, int cidr) {}

        /** ADDRESS[/LENGTH], the length defaulting to the whole address; {@code what} says what it should have been. */
        private AddressWithLength addressWithLength(String key, String item, String what) throws ConfigException {
            int slash = item.indexOf('/');
            String host = slash < 0 ? item : item.substring(0, slash);
            Bytes address = ipLiteral(host);
            if (address == null) {
                throw error(key, "`" + shown(item) + "' " + what);
            }
            int bits = address.length() * 8;
            int cidr = bits;
            if (slash >= 0) {
                long c = decimal(item.substring(slash + 1));
                if (c < 0 || c > bits) {
                    throw error(key, "`" + shown(item) + "': the prefix length must be 0.." + bits);
                }
                cidr = (int) c;
            }
            return new AddressWithLength(address, cidr);
        }

        private void dnsItem(String key, String item) throws ConfigException {
            // wg-quick's rule: digits and dots, or anything with a colon, is a server; the rest search domains.
            boolean server = item.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') || item.indexOf(':') >= 0;
            if (server) {
                if (ipLiteral(item) == null) {
                    throw error(key, "`" + shown(item) + "' is not an IP address of a DNS server");
                }
                dns.add(item);
            } else {
                if (item.length() > HOST_NAME_LENGTH_MAX || !SEARCH_DOMAIN.matcher(item).matches()) {
                    throw error(key, "`" + shown(item) + "' is neither a DNS server address nor a search domain");
                }
                dnsSearch.add(item);
            }
        }

        private Prefix allowedIp(String key, String item) throws ConfigException {
            AddressWithLength a = addressWithLength(key, item, "is not an IP prefix such as 10.0.0.0/24 or fd00::/64 "
                    + "(separate several with commas)");
            return Prefix.of(a.address(), a.cidr());
        }

        /** wg's parse_endpoint: "[host]:port", else the last ':' splits host from port. */
        private EndpointAddress endpoint(String key, String value) throws ConfigException {
            String host;
            String port;
            if (value.startsWith("[")) {
                int close = value.indexOf(']');
                if (close < 0) {
                    throw error(key, "`" + shown(value) + "' has no matching ']'; write [ipv6]:port");
                }
                if (close + 1 >= value.length() || value.charAt(close + 1) != ':' || close + 2 >= value.length()) {
                    throw error(key, "`" + shown(value) + "' has no port; write [ipv6]:port");
                }
                host = value.substring(1, close);
                port = value.substring(close + 2);
            } else {
                int colon = value.lastIndexOf(':');
                if (colon < 0 || colon + 1 >= value.length()) {
                    throw error(key, "`" + shown(value) + "' has no port; write host:port or [ipv6]:port");
                }
                host = value.substring(0, colon);
                port = value.substring(colon + 1);
            }
            long p = decimal(port);
            if (p < 0 || p > 0xffff) {
                throw error(key, "`" + shown(value) + "': the port must be a number in 0..65535");
            }
            if (host.indexOf('%') >= 0) {
                throw error(key, "`" + shown(value) + "': IPv6 zones (%name) are not supported by wirelab; "
                        + "use a global address");
            }
            boolean literalLooking = host.indexOf(':') >= 0 || host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
            if (literalLooking ? ipLiteral(host) == null
                    : host.length() > HOST_NAME_LENGTH_MAX || !HOST_NAME.matcher(host).matches()) {
                throw error(key, "`" + shown(value) + "' does not start with an IP address or host name");
            }
            return new EndpointAddress(host, (int) p);
        }
    }

    // ---------------------------------------------------------------- text

    /** The bytes of an IPv4 or IPv6 literal (as inet_pton takes it), or null. */
    static Bytes ipLiteral(String text) {
        if (text.isEmpty() || text.indexOf('/') >= 0) {
            return null;
        }
        try {
            Prefix p = Prefix.parse(text + (text.indexOf(':') >= 0 ? "/128" : "/32"));
            return p.address();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Unsigned decimal digits to a value, -1 when not digits or beyond 2^32 (never an exception). */
    static long decimal(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v > 0xffff_ffffL) {
                return -1;
            }
        }
        return v;
    }

    private static long hex(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            // ASCII only: Character.digit would also take fullwidth and other Unicode digits.
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
            if (v > 0xffff_ffffL) {
                return -1;
            }
        }
        return v;
    }

    /** Address and DNS lists: wg-quick turns commas into spaces and lets the shell split on blanks. */
    private static List<String> items(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split("[,\\s]+")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** C isspace in the "C" locale, the set wg strips: space, \t, \n, \v, \f, \r. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static String removeSpace(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (!isSpace(s.charAt(i))) {
                sb.append(s.charAt(i));
            }
        }
        return sb.toString();
    }

    /** Trims [[:space:]] at both ends, as wg-quick trims keys and values. */
    private static String trim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && isSpace(s.charAt(a))) {
            a++;
        }
        while (b > a && isSpace(s.charAt(b - 1))) {
            b--;
        }
        return s.substring(a, b);
    }

    /** Trims what bash's {@code read -r line} trims with the default IFS: spaces and tabs (newlines are gone). */
    private static String bashTrim(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }

    /** A value for a message: cut to 60 characters so a pasted blob does not flood the terminal. */
    private static String shown(String value) {
        return value.length() > 60 ? value.substring(0, 60) + "..." : value;
    }
}
