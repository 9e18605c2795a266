package dev.wirelab.viz;

import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Wireshark WireGuard key log as {@code dev.wirelab.capture.WireGuardKeylog} writes it and
 * Wireshark's wg.keylog_file reads it: {@code KEY_TYPE = base64} lines of four types. Static keys
 * form sets (a device logs its own key once per handshake); a PRESHARED_KEY belongs to the
 * LOCAL_EPHEMERAL_PRIVATE_KEY just before it, as in Wireshark.
 *
 * <p>Stricter than Wireshark, which skips a line it cannot read without a word: here such a line is
 * a {@link CaptureError} naming it, because a silently ignored key is a handshake that silently
 * does not decrypt. Blank lines and lines starting with '#' are allowed.
 *
 * @param localStatics   LOCAL_STATIC_PRIVATE_KEY, with their public keys, in first-seen order
 * @param remoteStatics  REMOTE_STATIC_PUBLIC_KEY, in first-seen order
 * @param ephemerals     LOCAL_EPHEMERAL_PRIVATE_KEY by their public key
 */
record CaptureKeylog(Map<PublicKey, PrivateKey> localStatics, List<PublicKey> remoteStatics,
        Map<PublicKey, Ephemeral> ephemerals) {
    /** Longest key log read: a million handshakes' worth of lines is far beyond any capture shown. */
    public static final int BYTES_MAX = 4 << 20;
    /**
     * Distinct static keys of each kind: an initiation is tried against every pair of them, so this
     * bounds the X25519 work per message (a device logs one local key and one per peer).
     */
    public static final int STATICS_MAX = 64;
    /** The line types Wireshark reads, in the order the messages list them. */
    static final List<String> TYPES = List.of("LOCAL_STATIC_PRIVATE_KEY", "REMOTE_STATIC_PUBLIC_KEY",
            "LOCAL_EPHEMERAL_PRIVATE_KEY", "PRESHARED_KEY");

    /** An ephemeral private key and the preshared key logged right after it (null when none). */
    public record Ephemeral(PrivateKey key, byte[] presharedKey) {}

    public static CaptureKeylog empty() {
        return new CaptureKeylog(Map.of(), List.of(), Map.of());
    }

    /** Parses {@code text} (from the file named {@code name}, for messages). */
    public static CaptureKeylog parse(String name, String text) {
        if (text.length() > BYTES_MAX) {
            throw new CaptureError(name + ": " + text.length() + " characters; a key log is read up to " + BYTES_MAX);
        }
        Crypto crypto = Crypto.fastest();
        Map<PublicKey, PrivateKey> locals = new LinkedHashMap<>();
        List<PublicKey> remotes = new ArrayList<>();
        Map<PublicKey, Ephemeral> ephemerals = new LinkedHashMap<>();
        PublicKey lastEphemeral = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            String where = name + " line " + (i + 1);
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            // A key type is one word: "TYPE base64=" has lost its '=' (the one at the end is base64 padding).
            if (eq <= 0 || !line.substring(0, eq).strip().matches("[A-Za-z0-9_]+")) {
                throw new CaptureError(where + ": expected KEY_TYPE = base64 key (as Wireshark's wg.keylog_file), got "
                        + quote(line));
            }
            String type = line.substring(0, eq).strip();
            if (!TYPES.contains(type)) {
                throw new CaptureError(where + ": unknown key type " + quote(type) + "; expected " + String.join(", ", TYPES.subList(0, 3))
                        + " or " + TYPES.get(3));
            }
            byte[] key = key(where, type, line.substring(eq + 1).strip());
            switch (type) {
                case "LOCAL_STATIC_PRIVATE_KEY" -> {
                    PrivateKey k = PrivateKey.of(key);
                    locals.putIfAbsent(crypto.x25519().publicKey(k), k);
                    limit(where, "LOCAL_STATIC_PRIVATE_KEY", locals.size());
                }
                case "REMOTE_STATIC_PUBLIC_KEY" -> {
                    PublicKey k = PublicKey.of(key);
                    if (!remotes.contains(k)) {
                        remotes.add(k);
                    }
                    limit(where, "REMOTE_STATIC_PUBLIC_KEY", remotes.size());
                }
                case "LOCAL_EPHEMERAL_PRIVATE_KEY" -> {
                    PrivateKey k = PrivateKey.of(key);
                    lastEphemeral = crypto.x25519().publicKey(k);
                    ephemerals.put(lastEphemeral, new Ephemeral(k, null));
                }
                case "PRESHARED_KEY" -> {
                    if (lastEphemeral == null) {
                        throw new CaptureError(where + ": a PRESHARED_KEY belongs to the LOCAL_EPHEMERAL_PRIVATE_KEY line"
                                + " before it, and there is none; put it after its handshake's ephemeral key");
                    }
                    ephemerals.put(lastEphemeral, new Ephemeral(ephemerals.get(lastEphemeral).key(), key));
                }
                default -> throw new IllegalStateException("a type in TYPES without a case: " + type);
            }
        }
        return new CaptureKeylog(locals, remotes, ephemerals);
    }

    private static byte[] key(String where, String type, String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new CaptureError(where + ": the value of " + quote(type) + " is not base64 (" + e.getMessage() + ")");
        }
        if (key.length != 32) {
            throw new CaptureError(where + ": the value of " + quote(type) + " is " + key.length
                    + " bytes; a WireGuard key is 32 bytes (44 base64 characters)");
        }
        return key;
    }

    private static void limit(String where, String type, int count) {
        if (count > STATICS_MAX) {
            throw new CaptureError(where + ": more than " + STATICS_MAX + " distinct " + type
                    + " keys; keep the lines of the devices in this capture only");
        }
    }

    /** A piece of the file as the message shows it: short, and never a whole key-sized secret. */
    private static String quote(String s) {
        return "'" + (s.length() > 24 ? s.substring(0, 12) + "…" : s) + "'";
    }

    /** Wipes the private and preshared keys once a capture is decrypted: nothing keeps them after. */
    void destroy() {
        localStatics.values().forEach(PrivateKey::destroy);
        for (Ephemeral e : ephemerals.values()) {
            e.key().destroy();
            if (e.presharedKey() != null) {
                java.util.Arrays.fill(e.presharedKey(), (byte) 0);
            }
        }
    }

    @Override
    public String toString() {
        return "CaptureKeylog[" + localStatics.size() + " local static, " + remoteStatics.size() + " remote static, "
                + ephemerals.size() + " ephemeral keys; secrets redacted]";
    }
}
