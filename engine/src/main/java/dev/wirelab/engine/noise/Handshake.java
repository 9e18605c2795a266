package dev.wirelab.engine.noise;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.crypto.Tai64n;
import dev.wirelab.engine.crypto.X25519;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.noise.HandshakeState.ConsumedInitiation;
import dev.wirelab.engine.noise.HandshakeState.ConsumedResponse;
import dev.wirelab.engine.noise.HandshakeState.CreatedInitiation;
import dev.wirelab.engine.noise.HandshakeState.CreatedResponse;
import dev.wirelab.engine.noise.HandshakeState.Zeroed;
import dev.wirelab.engine.transport.Keypair;
import dev.wirelab.engine.transport.KeypairLimits;
import java.util.function.Function;

/**
 * One peer's handshake with us: WireGuard's use of {@link NoiseIkpsk2}, as the kernel's noise.c
 * structures it (create/consume initiation, create/consume response, begin session).
 *
 * <p>Consume functions compute into locals and commit to this object only on success, so a forged
 * or replayed message leaves no trace in the state. Messages come out with zero mac1/mac2: the
 * cookie layer ({@link dev.wirelab.engine.cookie.CookieGenerator}) fills them in. Not thread-safe.
 */
public final class Handshake {
    private static final long INITIATION_INTERVAL_NANOS = Protocol.SECOND_NANOS / Protocol.INITIATIONS_PER_SECOND;
    private static final Bytes ZERO_MAC = Bytes.wrap(new byte[16]);

    private final Crypto crypto;
    private final NoiseIkpsk2 noise;
    /** This device's identity; null while the device has no private key (nothing can be done then). */
    private StaticIdentity local;
    private final PublicKey remoteStatic;
    private final Tai64n.Format timestampFormat;
    /** DH(S_priv_local, S_pub_remote), all zero when the remote key has low order. */
    private final byte[] precomputedStaticStatic = new byte[X25519.KEY_LENGTH];
    private SymmetricKey presharedKey = SymmetricKey.zero();
    private Tai64n latestTimestamp = Tai64n.zero();
    private long lastInitiationConsumptionMonoNanos;
    private boolean consumedAnyInitiation;
    private HandshakeState state = new Zeroed();

    public Handshake(Crypto crypto, StaticIdentity local, PublicKey remoteStatic, Tai64n.Format timestampFormat) {
        this.crypto = crypto;
        this.noise = new NoiseIkpsk2(crypto, Protocol.CONSTRUCTION, Protocol.IDENTIFIER);
        this.remoteStatic = remoteStatic;
        this.timestampFormat = timestampFormat;
        setLocal(local);
    }

    /**
     * Changes this device's identity (or removes it, with null): recomputes DH(S_priv, S_pub_remote)
     * and abandons any handshake in flight, which was made under the old key.
     */
    public void setLocal(StaticIdentity identity) {
        this.local = identity;
        java.util.Arrays.fill(precomputedStaticStatic, (byte) 0);
        if (identity != null) {
            // A false return leaves the array zeroed: the peer is unusable, and create/consume refuse it.
            crypto.x25519().sharedSecret(identity.privateKey().secretBytes(), remoteStatic.bytes(), precomputedStaticStatic);
        }
        clear();
    }

    /** The preshared key (all zero when none): a secret, for configuration read-back only. */
    public SymmetricKey presharedKey() {
        return presharedKey;
    }

    public Handshake(Crypto crypto, StaticIdentity local, PublicKey remoteStatic) {
        this(crypto, local, remoteStatic, Tai64n.Format.KERNEL);
    }

    public void setPresharedKey(SymmetricKey key) {
        presharedKey.destroy();
        presharedKey = key;
    }

    /**
     * Builds an initiation (whitepaper steps 1-5) with {@code ephemeral} and our {@code localIndex},
     * timestamped from {@code now}'s wall clock. Replaces any handshake in flight.
     */
    public Outcome<Initiation> createInitiation(Now now, PrivateKey ephemeral, int localIndex, NoiseTrace trace) {
        if (local == null) {
            ephemeral.destroy();
            return Outcome.dropped(DropReason.NO_PRIVATE_KEY);
        }
        Tai64n timestamp = Tai64n.stamp(now.wallNanos(), timestampFormat);
        Outcome<NoiseIkpsk2.CreatedInitiation> created = noise.createInitiation(trace, local.privateKey(),
                local.publicKey(), remoteStatic, ephemeral, precomputedStaticStatic, timestamp.toByteArray());
        return switch (created) {
            case Outcome.Dropped<NoiseIkpsk2.CreatedInitiation> d -> {
                ephemeral.destroy();
                yield Outcome.dropped(d.reason());
            }
            case Outcome.Ok<NoiseIkpsk2.CreatedInitiation>(var c) -> {
                moveTo(new CreatedInitiation(localIndex, ephemeral, c.chainingKey(), c.hash()));
                yield Outcome.ok(new Initiation(localIndex, c.ephemeral(), c.encryptedStatic(), c.encryptedPayload(),
                        ZERO_MAC, ZERO_MAC));
            }
        };
    }

    /**
     * Reads an initiation addressed to {@code local}. {@code peers} finds the handshake for the
     * static key inside it (null: not a peer). On success that peer's handshake is in
     * ConsumedInitiation and is returned; on failure no state anywhere has changed.
     * mac1 must have been checked by the caller.
     */
    public static Outcome<Handshake> consumeInitiation(StaticIdentity local, Initiation message,
            Function<PublicKey, Handshake> peers, Now now, Crypto crypto, NoiseTrace trace) {
        NoiseIkpsk2 noise = new NoiseIkpsk2(crypto, Protocol.CONSTRUCTION, Protocol.IDENTIFIER);
        Outcome<NoiseIkpsk2.ConsumedInitiation> consumed = noise.consumeInitiation(trace, local.privateKey(),
                local.publicKey(), message.ephemeral(), message.encryptedStatic(), message.encryptedTimestamp(),
                initiator -> {
                    Handshake peer = peers.apply(initiator);
                    return peer == null ? null : peer.precomputedStaticStatic;
                });
        if (consumed instanceof Outcome.Dropped<NoiseIkpsk2.ConsumedInitiation>(DropReason reason)) {
            return Outcome.dropped(reason);
        }
        NoiseIkpsk2.ConsumedInitiation c = ((Outcome.Ok<NoiseIkpsk2.ConsumedInitiation>) consumed).value();
        Handshake peer = peers.apply(c.initiatorStatic());
        if (peer == null) {
            return Outcome.dropped(DropReason.UNKNOWN_PEER);
        }
        if (c.payload().length != Tai64n.LENGTH) {
            return Outcome.dropped(DropReason.HANDSHAKE_DECRYPTION_FAILED);
        }
        Tai64n timestamp = Tai64n.of(c.payload());
        // A replayed initiation carries a timestamp we have seen; a flood arrives faster than 50/s.
        if (!timestamp.isAfter(peer.latestTimestamp)) {
            return Outcome.dropped(DropReason.REPLAYED_INITIATION);
        }
        if (peer.consumedAnyInitiation
                && now.monoNanos() - peer.lastInitiationConsumptionMonoNanos < INITIATION_INTERVAL_NANOS) {
            return Outcome.dropped(DropReason.INITIATION_FLOOD);
        }
        // Success: commit everything to the peer.
        peer.latestTimestamp = timestamp;
        peer.lastInitiationConsumptionMonoNanos = now.monoNanos();
        peer.consumedAnyInitiation = true;
        peer.moveTo(new ConsumedInitiation(message.sender(), c.initiatorEphemeral(), c.chainingKey(), c.hash()));
        return Outcome.ok(peer);
    }

    /** Answers the initiation just consumed (steps 7-11) with {@code ephemeral} and our index. */
    public Outcome<Response> createResponse(PrivateKey ephemeral, int localIndex, NoiseTrace trace) {
        if (!(state instanceof ConsumedInitiation s)) {
            return Outcome.dropped(DropReason.UNEXPECTED_HANDSHAKE_STATE);
        }
        if (local == null) {
            ephemeral.destroy();
            return Outcome.dropped(DropReason.NO_PRIVATE_KEY);
        }
        Outcome<NoiseIkpsk2.CreatedResponse> created = noise.createResponse(trace, s.chainingKey(), s.hash(),
                s.remoteEphemeral(), remoteStatic, ephemeral, presharedKey.secretBytes(), new byte[0]);
        ephemeral.destroy();
        return switch (created) {
            case Outcome.Dropped<NoiseIkpsk2.CreatedResponse> d -> Outcome.dropped(d.reason());
            case Outcome.Ok<NoiseIkpsk2.CreatedResponse>(var c) -> {
                int remoteIndex = s.remoteIndex();
                moveTo(new CreatedResponse(localIndex, remoteIndex, c.chainingKey(), c.hash()));
                yield Outcome.ok(new Response(localIndex, remoteIndex, c.ephemeral(), c.encryptedPayload(), ZERO_MAC, ZERO_MAC));
            }
        };
    }

    /**
     * Reads the response to our outstanding initiation. The caller found this handshake by the
     * message's receiver index; mac1 must have been checked.
     */
    public Outcome<Void> consumeResponse(Response message, NoiseTrace trace) {
        if (!(state instanceof CreatedInitiation s) || s.localIndex() != message.receiver()) {
            return Outcome.dropped(DropReason.UNEXPECTED_HANDSHAKE_STATE);
        }
        if (local == null) {
            return Outcome.dropped(DropReason.NO_PRIVATE_KEY);
        }
        Outcome<NoiseIkpsk2.ConsumedResponse> consumed = noise.consumeResponse(trace, s.chainingKey(), s.hash(),
                s.ephemeral(), local.privateKey(), presharedKey.secretBytes(), message.ephemeral(),
                message.encryptedNothing());
        return switch (consumed) {
            case Outcome.Dropped<NoiseIkpsk2.ConsumedResponse> d -> Outcome.dropped(d.reason());
            case Outcome.Ok<NoiseIkpsk2.ConsumedResponse>(var c) -> {
                moveTo(new ConsumedResponse(s.localIndex(), message.sender(), c.chainingKey(), c.hash()));
                yield Outcome.ok(null);
            }
        };
    }

    /**
     * Derives the transport keypair (step 12) once the handshake completed on our side, and zeroes
     * the handshake. The initiator's keypair may send at once; the responder's waits for
     * confirmation (see {@link dev.wirelab.engine.transport.Keypairs}).
     */
    public Outcome<Keypair> beginSession(Now now, KeypairLimits limits, NoiseTrace trace) {
        boolean initiator;
        int localIndex;
        int remoteIndex;
        byte[] chainingKey;
        byte[] hash;
        switch (state) {
            case ConsumedResponse s -> {
                initiator = true;
                localIndex = s.localIndex();
                remoteIndex = s.remoteIndex();
                chainingKey = s.chainingKey();
                hash = s.hash();
            }
            case CreatedResponse s -> {
                initiator = false;
                localIndex = s.localIndex();
                remoteIndex = s.remoteIndex();
                chainingKey = s.chainingKey();
                hash = s.hash();
            }
            default -> {
                return Outcome.dropped(DropReason.UNEXPECTED_HANDSHAKE_STATE);
            }
        }
        NoiseIkpsk2.SessionKeys keys = noise.split(trace,
                initiator ? NoiseStep.Side.INITIATOR_CONSUMES : NoiseStep.Side.RESPONDER_CREATES, chainingKey, hash);
        SymmetricKey send = SymmetricKey.of(initiator ? keys.initiatorToResponder() : keys.responderToInitiator());
        SymmetricKey receive = SymmetricKey.of(initiator ? keys.responderToInitiator() : keys.initiatorToResponder());
        keys.destroy();
        moveTo(new Zeroed());
        return Outcome.ok(new Keypair(send, receive, localIndex, remoteIndex, initiator, now.monoNanos(), limits));
    }

    /** Forgets any handshake in flight (kernel handshake_zero). Timestamps and psk are kept. */
    public void clear() {
        moveTo(new Zeroed());
    }

    private void moveTo(HandshakeState next) {
        if (state != next) {
            state.destroy();
        }
        state = next;
    }

    public HandshakeState state() {
        return state;
    }

    public PublicKey remoteStatic() {
        return remoteStatic;
    }

    public StaticIdentity local() {
        return local;
    }

    /** The greatest initiation timestamp accepted from this peer. */
    public Tai64n latestTimestamp() {
        return latestTimestamp;
    }
}
