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
        Recorder r = new Recorder(trace, s, Side.INITIATOR_CREATES);
        byte[] dh = new byte[X25519.KEY_LENGTH];
        byte[] k = null;
        try {
            // e: C = KDF1(C, E_pub_i); H = HASH(H || E_pub_i)
            r.begin();
            byte[] ePub = crypto.x25519().publicKey(ephemeral).toByteArray();
            s.mixChain(ePub);
            s.mixHash(ePub);
            r.value("E_pub_i", ePub);
            r.end(1, "e", "C = KDF1(C, E_pub_i); H = HASH(H || E_pub_i)");

            // es: (C, k) = KDF2(C, DH(E_priv_i, S_pub_r))
            r.begin();
            if (!crypto.x25519().sharedSecret(ephemeral.secretBytes(), responderStatic.bytes(), dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            k = s.mixKey(dh);
            r.value("DH(E_priv_i, S_pub_r)", dh);
            r.value("k", k);
            r.end(2, "es", "(C, k) = KDF2(C, DH(E_priv_i, S_pub_r))");

            // s: msg.static = AEAD(k, 0, S_pub_i, H); H = HASH(H || msg.static)
            r.begin();
            byte[] encryptedStatic = s.encryptAndHash(k, initiatorStaticPublic.bytes());
            r.value("S_pub_i", initiatorStaticPublic.bytes());
            r.value("msg.static", encryptedStatic);
            r.end(3, "s", "msg.static = AEAD(k, 0, S_pub_i, H); H = HASH(H || msg.static)");
            Arrays.fill(k, (byte) 0);

            // ss: (C, k) = KDF2(C, DH(S_priv_i, S_pub_r))
            r.begin();
            if (precomputedStaticStatic != null) {
                System.arraycopy(precomputedStaticStatic, 0, dh, 0, dh.length);
            } else if (!crypto.x25519().sharedSecret(initiatorStatic.secretBytes(), responderStatic.bytes(), dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            if (isZero(dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            k = s.mixKey(dh);
            r.value("DH(S_priv_i, S_pub_r)", dh);
            r.value("k", k);
            r.end(4, "ss", "(C, k) = KDF2(C, DH(S_priv_i, S_pub_r))");

            // {t}: msg.timestamp = AEAD(k, 0, payload, H); H = HASH(H || msg.timestamp)
            r.begin();
            byte[] encryptedPayload = s.encryptAndHash(k, payload);
            r.value("payload", payload);
            r.value("msg.timestamp", encryptedPayload);
            r.end(5, "{t}", "msg.timestamp = AEAD(k, 0, TAI64N(), H); H = HASH(H || msg.timestamp)");

            return Outcome.ok(new CreatedInitiation(Bytes.wrap(ePub), Bytes.wrap(encryptedStatic),
                    Bytes.wrap(encryptedPayload), s.chainingKey, s.hash));
        } finally {
            Arrays.fill(dh, (byte) 0);
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
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
        Recorder r = new Recorder(trace, s, Side.RESPONDER_CONSUMES);
        byte[] dh = new byte[X25519.KEY_LENGTH];
        byte[] k = null;
        try {
            byte[] ePub = ephemeral.toByteArray();
            // e: C = KDF1(C, E_pub_i); H = HASH(H || E_pub_i)
            r.begin();
            s.mixChain(ePub);
            s.mixHash(ePub);
            r.value("E_pub_i", ePub);
            r.end(1, "e", "C = KDF1(C, E_pub_i); H = HASH(H || E_pub_i)");

            // es: (C, k) = KDF2(C, DH(S_priv_r, E_pub_i))
            r.begin();
            if (!crypto.x25519().sharedSecret(responderStatic.secretBytes(), ePub, dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            k = s.mixKey(dh);
            r.value("DH(S_priv_r, E_pub_i)", dh);
            r.value("k", k);
            r.end(2, "es", "(C, k) = KDF2(C, DH(S_priv_r, E_pub_i))");

            // s: S_pub_i = AEAD-open(k, 0, msg.static, H); H = HASH(H || msg.static)
            r.begin();
            byte[] staticBytes = s.decryptAndHash(k, encryptedStatic.toByteArray());
            if (staticBytes == null) {
                return Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED);
            }
            PublicKey initiatorStatic = PublicKey.of(staticBytes);
            r.value("msg.static", encryptedStatic.toByteArray());
            r.value("S_pub_i", staticBytes);
            r.end(3, "s", "S_pub_i = AEAD-open(k, 0, msg.static, H); H = HASH(H || msg.static)");
            Arrays.fill(k, (byte) 0);

            // ss: (C, k) = KDF2(C, DH(S_priv_r, S_pub_i))
            r.begin();
            byte[] cached = staticStatic.apply(initiatorStatic);
            if (cached == null) {
                return Outcome.dropped(DropReason.UNKNOWN_PEER);
            }
            System.arraycopy(cached, 0, dh, 0, dh.length);
            if (isZero(dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            k = s.mixKey(dh);
            r.value("DH(S_priv_r, S_pub_i)", dh);
            r.value("k", k);
            r.end(4, "ss", "(C, k) = KDF2(C, DH(S_priv_r, S_pub_i))");

            // {t}: payload = AEAD-open(k, 0, msg.timestamp, H); H = HASH(H || msg.timestamp)
            r.begin();
            byte[] payload = s.decryptAndHash(k, encryptedPayload.toByteArray());
            if (payload == null) {
                return Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED);
            }
            r.value("msg.timestamp", encryptedPayload.toByteArray());
            r.value("payload", payload);
            r.end(5, "{t}", "TAI64N = AEAD-open(k, 0, msg.timestamp, H); H = HASH(H || msg.timestamp)");

            return Outcome.ok(new ConsumedInitiation(initiatorStatic, ephemeral, payload, s.chainingKey, s.hash));
        } finally {
            Arrays.fill(dh, (byte) 0);
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }

    /** Message 2, steps 7-10 and the payload of 11 (macs are WireGuard's, added by the caller). */
    public Outcome<CreatedResponse> createResponse(
            NoiseTrace trace, byte[] chainingKey, byte[] hash, Bytes initiatorEphemeral, PublicKey initiatorStatic,
            PrivateKey ephemeral, byte[] presharedKey, byte[] payload) {
        SymmetricState s = SymmetricState.resume(crypto, chainingKey, hash);
        Recorder r = new Recorder(trace, s, Side.RESPONDER_CREATES);
        byte[] dh = new byte[X25519.KEY_LENGTH];
        byte[] k = null;
        try {
            // e: C = KDF1(C, E_pub_r); H = HASH(H || E_pub_r)
            r.begin();
            byte[] ePub = crypto.x25519().publicKey(ephemeral).toByteArray();
            s.mixChain(ePub);
            s.mixHash(ePub);
            r.value("E_pub_r", ePub);
            r.end(7, "e", "C = KDF1(C, E_pub_r); H = HASH(H || E_pub_r)");

            // ee: C = KDF1(C, DH(E_priv_r, E_pub_i))
            r.begin();
            if (!crypto.x25519().sharedSecret(ephemeral.secretBytes(), initiatorEphemeral.toByteArray(), dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            s.mixChain(dh);
            r.value("DH(E_priv_r, E_pub_i)", dh);
            r.end(8, "ee", "C = KDF1(C, DH(E_priv_r, E_pub_i))");

            // se: C = KDF1(C, DH(E_priv_r, S_pub_i))
            r.begin();
            if (!crypto.x25519().sharedSecret(ephemeral.secretBytes(), initiatorStatic.bytes(), dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            s.mixChain(dh);
            r.value("DH(E_priv_r, S_pub_i)", dh);
            r.end(9, "se", "C = KDF1(C, DH(E_priv_r, S_pub_i))");

            // psk: (C, tau, k) = KDF3(C, Q); H = HASH(H || tau)
            r.begin();
            k = s.mixKeyAndHash(presharedKey);
            r.value("Q", presharedKey);
            r.value("k", k);
            r.end(10, "psk", "(C, tau, k) = KDF3(C, Q); H = HASH(H || tau)");

            // {}: msg.empty = AEAD(k, 0, payload, H); H = HASH(H || msg.empty)
            r.begin();
            byte[] encryptedPayload = s.encryptAndHash(k, payload);
            r.value("payload", payload);
            r.value("msg.empty", encryptedPayload);
            r.end(11, "{}", "msg.empty = AEAD(k, 0, empty, H); H = HASH(H || msg.empty)");

            return Outcome.ok(new CreatedResponse(Bytes.wrap(ePub), Bytes.wrap(encryptedPayload), s.chainingKey, s.hash));
        } finally {
            Arrays.fill(dh, (byte) 0);
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
        }
    }

    /** Message 2 as the initiator reads it. */
    public Outcome<ConsumedResponse> consumeResponse(
            NoiseTrace trace, byte[] chainingKey, byte[] hash, PrivateKey ephemeral, PrivateKey initiatorStatic,
            byte[] presharedKey, Bytes responderEphemeral, Bytes encryptedPayload) {
        SymmetricState s = SymmetricState.resume(crypto, chainingKey, hash);
        Recorder r = new Recorder(trace, s, Side.INITIATOR_CONSUMES);
        byte[] dh = new byte[X25519.KEY_LENGTH];
        byte[] k = null;
        try {
            byte[] ePub = responderEphemeral.toByteArray();
            // e: C = KDF1(C, E_pub_r); H = HASH(H || E_pub_r)
            r.begin();
            s.mixChain(ePub);
            s.mixHash(ePub);
            r.value("E_pub_r", ePub);
            r.end(7, "e", "C = KDF1(C, E_pub_r); H = HASH(H || E_pub_r)");

            // ee: C = KDF1(C, DH(E_priv_i, E_pub_r))
            r.begin();
            if (!crypto.x25519().sharedSecret(ephemeral.secretBytes(), ePub, dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            s.mixChain(dh);
            r.value("DH(E_priv_i, E_pub_r)", dh);
            r.end(8, "ee", "C = KDF1(C, DH(E_priv_i, E_pub_r))");

            // se: C = KDF1(C, DH(S_priv_i, E_pub_r))
            r.begin();
            if (!crypto.x25519().sharedSecret(initiatorStatic.secretBytes(), ePub, dh)) {
                return Outcome.dropped(DropReason.LOW_ORDER_KEY);
            }
            s.mixChain(dh);
            r.value("DH(S_priv_i, E_pub_r)", dh);
            r.end(9, "se", "C = KDF1(C, DH(S_priv_i, E_pub_r))");

            // psk: (C, tau, k) = KDF3(C, Q); H = HASH(H || tau)
            r.begin();
            k = s.mixKeyAndHash(presharedKey);
            r.value("Q", presharedKey);
            r.value("k", k);
            r.end(10, "psk", "(C, tau, k) = KDF3(C, Q); H = HASH(H || tau)");

            // {}: payload = AEAD-open(k, 0, msg.empty, H); H = HASH(H || msg.empty)
            r.begin();
            byte[] payload = s.decryptAndHash(k, encryptedPayload.toByteArray());
            if (payload == null) {
                return Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED);
            }
            r.value("msg.empty", encryptedPayload.toByteArray());
            r.value("payload", payload);
            r.end(11, "{}", "empty = AEAD-open(k, 0, msg.empty, H); H = HASH(H || msg.empty)");

            return Outcome.ok(new ConsumedResponse(payload, s.chainingKey, s.hash));
        } finally {
            Arrays.fill(dh, (byte) 0);
            if (k != null) {
                Arrays.fill(k, (byte) 0);
            }
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
