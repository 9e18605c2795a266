package dev.wirelab.bench;

import dev.wirelab.engine.transport.KeypairLimits;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.cookie.CookieChecker;
import dev.wirelab.engine.cookie.CookieChecker.MacState;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.crypto.X25519;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.ParseResult;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.noise.StaticIdentity;
import dev.wirelab.engine.transport.Keypair;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * WireGuard handshakes per second through the engine's own code ({@link Handshake}, the cookie
 * layer, the codec), one operation = one role's whole work on one message, as the engine-pair
 * test runs it:
 *
 * <ul>
 *   <li>{@code createInitiation}: draw a sender index and an ephemeral key, create_initiation,
 *       encode, add mac1 (mac2 stays zero: no cookie held).
 *   <li>{@code responder}: parse the initiation, check mac1 (not under load, so no mac2),
 *       consume_initiation, draw an index and an ephemeral key, create_response, encode, add mac1,
 *       begin_session. This is "responder handshakes per second".
 *   <li>{@code consumeResponse}: parse the response, check mac1, consume_response, begin_session.
 *   <li>{@code roundTrip}: the three above in a row.
 * </ul>
 *
 * <p>Every operation does valid work: each helper throws on a Dropped outcome or a bad mac (an
 * instanceof test, nothing measurable), and each state's setup runs its path once first, so a
 * rejected replay can never be what is timed. How each stays valid:
 * <ul>
 *   <li>{@code createInitiation}, {@code roundTrip}: the {@link Now} advances by one second of
 *       virtual time per operation, so every timestamp is newer than the last and no two
 *       initiations are within the 50/s flood limit.
 *   <li>{@code responder}: the initiations must exist before the timed call, and a responder
 *       accepts each one only once, in timestamp order. A pool of {@value #POOL_INITIATIONS}
 *       distinct initiations (one second apart) is made once per trial; each iteration gets
 *       {@value #POOL_RESPONDERS} fresh responder {@link Handshake}s for the same peer, and the
 *       k-th operation gives initiation k mod P to responder k / P. Every pair is new, timestamps
 *       rise for each responder, and P × R = 262,144 operations fit in any iteration (the
 *       operation throws rather than reuse a pair). Building the responders (one static-static DH
 *       each) happens in the iteration setup, outside the timing.
 *   <li>{@code consumeResponse}: consuming a response destroys the initiator's handshake state, so
 *       each operation needs a new initiation and its response: they are made in a
 *       {@code Level.Invocation} setup (not timed). One operation takes over 100 µs, far above the
 *       per-invocation timestamping JMH then adds.
 * </ul>
 *
 * <p>X25519 per operation, with the static-static DH precomputed per peer in {@link Handshake}'s
 * constructor as the kernel does: createInitiation 1 DH (es) + 1 public key (ephemeral);
 * responder 3 DH (es, ee, se) + 1 public key; consumeResponse 2 DH (ee, se); roundTrip 6 + 2.
 * {@link #checkX25519Counts()} counts them through the real code at every setup (and in a test),
 * so run.sh's bound cannot silently drift from the code. Ephemeral keys come from
 * {@link PrivateKey#generate} over a {@link DeterministicEntropy}, inside the timed operation where
 * the engine makes them. The index table and the keypair store are not part of this code and are
 * not measured. Crypto is {@link Crypto#fastest()}, what the engine uses.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HandshakeBench {
    static final int POOL_INITIATIONS = 512;
    static final int POOL_RESPONDERS = 512;

    /** X25519 calls per operation: shared secrets, public keys. run.sh uses the same numbers. */
    static final int CREATE_INITIATION_DH = 1;
    static final int CREATE_INITIATION_PUBLIC_KEYS = 1;
    static final int RESPONDER_DH = 3;
    static final int RESPONDER_PUBLIC_KEYS = 1;
    static final int CONSUME_RESPONSE_DH = 2;
    static final int CONSUME_RESPONSE_PUBLIC_KEYS = 0;

    static final Now T0 = new Now(1_000_000_000L, 1_700_000_000_000_000_000L);
    /** Virtual time between two initiations: newer timestamp, and far slower than 50/s. */
    static final long STEP_NANOS = Protocol.SECOND_NANOS;
    static final Endpoint ENDPOINT_I = Endpoint.ipv4("192.0.2.1:51820");
    static final Endpoint ENDPOINT_R = Endpoint.ipv4("192.0.2.2:51820");
    static final long SEED = 20250101L;

    static Now at(long step) {
        return T0.plusNanos(step * STEP_NANOS);
    }

    static <T> T ok(Outcome<T> outcome) {
        return switch (outcome) {
            case Outcome.Ok<T>(var v) -> v;
            case Outcome.Dropped<T>(var reason) -> throw new IllegalStateException("handshake dropped: " + reason);
        };
    }

    /**
     * Initiator "i" and responder "r", each with its own Crypto, entropy, identity, cookie
     * generator and checker (as the engine's EnginePair test fixture). {@link #initiator} is i's
     * handshake with r; r's handshakes with i come from {@link #newResponder()}.
     */
    static final class Peers {
        final Crypto cryptoI;
        final Crypto cryptoR;
        final DeterministicEntropy entropyI;
        final DeterministicEntropy entropyR;
        final StaticIdentity identityI;
        final StaticIdentity identityR;
        final byte[] psk = new byte[32];
        final Handshake initiator;
        final CookieGenerator macsToR;
        final CookieGenerator macsToI;
        final CookieChecker checkerI;
        final CookieChecker checkerR;
        /** The responder's keypair from the last {@link #respond}. */
        Keypair responderKeypair;

        Peers(Crypto cryptoI, Crypto cryptoR) {
            this.cryptoI = cryptoI;
            this.cryptoR = cryptoR;
            DeterministicEntropy root = new DeterministicEntropy(SEED);
            entropyI = root.split("initiator");
            entropyR = root.split("responder");
            identityI = StaticIdentity.of(cryptoI.x25519(), PrivateKey.generate(entropyI));
            identityR = StaticIdentity.of(cryptoR.x25519(), PrivateKey.generate(entropyR));
            // A preshared key costs the same KDF3 as none (all zero); use one, as careful setups do.
            root.split("psk").nextBytes(psk);
            initiator = new Handshake(cryptoI, identityI, identityR.publicKey());
            initiator.setPresharedKey(SymmetricKey.of(psk));
            macsToR = new CookieGenerator(cryptoI, identityR.publicKey());
            macsToI = new CookieGenerator(cryptoR, identityI.publicKey());
            checkerI = new CookieChecker(cryptoI, entropyI.split("cookie"), identityI.publicKey());
            checkerR = new CookieChecker(cryptoR, entropyR.split("cookie"), identityR.publicKey());
        }

        Peers() {
            this(Crypto.fastest(), Crypto.fastest());
        }

        /** r's handshake with i, with no initiation seen yet (costs the static-static DH). */
        Handshake newResponder() {
            Handshake h = new Handshake(cryptoR, identityR, identityI.publicKey());
            h.setPresharedKey(SymmetricKey.of(psk));
            return h;
        }

        /** (a) The initiator's work: an initiation as it goes on the wire. */
        byte[] initiation(Now now) {
            int index = entropyI.nextInt();
            Initiation m = ok(initiator.createInitiation(now, PrivateKey.generate(entropyI), index, NoiseTrace.OFF));
            byte[] wire = MessageCodec.encode(m);
            macsToR.addMacs(wire, now);
            return wire;
        }

        /** (b) The responder's work on an initiation from the wire: returns the response wire. */
        byte[] respond(Handshake responder, byte[] wire, Now now) {
            if (checkerR.validate(wire, wire.length, ENDPOINT_I, now, false) != MacState.VALID_MAC_BUT_NO_COOKIE) {
                throw new IllegalStateException("responder: bad mac1 on the initiation");
            }
            ParseResult parsed = MessageCodec.parse(wire);
            if (!(parsed instanceof Initiation m)) {
                throw new IllegalStateException("responder: not an initiation: " + parsed);
            }
            Handshake peer = ok(Handshake.consumeInitiation(identityR, m,
                    key -> key.equals(identityI.publicKey()) ? responder : null, now, cryptoR, NoiseTrace.OFF));
            int index = entropyR.nextInt();
            Response r = ok(peer.createResponse(PrivateKey.generate(entropyR), index, NoiseTrace.OFF));
            byte[] out = MessageCodec.encode(r);
            macsToI.addMacs(out, now);
            responderKeypair = ok(peer.beginSession(now, KeypairLimits.REFERENCE, NoiseTrace.OFF));
            return out;
        }

        /** (c) The initiator's work on the response: returns its transport keypair. */
        Keypair confirm(byte[] wire, Now now) {
            if (checkerI.validate(wire, wire.length, ENDPOINT_R, now, false) != MacState.VALID_MAC_BUT_NO_COOKIE) {
                throw new IllegalStateException("initiator: bad mac1 on the response");
            }
            ParseResult parsed = MessageCodec.parse(wire);
            if (!(parsed instanceof Response m)) {
                throw new IllegalStateException("initiator: not a response: " + parsed);
            }
            ok(initiator.consumeResponse(m, NoiseTrace.OFF));
            return ok(initiator.beginSession(now, KeypairLimits.REFERENCE, NoiseTrace.OFF));
        }
    }

    /** Counts X25519 calls through the code under test. */
    static final class CountingX25519 implements X25519 {
        private final X25519 inner;
        long sharedSecrets;
        long publicKeys;

        CountingX25519(X25519 inner) {
            this.inner = inner;
        }

        @Override
        public void publicKey(byte[] privateKey, byte[] out) {
            publicKeys++;
            inner.publicKey(privateKey, out);
        }

        @Override
        public boolean sharedSecret(byte[] scalar, byte[] u, byte[] out) {
            sharedSecrets++;
            return inner.sharedSecret(scalar, u, out);
        }
    }

    /**
     * Runs one handshake with counting X25519 on both sides and throws unless each role makes
     * exactly the calls the constants above (and run.sh's bound) assume.
     */
    static void checkX25519Counts() {
        Crypto fi = Crypto.fastest();
        Crypto fr = Crypto.fastest();
        CountingX25519 xi = new CountingX25519(fi.x25519());
        CountingX25519 xr = new CountingX25519(fr.x25519());
        Peers p = new Peers(new Crypto(xi, fi.aead(), fi.xaead(), fi.blake2s()),
                new Crypto(xr, fr.aead(), fr.xaead(), fr.blake2s()));
        Handshake responder = p.newResponder();
        Now now = at(0);

        long s0 = xi.sharedSecrets, k0 = xi.publicKeys;
        byte[] init = p.initiation(now);
        expect("createInitiation", xi.sharedSecrets - s0, xi.publicKeys - k0, CREATE_INITIATION_DH, CREATE_INITIATION_PUBLIC_KEYS);

        s0 = xr.sharedSecrets;
        k0 = xr.publicKeys;
        byte[] resp = p.respond(responder, init, now);
        expect("responder", xr.sharedSecrets - s0, xr.publicKeys - k0, RESPONDER_DH, RESPONDER_PUBLIC_KEYS);

        s0 = xi.sharedSecrets;
        k0 = xi.publicKeys;
        Keypair ki = p.confirm(resp, now);
        expect("consumeResponse", xi.sharedSecrets - s0, xi.publicKeys - k0, CONSUME_RESPONSE_DH, CONSUME_RESPONSE_PUBLIC_KEYS);
        if (!ki.isInitiator() || p.responderKeypair.isInitiator() || ki.localIndex() != p.responderKeypair.remoteIndex()) {
            throw new IllegalStateException("the two keypairs do not belong to one session");
        }
    }

    private static void expect(String op, long dh, long publicKeys, int wantDh, int wantPublicKeys) {
        if (dh != wantDh || publicKeys != wantPublicKeys) {
            throw new IllegalStateException(op + " makes " + dh + " X25519 DH and " + publicKeys
                    + " public keys, HandshakeBench and run.sh assume " + wantDh + " and " + wantPublicKeys
                    + ": update both");
        }
    }

    // ---- (a) ------------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class Initiator {
        Peers peers;
        long step;

        @Setup(Level.Trial)
        public void setUp() {
            checkX25519Counts();
            peers = new Peers();
            // What it makes must be accepted, or we would time a message nobody takes.
            Now now = at(step++);
            peers.respond(peers.newResponder(), peers.initiation(now), now);
        }
    }

    @Benchmark
    public byte[] createInitiation(Initiator s) {
        return s.peers.initiation(at(s.step++));
    }

    // ---- (b) ------------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class Responder {
        Peers peers;
        final byte[][] initiations = new byte[POOL_INITIATIONS][];
        final Handshake[] responders = new Handshake[POOL_RESPONDERS];
        int next;

        @Setup(Level.Trial)
        public void setUp() {
            checkX25519Counts();
            peers = new Peers();
            for (int i = 0; i < POOL_INITIATIONS; i++) {
                initiations[i] = peers.initiation(at(i));
            }
            // A throwaway responder takes the whole pool in order: every one is valid work.
            Handshake check = peers.newResponder();
            for (int i = 0; i < POOL_INITIATIONS; i++) {
                peers.respond(check, initiations[i], at(i));
            }
        }

        @Setup(Level.Iteration)
        public void freshResponders() {
            for (int j = 0; j < POOL_RESPONDERS; j++) {
                responders[j] = peers.newResponder();
            }
            next = 0;
        }
    }

    @Benchmark
    public byte[] responder(Responder s) {
        int k = s.next++;
        if (k >= POOL_INITIATIONS * POOL_RESPONDERS) {
            throw new IllegalStateException("iteration longer than the " + POOL_INITIATIONS * POOL_RESPONDERS
                    + " distinct (initiation, responder) pairs: raise POOL_RESPONDERS");
        }
        // One second of virtual time per operation: each responder sees one initiation per P seconds.
        return s.peers.respond(s.responders[k / POOL_INITIATIONS], s.initiations[k % POOL_INITIATIONS], at(k));
    }

    // ---- (c) ------------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class Confirm {
        Peers peers;
        Handshake responder;
        long step;
        Now now;
        byte[] response;

        @Setup(Level.Trial)
        public void setUp() {
            checkX25519Counts();
            peers = new Peers();
            responder = peers.newResponder();
            prepare();
            peers.confirm(response, now);
        }

        /** A new initiation and its response, outside the timing: consuming destroys the state. */
        @Setup(Level.Invocation)
        public void prepare() {
            now = at(step++);
            response = peers.respond(responder, peers.initiation(now), now);
        }
    }

    @Benchmark
    public Keypair consumeResponse(Confirm s) {
        return s.peers.confirm(s.response, s.now);
    }

    // ---- (d) ------------------------------------------------------------------------------------

    @State(Scope.Thread)
    public static class RoundTrip {
        Peers peers;
        Handshake responder;
        long step;

        @Setup(Level.Trial)
        public void setUp() {
            checkX25519Counts();
            peers = new Peers();
            responder = peers.newResponder();
            Now now = at(step++);
            peers.confirm(peers.respond(responder, peers.initiation(now), now), now);
        }
    }

    @Benchmark
    public Keypair roundTrip(RoundTrip s) {
        Now now = at(s.step++);
        return s.peers.confirm(s.peers.respond(s.responder, s.peers.initiation(now), now), now);
    }
}
