package dev.wirelab.engine.noise;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.X25519;
import dev.wirelab.engine.noise.NoiseStep.Side;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The Noise IKpsk2 pattern with 25519, ChaChaPoly and BLAKE2s, as the WireGuard whitepaper §5.4
 * writes it:
 * <pre>
 *   IKpsk2:
 *     &lt;- s
 *     ...
 *     -&gt; e, es, s, ss
 *     &lt;- e, ee, se, psk
 * </pre>
 * Prologue and payloads are parameters: WireGuard passes its IDENTIFIER, a TAI64N timestamp and an
 * empty payload, and the same code reproduces the generic Noise test vector (cacophony).
 *
 * <p>Consume functions work on copies and return either everything the caller must commit or a
 * {@link DropReason}; they never change caller state. DH results and derived keys are zeroed when
 * no longer needed. Each step reports to a {@link NoiseTrace} only when tracing is on.
 */
public final class NoiseIkpsk2 {
    private final Crypto crypto;
    private final byte[] protocolName;
    private final byte[] prologue;

    public NoiseIkpsk2(Crypto crypto, byte[] protocolName, byte[] prologue) {
        this.crypto = crypto;
        this.protocolName = protocolName.clone();
        this.prologue = prologue.clone();
    }

    /** C and H after initialization and the responder's static key: shared by both roles. */
    private SymmetricState initialState(PublicKey responderStatic) {
        SymmetricState s = SymmetricState.initialize(crypto, protocolName, prologue);
        // Pre-message "<- s": H = HASH(H || S_pub_r)
        s.mixHash(responderStatic.bytes());
        return s;
    }

    /** What the initiator keeps and sends after building message 1. */
    public record CreatedInitiation(Bytes ephemeral, Bytes encryptedStatic, Bytes encryptedPayload, byte[] chainingKey, byte[] hash) {}

    /** What the responder learns from message 1. */
    public record ConsumedInitiation(PublicKey initiatorStatic, Bytes initiatorEphemeral, byte[] payload, byte[] chainingKey, byte[] hash) {}

    public record CreatedResponse(Bytes ephemeral, Bytes encryptedPayload, byte[] chainingKey, byte[] hash) {}

    public record ConsumedResponse(byte[] payload, byte[] chainingKey, byte[] hash) {}

    /** Transport keys: T_send and T_recv of the initiator (the responder's are the other way round). */
    public record SessionKeys(byte[] initiatorToResponder, byte[] responderToInitiator) {
        public void destroy() {
            Arrays.fill(initiatorToResponder, (byte) 0);
            Arrays.fill(responderToInitiator, (byte) 0);
        }
    }

    /**
     * Message 1, steps 1-5. {@code precomputedStaticStatic} is DH(S_priv_i, S_pub_r) if the caller
     * cached it (the kernel does, per peer), else null.
     */
    public Outcome<CreatedInitiation> createInitiation(
            NoiseTrace trace, PrivateKey initiatorStatic, PublicKey initiatorStaticPublic, PublicKey responderStatic,
            PrivateKey ephemeral, byte[] precomputedStaticStatic, byte[] payload) {
        SymmetricState s = initialState(responderStatic);
        try (Tokens t = new Tokens(s, trace, Side.INITIATOR_CREATES)) {
            byte[] ePub = crypto.x25519().publicKey(ephemeral).toByteArray();
            t.e(1, "i", ePub);
            // es: (C, k) = KDF2(C, DH(E_priv_i, S_pub_r))
            if (!t.dh(ephemeral.secretBytes(), responderStatic.bytes())) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixKey(2, "es", "DH(E_priv_i, S_pub_r)");
            // s: msg.static = AEAD(k, 0, S_pub_i, H); H = HASH(H || msg.static)
            byte[] encryptedStatic = t.encrypt(3, "s", "msg.static = AEAD(k, 0, S_pub_i, H); H = HASH(H || msg.static)",
                    "S_pub_i", "msg.static", initiatorStaticPublic.bytes());
            // ss: (C, k) = KDF2(C, DH(S_priv_i, S_pub_r))
            if (!t.dhOrCached(initiatorStatic.secretBytes(), responderStatic.bytes(), precomputedStaticStatic)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixKey(4, "ss", "DH(S_priv_i, S_pub_r)");
            // {t}: msg.timestamp = AEAD(k, 0, payload, H); H = HASH(H || msg.timestamp)
            byte[] encryptedPayload = t.encrypt(5, "{t}", "msg.timestamp = AEAD(k, 0, TAI64N(), H); H = HASH(H || msg.timestamp)",
                    "payload", "msg.timestamp", payload);
            return Outcome.ok(new CreatedInitiation(Bytes.wrap(ePub), Bytes.wrap(encryptedStatic),
                    Bytes.wrap(encryptedPayload), s.chainingKey, s.hash));
        }
    }

    /**
     * Message 1 as the responder reads it. {@code staticStatic} maps the initiator's decrypted static
     * key to DH(S_priv_r, S_pub_i), which the kernel precomputes per peer, or to null when the key is
     * not a known peer: the handshake then stops before spending another DH on a stranger.
     */
    public Outcome<ConsumedInitiation> consumeInitiation(
            NoiseTrace trace, PrivateKey responderStatic, PublicKey responderStaticPublic,
            Bytes ephemeral, Bytes encryptedStatic, Bytes encryptedPayload,
            Function<PublicKey, byte[]> staticStatic) {
        SymmetricState s = initialState(responderStaticPublic);
        try (Tokens t = new Tokens(s, trace, Side.RESPONDER_CONSUMES)) {
            byte[] ePub = ephemeral.toByteArray();
            t.e(1, "i", ePub);
            // es: (C, k) = KDF2(C, DH(S_priv_r, E_pub_i))
            if (!t.dh(responderStatic.secretBytes(), ePub)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixKey(2, "es", "DH(S_priv_r, E_pub_i)");
            // s: S_pub_i = AEAD-open(k, 0, msg.static, H); H = HASH(H || msg.static)
            byte[] staticBytes = t.decrypt(3, "s", "S_pub_i = AEAD-open(k, 0, msg.static, H); H = HASH(H || msg.static)",
                    "msg.static", "S_pub_i", encryptedStatic.toByteArray());
            if (staticBytes == null) {
                return Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED);
            }
            PublicKey initiatorStatic = PublicKey.of(staticBytes);
            // ss: (C, k) = KDF2(C, DH(S_priv_r, S_pub_i))
            byte[] cached = staticStatic.apply(initiatorStatic);
            if (cached == null) {
                return Outcome.dropped(DropReason.UNKNOWN_PEER);
            }
            if (!t.dhOrCached(null, null, cached)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixKey(4, "ss", "DH(S_priv_r, S_pub_i)");
            // {t}: payload = AEAD-open(k, 0, msg.timestamp, H); H = HASH(H || msg.timestamp)
            byte[] payload = t.decrypt(5, "{t}", "TAI64N = AEAD-open(k, 0, msg.timestamp, H); H = HASH(H || msg.timestamp)",
                    "msg.timestamp", "payload", encryptedPayload.toByteArray());
            if (payload == null) {
                return Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED);
            }
            return Outcome.ok(new ConsumedInitiation(initiatorStatic, ephemeral, payload, s.chainingKey, s.hash));
        }
    }

    /** Message 2, steps 7-10 and the payload of 11 (macs are WireGuard's, added by the caller). */
    public Outcome<CreatedResponse> createResponse(
            NoiseTrace trace, byte[] chainingKey, byte[] hash, Bytes initiatorEphemeral, PublicKey initiatorStatic,
            PrivateKey ephemeral, byte[] presharedKey, byte[] payload) {
        SymmetricState s = SymmetricState.resume(crypto, chainingKey, hash);
        try (Tokens t = new Tokens(s, trace, Side.RESPONDER_CREATES)) {
            byte[] ePub = crypto.x25519().publicKey(ephemeral).toByteArray();
            t.e(7, "r", ePub);
            // ee: C = KDF1(C, DH(E_priv_r, E_pub_i))
            if (!t.dh(ephemeral.secretBytes(), initiatorEphemeral.toByteArray())) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixChain(8, "ee", "DH(E_priv_r, E_pub_i)");
            // se: C = KDF1(C, DH(E_priv_r, S_pub_i))
            if (!t.dh(ephemeral.secretBytes(), initiatorStatic.bytes())) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixChain(9, "se", "DH(E_priv_r, S_pub_i)");
            t.psk(presharedKey);
            // {}: msg.empty = AEAD(k, 0, payload, H); H = HASH(H || msg.empty)
            byte[] encryptedPayload = t.encrypt(11, "{}", "msg.empty = AEAD(k, 0, empty, H); H = HASH(H || msg.empty)",
                    "payload", "msg.empty", payload);
            return Outcome.ok(new CreatedResponse(Bytes.wrap(ePub), Bytes.wrap(encryptedPayload), s.chainingKey, s.hash));
        }
    }

    /** Message 2 as the initiator reads it. */
    public Outcome<ConsumedResponse> consumeResponse(
            NoiseTrace trace, byte[] chainingKey, byte[] hash, PrivateKey ephemeral, PrivateKey initiatorStatic,
            byte[] presharedKey, Bytes responderEphemeral, Bytes encryptedPayload) {
        SymmetricState s = SymmetricState.resume(crypto, chainingKey, hash);
        try (Tokens t = new Tokens(s, trace, Side.INITIATOR_CONSUMES)) {
            byte[] ePub = responderEphemeral.toByteArray();
            t.e(7, "r", ePub);
            // ee: C = KDF1(C, DH(E_priv_i, E_pub_r))
            if (!t.dh(ephemeral.secretBytes(), ePub)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixChain(8, "ee", "DH(E_priv_i, E_pub_r)");
            // se: C = KDF1(C, DH(S_priv_i, E_pub_r))
            if (!t.dh(initiatorStatic.secretBytes(), ePub)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            t.mixChain(9, "se", "DH(S_priv_i, E_pub_r)");
            t.psk(presharedKey);
            // {}: payload = AEAD-open(k, 0, msg.empty, H); H = HASH(H || msg.empty)
            byte[] payload = t.decrypt(11, "{}", "empty = AEAD-open(k, 0, msg.empty, H); H = HASH(H || msg.empty)",
                    "msg.empty", "payload", encryptedPayload.toByteArray());
            if (payload == null) {
                return Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED);
            }
            return Outcome.ok(new ConsumedResponse(payload, s.chainingKey, s.hash));
        }
    }

    /**
     * The Noise tokens as operations on one symmetric state, each reporting itself as a
     * {@link NoiseStep}. Holds the DH result and the current key k in scratch arrays that
     * {@link #close()} zeroes on every exit, success or drop.
     */
    private final class Tokens implements AutoCloseable {
        private final SymmetricState s;
        private final Recorder r;
        private final byte[] dh = new byte[X25519.KEY_LENGTH];
        private byte[] k;

        Tokens(SymmetricState s, NoiseTrace trace, Side side) {
            this.s = s;
            this.r = new Recorder(trace, s, side);
        }

        /** e: C = KDF1(C, E_pub); H = HASH(H || E_pub). {@code who} is "i" or "r". */
        void e(int number, String who, byte[] ephemeralPublic) {
            r.begin();
            s.mixChain(ephemeralPublic);
            s.mixHash(ephemeralPublic);
            r.value("E_pub_" + who, ephemeralPublic);
            r.end(number, "e", "C = KDF1(C, E_pub_" + who + "); H = HASH(H || E_pub_" + who + ")");
        }

        /** DH(scalar, u) into the scratch array; false when the result is all zero. */
        boolean dh(byte[] scalar, byte[] u) {
            return crypto.x25519().sharedSecret(scalar, u, dh);
        }

        /** The cached DH value when there is one, else DH(scalar, u); false when all zero. */
        boolean dhOrCached(byte[] scalar, byte[] u, byte[] cached) {
            if (cached == null) {
                return dh(scalar, u);
            }
            System.arraycopy(cached, 0, dh, 0, dh.length);
            return !isZero(dh);
        }

        /** es, ss: (C, k) = KDF2(C, DH(...)). */
        void mixKey(int number, String token, String dhName) {
            r.begin();
            wipeKey();
            k = s.mixKey(dh);
            r.value(dhName, dh);
            r.value("k", k);
            r.end(number, token, "(C, k) = KDF2(C, " + dhName + ")");
        }

        /** ee, se: C = KDF1(C, DH(...)); WireGuard never uses the key Noise's MixKey would give here. */
        void mixChain(int number, String token, String dhName) {
            r.begin();
            s.mixChain(dh);
            r.value(dhName, dh);
            r.end(number, token, "C = KDF1(C, " + dhName + ")");
        }

        /** psk: (C, tau, k) = KDF3(C, Q); H = HASH(H || tau). Step 10. */
        void psk(byte[] presharedKey) {
            r.begin();
            wipeKey();
            k = s.mixKeyAndHash(presharedKey);
            r.value("Q", presharedKey);
            r.value("k", k);
            r.end(10, "psk", "(C, tau, k) = KDF3(C, Q); H = HASH(H || tau)");
        }

        byte[] encrypt(int number, String token, String formula, String plainName, String cipherName, byte[] plaintext) {
            r.begin();
            byte[] c = s.encryptAndHash(k, plaintext);
            r.value(plainName, plaintext);
            r.value(cipherName, c);
            r.end(number, token, formula);
            return c;
        }

        /** The plaintext, or null (nothing reported, state unchanged) when the tag does not verify. */
        byte[] decrypt(int number, String token, String formula, String cipherName, String plainName, byte[] ciphertext) {
            r.begin();
            byte[] p = s.decryptAndHash(k, ciphertext);
            if (p != null) {
                r.value(cipherName, ciphertext);
                r.value(plainName, p);
                r.end(number, token, formula);
            }
            return p;
        }

        private void wipeKey() {
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }

        @Override
        public void close() {
            Arrays.fill(dh, (byte) 0);
            wipeKey();
        }
    }

    /** (T_i->r, T_r->i) = KDF2(C, empty): step 12, after which C and H are zeroed by the caller. */
    public SessionKeys split(NoiseTrace trace, Side side, byte[] chainingKey, byte[] hash) {
        SymmetricState s = SymmetricState.resume(crypto, chainingKey, hash);
        Recorder r = new Recorder(trace, s, side);
        r.begin();
        byte[][] keys = s.split();
        r.value("T_i->r", keys[0]);
        r.value("T_r->i", keys[1]);
        r.end(12, "split", "(T_send_i = T_recv_r, T_recv_i = T_send_r) = KDF2(C, empty)");
        s.destroy();
        return new SessionKeys(keys[0], keys[1]);
    }

    private static boolean isZero(byte[] b) {
        int acc = 0;
        for (byte x : b) {
            acc |= x;
        }
        return acc == 0;
    }

    /** Builds {@link NoiseStep}s; every method is a no-op when tracing is off. */
    private static final class Recorder {
        private final NoiseTrace trace;
        private final SymmetricState state;
        private final Side side;
        private Bytes chainingKeyBefore;
        private Bytes hashBefore;
        private Map<String, Bytes> values;

        Recorder(NoiseTrace trace, SymmetricState state, Side side) {
            this.trace = trace;
            this.state = state;
            this.side = side;
        }

        void begin() {
            if (trace.enabled()) {
                chainingKeyBefore = Bytes.of(state.chainingKey);
                hashBefore = Bytes.of(state.hash);
                values = new LinkedHashMap<>();
            }
        }

        void value(String name, byte[] value) {
            if (values != null) {
                values.put(name, Bytes.of(value));
            }
        }

        void end(int number, String token, String formula) {
            if (values != null) {
                trace.step(new NoiseStep(number, side, token, formula, chainingKeyBefore, hashBefore,
                        Bytes.of(state.chainingKey), Bytes.of(state.hash), Collections.unmodifiableMap(values)));
                values = null;
            }
        }
    }
}
