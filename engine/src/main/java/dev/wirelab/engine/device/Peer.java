package dev.wirelab.engine.device;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.HandshakeState;
import dev.wirelab.engine.transport.Keypair;
import dev.wirelab.engine.transport.Keypairs;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * A peer of a {@link Device}: its static public key is its identity; it owns a handshake, three
 * keypair slots, the mac/cookie state for messages to it, an endpoint, packets waiting for a
 * session, counters, and the five timers of whitepaper §6 as deadlines. All mutation goes through
 * the Device. Not thread-safe.
 */
public final class Peer {
    /** A deadline that is not set. */
    static final long NEVER = Long.MAX_VALUE;

    final PublicKey publicKey;
    final Handshake handshake;
    final Keypairs keypairs = new Keypairs();
    final CookieGenerator cookies;
    final ArrayDeque<byte[]> staged = new ArrayDeque<>();
    /** Receiver indices this peer holds in the device's index table. */
    final Set<Integer> indices = new HashSet<>();
    Endpoint endpoint;
    int persistentKeepaliveSeconds;
    long rxBytes;
    long txBytes;
    long lastHandshakeWallNanos;

    // Timers (kernel timers.c), as monotonic deadlines.
    long retransmitHandshakeAt = NEVER;
    long sendKeepaliveAt = NEVER;
    long newHandshakeAt = NEVER;
    long zeroKeyMaterialAt = NEVER;
    long persistentKeepaliveAt = NEVER;
    boolean needAnotherKeepalive;
    int handshakeAttempts;
    boolean sentLastminuteHandshake;
    /** When we last sent a handshake message; initiations are sent at most once per REKEY_TIMEOUT. */
    long lastSentHandshakeMonoNanos;
    boolean sentAnyHandshake;

    Peer(PublicKey publicKey, Handshake handshake, CookieGenerator cookies) {
        this.publicKey = publicKey;
        this.handshake = handshake;
        this.cookies = cookies;
    }

    /** The earliest of this peer's timers, or {@link #NEVER}. */
    long nextDeadline() {
        return Math.min(Math.min(retransmitHandshakeAt, sendKeepaliveAt),
                Math.min(Math.min(newHandshakeAt, zeroKeyMaterialAt), persistentKeepaliveAt));
    }

    /** The indices this peer should hold now: its handshake in flight and its keypairs. */
    Set<Integer> liveIndices() {
        Set<Integer> live = new HashSet<>();
        switch (handshake.state()) {
            case HandshakeState.CreatedInitiation s -> live.add(s.localIndex());
            case HandshakeState.CreatedResponse s -> live.add(s.localIndex());
            case HandshakeState.ConsumedResponse s -> live.add(s.localIndex());
            default -> { }
        }
        for (Keypair k : new Keypair[] {keypairs.current(), keypairs.previous(), keypairs.next()}) {
            if (k != null) {
                live.add(k.localIndex());
            }
        }
        return live;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The endpoint we send to: configured, or learnt from the latest authenticated packet; null if none. */
    public Endpoint endpoint() {
        return endpoint;
    }

    public int persistentKeepaliveSeconds() {
        return persistentKeepaliveSeconds;
    }

    /** Bytes of authenticated datagrams received from this peer (UAPI rx_bytes). */
    public long rxBytes() {
        return rxBytes;
    }

    /** Bytes of datagrams sent to this peer (UAPI tx_bytes). */
    public long txBytes() {
        return txBytes;
    }

    /**
     * The preshared key (all zeros: none), for UAPI get. The live key, not a copy: callers read it
     * and must neither keep nor destroy it.
     */
    public SymmetricKey presharedKey() {
        return handshake.presharedKey();
    }

    /** Wall-clock nanoseconds of the latest completed handshake, 0 if none (UAPI last_handshake_time). */
    public long lastHandshakeWallNanos() {
        return lastHandshakeWallNanos;
    }

    public Keypairs keypairs() {
        return keypairs;
    }

    public HandshakeState handshakeState() {
        return handshake.state();
    }

    /** The greatest initiation timestamp accepted from this peer (replay protection). */
    public dev.wirelab.engine.crypto.Tai64n latestTimestamp() {
        return handshake.latestTimestamp();
    }

    public int stagedPackets() {
        return staged.size();
    }

    /** The deadline of one timer, or Long.MAX_VALUE when it is not set. */
    public long deadline(TraceEvent.Timer timer) {
        return switch (timer) {
            case RETRANSMIT_HANDSHAKE -> retransmitHandshakeAt;
            case SEND_KEEPALIVE -> sendKeepaliveAt;
            case NEW_HANDSHAKE -> newHandshakeAt;
            case ZERO_KEY_MATERIAL -> zeroKeyMaterialAt;
            case PERSISTENT_KEEPALIVE -> persistentKeepaliveAt;
        };
    }

    void setPresharedKey(SymmetricKey key) {
        handshake.setPresharedKey(key);
    }

    @Override
    public String toString() {
        return "Peer[" + publicKey + (endpoint == null ? "" : " @ " + endpoint) + "]";
    }
}
