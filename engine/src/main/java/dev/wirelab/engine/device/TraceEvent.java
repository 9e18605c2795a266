package dev.wirelab.engine.device;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.noise.NoiseStep;

/**
 * What the protocol did, step by step: what the simulator records, scenario checks assert on and
 * the visualizer draws. Peers are named by public key. Only {@link HandshakeStep},
 * {@link InitiatorEphemeral} and {@link ResponderEphemeral} carry secrets, and only callers that
 * asked for traces get any.
 */
public sealed interface TraceEvent {
    /** One Noise step with C and H before and after (see {@link NoiseStep}). */
    record HandshakeStep(PublicKey peer, NoiseStep step) implements TraceEvent {}

    /** We sent an initiation; {@code attempt} counts retries since the last handshake completed (0 = first). */
    record InitiationSent(PublicKey peer, int localIndex, int attempt, Endpoint to) implements TraceEvent {}

    /**
     * The ephemeral private key of an initiation we sent, base64: what Wireshark's keylog calls
     * LOCAL_EPHEMERAL_PRIVATE_KEY. A secret, emitted only to callers that asked for traces
     * (simulations export it as a keylog so captures decrypt).
     */
    record InitiatorEphemeral(PublicKey peer, int localIndex, String ephemeralPrivateBase64) implements TraceEvent {
        /** The key goes to a keylog only, never into a log line by accident. */
        @Override
        public String toString() {
            return "InitiatorEphemeral[peer=" + peer + ", localIndex=" + Integer.toUnsignedString(localIndex)
                    + ", ephemeral private key redacted]";
        }
    }

    /**
     * The ephemeral private key of a response we sent, base64: the responder's
     * LOCAL_EPHEMERAL_PRIVATE_KEY. With our static private key it lets Wireshark decrypt a handshake
     * the peer initiated (packet-wireguard.c needs Epriv_r for the response). A secret, emitted only
     * to callers that asked for traces (a running device that writes a keylog).
     */
    record ResponderEphemeral(PublicKey peer, int localIndex, String ephemeralPrivateBase64) implements TraceEvent {
        @Override
        public String toString() {
            return "ResponderEphemeral[peer=" + peer + ", localIndex=" + Integer.toUnsignedString(localIndex)
                    + ", ephemeral private key redacted]";
        }
    }

    record ResponseSent(PublicKey peer, int localIndex, int remoteIndex, Endpoint to) implements TraceEvent {}

    /** Under load we answered a handshake message with a cookie instead of processing it. */
    record CookieReplySent(int receiverIndex, Endpoint to) implements TraceEvent {}

    /** A cookie reply from this peer decrypted; mac2 of our next handshake messages will use it. */
    record CookieReceived(PublicKey peer) implements TraceEvent {}

    /** Transport keys derived: as initiator they send at once, as responder after confirmation. */
    record SessionStarted(PublicKey peer, int localIndex, int remoteIndex, boolean initiator) implements TraceEvent {}

    /** The first packet on a responder's new keypair arrived: it becomes current. */
    record KeypairConfirmed(PublicKey peer, int localIndex) implements TraceEvent {}

    record TransportSent(PublicKey peer, int receiverIndex, long counter, int plaintextLength, Endpoint to) implements TraceEvent {}

    record TransportReceived(PublicKey peer, int localIndex, long counter, int plaintextLength) implements TraceEvent {}

    /** The peer's endpoint moved to the source of an authenticated packet (roaming). */
    record EndpointChanged(PublicKey peer, Endpoint from, Endpoint to) implements TraceEvent {}

    record TimerFired(PublicKey peer, Timer timer) implements TraceEvent {}

    /** Handshake retries ran out after REKEY_ATTEMPT_TIME; staged packets were dropped. */
    record HandshakeGaveUp(PublicKey peer, int stagedPacketsDropped) implements TraceEvent {}

    /** Keypairs and handshake state destroyed (3 x REJECT_AFTER_TIME without a new session, or key change). */
    record KeysZeroed(PublicKey peer) implements TraceEvent {}

    /** An outbound packet was looked up in AllowedIPs; {@code peer} is null when nothing matched. */
    record Routed(String destination, PublicKey peer) implements TraceEvent {}

    record Dropped(DropReason reason, Endpoint from, PublicKey peer) implements TraceEvent {}

    /** The per-peer timers of whitepaper §6 and the kernel's timers.c. */
    enum Timer {
        RETRANSMIT_HANDSHAKE,
        SEND_KEEPALIVE,
        NEW_HANDSHAKE,
        ZERO_KEY_MATERIAL,
        PERSISTENT_KEEPALIVE
    }
}
