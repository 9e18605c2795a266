package dev.wirelab.engine.device;

import static dev.wirelab.engine.device.Peer.NEVER;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Entropy;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.AllowedIps;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.cookie.CookieChecker;
import dev.wirelab.engine.cookie.CookieGenerator;
import dev.wirelab.engine.cookie.GlobalRateLimiter;
import dev.wirelab.engine.cookie.RateLimiter;
import dev.wirelab.engine.cookie.TokenBucketRateLimiter;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.TraceEvent.Timer;
import dev.wirelab.engine.ip.IpPacket;
import dev.wirelab.engine.message.CookieReply;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.Malformed;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.ParseResult;
import dev.wirelab.engine.message.Response;
import dev.wirelab.engine.message.TransportData;
import dev.wirelab.engine.noise.Handshake;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.noise.NoiseTrace;
import dev.wirelab.engine.noise.StaticIdentity;
import dev.wirelab.engine.transport.Keypair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A WireGuard interface as a pure state machine (the kernel's device.c, send.c, receive.c and
 * timers.c in one sans-I/O object): datagrams, outbound IP packets, timer ticks and configuration
 * edits come in with the time they happen; what to send, deliver and drop goes out to
 * {@link Effects}; {@link #nextDeadline()} says when to call {@link #onTimer} next.
 *
 * <p>Nothing here reads a clock, draws from global randomness, blocks or throws on bad input: the
 * same calls with the same {@link Entropy} give the same effects, byte for byte. Not thread-safe.
 */
public final class Device {
    private static final long INITIATION_RATE_NANOS = Protocol.REKEY_TIMEOUT_NANOS;

    private final Profile profile;
    private final Crypto crypto;
    private final Entropy entropy;
    private final Map<PublicKey, Peer> peers = new LinkedHashMap<>();
    private final AllowedIps<Peer> allowedIps;
    /** Receiver index -> the peer whose handshake or keypair uses it (kernel index_hashtable). */
    private final Map<Integer, Peer> indices = new HashMap<>();
    private final RateLimiter rateLimiter;
    private StaticIdentity identity;
    private CookieChecker cookieChecker;
    private int listenPort;
    private int fwmark;
    private int mtu = 1420;
    private int handshakeBacklog;
    private long lastUnderLoadMonoNanos;
    private boolean wasUnderLoad;

    public Device(Profile profile, Crypto crypto, Entropy entropy) {
        this(profile, crypto, entropy, AllowedIps.MAX_PREFIXES);
    }

    /** As the public constructor, with a smaller AllowedIPs bound: lets tests reach it cheaply. */
    Device(Profile profile, Crypto crypto, Entropy entropy, int maxAllowedIps) {
        this.allowedIps = new AllowedIps<>(maxAllowedIps);
        this.profile = profile;
        this.crypto = crypto;
        this.entropy = entropy;
        this.rateLimiter = switch (profile.rateLimiter()) {
            case PER_SOURCE_TOKEN_BUCKET -> new TokenBucketRateLimiter();
            case GLOBAL_COUNT -> new GlobalRateLimiter();
        };
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Applies a UAPI-style configuration change. Invalid changes (too many peers, the device's own
     * key as a peer) throw IllegalArgumentException before anything changed.
     */
    public void apply(DeviceEdit edit, Now now, Effects out) {
        validate(edit);
        if (edit.removePrivateKey()) {
            setIdentity(null, now);
        } else if (edit.privateKey() != null) {
            setPrivateKey(edit.privateKey(), now);
        }
        if (edit.listenPort() != null) {
            listenPort = edit.listenPort();
        }
        if (edit.fwmark() != null) {
            fwmark = edit.fwmark();
        }
        if (edit.replacePeers()) {
            for (Peer p : List.copyOf(peers.values())) {
                removePeer(p);
            }
        }
        for (PeerEdit pe : edit.peers()) {
            applyPeer(pe, now, out);
        }
    }

    private void validate(DeviceEdit edit) {
        if (edit.listenPort() != null && (edit.listenPort() < 0 || edit.listenPort() > 0xffff)) {
            throw new IllegalArgumentException("listen_port must be 0..65535, got " + edit.listenPort());
        }
        Set<PublicKey> after = new HashSet<>(edit.replacePeers() ? Set.of() : peers.keySet());
        for (PeerEdit pe : edit.peers()) {
            if (pe.remove()) {
                after.remove(pe.publicKey());
            } else if (!pe.updateOnly()) {
                after.add(pe.publicKey());
            }
            if (pe.persistentKeepaliveSeconds() != null
                    && (pe.persistentKeepaliveSeconds() < 0 || pe.persistentKeepaliveSeconds() > 0xffff)) {
                throw new IllegalArgumentException("persistent_keepalive_interval must be 0..65535 seconds, got "
                        + pe.persistentKeepaliveSeconds());
            }
        }
        if (after.size() > profile.maxPeers()) {
            throw new IllegalArgumentException("too many peers: " + after.size() + " (the " + profile.name()
                    + " profile allows " + profile.maxPeers() + ")");
        }
        int projected = projectedAllowedIps(edit);
        if (projected > allowedIps.maxPrefixes()) {
            throw new IllegalArgumentException("AllowedIPs table full: this change would need " + projected
                    + " prefixes, the bound is " + allowedIps.maxPrefixes() + "; nothing was changed");
        }
    }

    /**
     * An upper bound on the AllowedIPs table's size after {@code edit}, worked out before anything
     * changes so that an edit past the bound is refused whole: prefixes of peers the edit removes or
     * replaces no longer count, and a prefix counts as new unless a peer that keeps its prefixes owns it.
     */
    private int projectedAllowedIps(DeviceEdit edit) {
        Set<Peer> cleared = new HashSet<>();
        int projected = allowedIps.size();
        if (edit.replacePeers()) {
            cleared.addAll(peers.values());
            projected = 0;
        }
        for (PeerEdit pe : edit.peers()) {
            Peer p = peers.get(pe.publicKey());
            if (p != null && (pe.remove() || pe.replaceAllowedIps()) && cleared.add(p)) {
                projected -= allowedIps.countOf(p);
            }
        }
        Set<Prefix> added = new HashSet<>();
        for (PeerEdit pe : edit.peers()) {
            if (pe.remove() || (pe.updateOnly() && !peers.containsKey(pe.publicKey()))) {
                continue; // Its prefixes are never inserted.
            }
            for (Prefix prefix : pe.allowedIps()) {
                Peer owner = allowedIps.owner(prefix);
                if ((owner == null || cleared.contains(owner)) && added.add(prefix)) {
                    projected++;
                }
            }
        }
        return projected;
    }

    private void setPrivateKey(PrivateKey key, Now now) {
        if (identity != null && java.security.MessageDigest.isEqual(identity.privateKey().secretBytes(), key.secretBytes())) {
            return; // Same key: keep sessions, as the kernel does.
        }
        StaticIdentity next = StaticIdentity.of(crypto.x25519(), key);
        // A peer with our own public key would be talking to ourselves: the kernel removes it.
        Peer self = peers.get(next.publicKey());
        if (self != null) {
            removePeer(self);
        }
        setIdentity(next, now);
    }

    private void setIdentity(StaticIdentity next, Now now) {
        identity = next;
        // Kernel and wireguard-go limit each source after a valid mac2; boringtun's global count
        // decides instead whether the device is under load (see receiveHandshake).
        RateLimiter perSource = profile.rateLimiter() == Profile.RateLimiterModel.PER_SOURCE_TOKEN_BUCKET
                ? rateLimiter : RateLimiter.UNLIMITED;
        cookieChecker = next == null ? null
                : new CookieChecker(crypto, entropy, next.publicKey(), perSource, profile.cookieSecretMaxAgeNanos());
        for (Peer p : peers.values()) {
            // Sessions under the old key must not be used to send: expire them, new handshakes follow.
            p.handshake.setLocal(next);
            p.keypairs.clear();
            releaseStaleIndices(p);
            // And the next packet may start one at once: the kernel lifts the one-initiation-per-
            // REKEY_TIMEOUT limit when it expires a peer's sessions (wg_noise_expire_current_peer_keypairs).
            p.lastSentHandshakeMonoNanos = now.monoNanos() - INITIATION_RATE_NANOS - 1;
        }
    }

    private void applyPeer(PeerEdit edit, Now now, Effects out) {
        Peer peer = peers.get(edit.publicKey());
        if (edit.remove()) {
            if (peer != null) {
                removePeer(peer);
            }
            return;
        }
        if (peer == null) {
            if (edit.updateOnly()) {
                return;
            }
            if (identity != null && edit.publicKey().equals(identity.publicKey())) {
                return; // Our own key: ignored, as the kernel does.
            }
            peer = new Peer(edit.publicKey(), new Handshake(crypto, identity, edit.publicKey(), profile.timestampFormat()),
                    new CookieGenerator(crypto, edit.publicKey()));
            // The first initiation may go out at once.
            peer.lastSentHandshakeMonoNanos = now.monoNanos() - INITIATION_RATE_NANOS - 1;
            peers.put(edit.publicKey(), peer);
        }
        if (edit.presharedKey() != null) {
            peer.setPresharedKey(edit.presharedKey());
        }
        if (edit.endpoint() != null) {
            peer.endpoint = edit.endpoint();
        }
        if (edit.replaceAllowedIps()) {
            allowedIps.removeByPeer(peer);
        }
        for (Prefix prefix : edit.allowedIps()) {
            if (!allowedIps.insert(prefix, peer)) {
                // validate() refused every edit that could get here: this would be a defect in it.
                throw new IllegalStateException("AllowedIPs table full after validation: " + prefix);
            }
        }
        if (edit.persistentKeepaliveSeconds() != null) {
            boolean wasOff = peer.persistentKeepaliveSeconds == 0;
            peer.persistentKeepaliveSeconds = edit.persistentKeepaliveSeconds();
            // Turning it on sends a keepalive at once, so a NAT mapping opens right away (kernel netlink.c).
            if (wasOff && peer.persistentKeepaliveSeconds > 0) {
                sendKeepalive(peer, now, out);
            }
        }
    }

    private void removePeer(Peer peer) {
        peers.remove(peer.publicKey);
        allowedIps.removeByPeer(peer);
        peer.keypairs.clear();
        peer.handshake.clear();
        peer.staged.clear();
        for (int index : peer.indices) {
            indices.remove(index);
        }
        peer.indices.clear();
    }

    /**
     * The number of handshake messages waiting to be processed, as the caller's queue holds them:
     * at or above the profile's backlog the device is under load and asks for cookies (mac2).
     */
    public void noteHandshakeBacklog(int queued) {
        handshakeBacklog = queued;
    }

    public void setMtu(int mtu) {
        this.mtu = mtu;
    }

    // ---------------------------------------------------------------- input: datagrams

    /** A UDP datagram arrived from {@code from}. */
    public void onDatagram(Now now, Endpoint from, byte[] datagram, int offset, int length, Effects out) {
        if (length >= Protocol.TRANSPORT_MINIMUM_LENGTH
                && MessageCodec.readInt(datagram, offset) == Protocol.MESSAGE_TRANSPORT_DATA) {
            // The hot path: read the header in place instead of building a message record.
            receiveTransport(now, from, datagram, offset, length, out);
            return;
        }
        ParseResult parsed = MessageCodec.parse(datagram, offset, length);
        switch (parsed) {
            case Malformed m -> drop(out, m.reason(), from, null);
            case Initiation m -> receiveHandshake(now, from, Arrays.copyOfRange(datagram, offset, offset + length), m, m.sender(), out);
            case Response m -> receiveHandshake(now, from, Arrays.copyOfRange(datagram, offset, offset + length), m, m.sender(), out);
            case CookieReply m -> receiveCookieReply(now, from, m, out);
            case TransportData m -> drop(out, DropReason.BAD_MESSAGE_LENGTH, from, null); // unreachable: handled above
        }
    }

    private boolean underLoad(Now now) {
        if (handshakeBacklog >= profile.underLoadBacklog()) {
            lastUnderLoadMonoNanos = now.monoNanos();
            wasUnderLoad = true;
            return true;
        }
        // Stay under load for a while after the backlog drains, so an attacker cannot toggle it.
        if (wasUnderLoad && !now.hasExpired(lastUnderLoadMonoNanos, profile.underLoadAfterNanos())) {
            return true;
        }
        wasUnderLoad = false;
        return false;
    }

    private void receiveHandshake(Now now, Endpoint from, byte[] bytes, ParseResult message, int senderIndex, Effects out) {
        if (identity == null) {
            drop(out, DropReason.NO_PRIVATE_KEY, from, null);
            return;
        }
        boolean underLoad;
        if (profile.rateLimiter() == Profile.RateLimiterModel.GLOBAL_COUNT) {
            // boringtun: every message with a valid mac1 counts against one device-wide budget per
            // second; past it the device is under load and wants mac2 (rate_limiter.rs).
            if (cookieChecker.validate(bytes, bytes.length, from, now, false) == CookieChecker.MacState.INVALID_MAC) {
                drop(out, DropReason.BAD_MAC1, from, null);
                return;
            }
            underLoad = !rateLimiter.allow(from, now.monoNanos()) || underLoad(now);
        } else {
            underLoad = underLoad(now);
        }
        CookieChecker.MacState macs = cookieChecker.validate(bytes, bytes.length, from, now, underLoad);
        switch (macs) {
            case INVALID_MAC -> {
                drop(out, DropReason.BAD_MAC1, from, null);
                return;
            }
            case VALID_MAC_BUT_NO_COOKIE -> {
                if (underLoad) {
                    // Prove you own your address first: answer with a cookie, do no DH work.
                    CookieReply reply = cookieChecker.createReply(bytes, senderIndex, from, now);
                    out.send(from, MessageCodec.encode(reply));
                    if (out.tracing()) {
                        out.trace(new TraceEvent.CookieReplySent(senderIndex, from));
                    }
                    return;
                }
            }
            case VALID_MAC_WITH_COOKIE_BUT_RATELIMITED -> {
                drop(out, DropReason.RATE_LIMITED, from, null);
                return;
            }
            case VALID_MAC_WITH_COOKIE -> { }
        }
        List<NoiseStep> steps = new ArrayList<>();
        NoiseTrace trace = out.tracing() ? NoiseTrace.collecting(steps) : NoiseTrace.OFF;
        Peer peer;
        if (message instanceof Initiation m) {
            Outcome<Handshake> consumed = Handshake.consumeInitiation(identity, m,
                    key -> peers.containsKey(key) ? peers.get(key).handshake : null, now, crypto, trace);
            if (consumed instanceof Outcome.Dropped<Handshake>(DropReason reason)) {
                drop(out, reason, from, null);
                return;
            }
            peer = peers.get(((Outcome.Ok<Handshake>) consumed).value().remoteStatic());
            traceSteps(out, peer, steps);
            roam(peer, from, out);
            sendResponse(peer, now, out);
        } else {
            Response m = (Response) message;
            peer = indices.get(m.receiver());
            if (peer == null) {
                drop(out, DropReason.UNKNOWN_RECEIVER_INDEX, from, null);
                return;
            }
            Outcome<Void> consumed = peer.handshake.consumeResponse(m, trace);
            if (consumed instanceof Outcome.Dropped<Void>(DropReason reason)) {
                drop(out, reason, from, peer.publicKey);
                return;
            }
            roam(peer, from, out);
            Outcome<Keypair> session = peer.handshake.beginSession(now, profile.keypairLimits(), trace);
            traceSteps(out, peer, steps);
            peer.rxBytes += bytes.length;
            anyAuthenticatedPacketReceived(peer);
            anyAuthenticatedPacketTraversal(peer, now);
            if (session instanceof Outcome.Ok<Keypair>(Keypair keypair)) {
                installKeypair(peer, keypair, out);
                sessionDerived(peer, now);
                handshakeComplete(peer, now);
                // Sends what waited for this session, or a keepalive that confirms it to the responder.
                // After the receive timers above: the kernel queues this send to a worker, so its
                // data_sent timer starts after any_authenticated_packet_received has run.
                sendKeepalive(peer, now, out);
            }
            return;
        }
        peer.rxBytes += bytes.length;
        anyAuthenticatedPacketReceived(peer);
        anyAuthenticatedPacketTraversal(peer, now);
    }

    private void receiveCookieReply(Now now, Endpoint from, CookieReply reply, Effects out) {
        Peer peer = indices.get(reply.receiver());
        if (peer == null) {
            drop(out, DropReason.UNKNOWN_RECEIVER_INDEX, from, null);
            return;
        }
        // Never moves the endpoint: a cookie reply proves nothing about who sent it.
        if (peer.cookies.consumeReply(reply, now) instanceof Outcome.Dropped<Void>(DropReason reason)) {
            drop(out, reason, from, peer.publicKey);
            return;
        }
        if (out.tracing()) {
            out.trace(new TraceEvent.CookieReceived(peer.publicKey));
        }
    }

    private void receiveTransport(Now now, Endpoint from, byte[] d, int offset, int length, Effects out) {
        int receiver = MessageCodec.readInt(d, offset + TransportData.OFFSET_RECEIVER);
        long counter = MessageCodec.readLong(d, offset + TransportData.OFFSET_COUNTER);
        Peer peer = indices.get(receiver);
        Keypair keypair = peer == null ? null : peer.keypairs.byLocalIndex(receiver);
        if (keypair == null) {
            drop(out, DropReason.UNKNOWN_RECEIVER_INDEX, from, null);
            return;
        }
        Outcome<byte[]> opened = keypair.open(crypto.aead(), now, counter, d, offset + Protocol.TRANSPORT_HEADER_LENGTH,
                length - Protocol.TRANSPORT_HEADER_LENGTH);
        if (opened instanceof Outcome.Dropped<byte[]>(DropReason reason)) {
            drop(out, reason, from, peer.publicKey);
            return;
        }
        byte[] plaintext = ((Outcome.Ok<byte[]>) opened).value();
        roam(peer, from, out);
        boolean confirmed = peer.keypairs.receivedWith(keypair);
        if (confirmed) {
            if (out.tracing()) {
                out.trace(new TraceEvent.KeypairConfirmed(peer.publicKey, keypair.localIndex()));
            }
            releaseStaleIndices(peer);
            handshakeComplete(peer, now);
        }
        anyAuthenticatedPacketReceived(peer);
        anyAuthenticatedPacketTraversal(peer, now);
        peer.rxBytes += length;
        if (out.tracing()) {
            out.trace(new TraceEvent.TransportReceived(peer.publicKey, receiver, counter, plaintext.length));
        }
        if (plaintext.length > 0) {
            dataReceived(peer, now);
            deliverInbound(peer, from, plaintext, out);
        } // else a keepalive: authenticated, counted, nothing to deliver.
        // Sends this packet provokes come last: the kernel queues them to workers, so they run
        // after this packet's timers (a send cancels the keepalive that data_received just armed).
        if (confirmed) {
            sendStaged(peer, now, out);
        }
        keepKeyFreshAfterReceiving(peer, now, out);
    }

    private void deliverInbound(Peer peer, Endpoint from, byte[] plaintext, Effects out) {
        int claimed = IpPacket.claimedLength(plaintext, 0, plaintext.length);
        if (claimed < 0) {
            drop(out, DropReason.INNER_PACKET_MALFORMED, from, peer.publicKey);
            return;
        }
        // Cryptokey routing, inbound: the key that decrypted it must own the source address.
        if (allowedIps.lookupSource(plaintext, 0, claimed) != peer) {
            drop(out, DropReason.INNER_SOURCE_NOT_ALLOWED, from, peer.publicKey);
            return;
        }
        out.deliver(claimed == plaintext.length ? plaintext : Arrays.copyOf(plaintext, claimed));
    }

    // ---------------------------------------------------------------- input: outbound packets

    /** An IP packet from the tunnel side, to be routed to a peer by its destination. */
    public void onOutbound(Now now, byte[] packet, int offset, int length, Effects out) {
        int version = IpPacket.version(packet, offset, length);
        if (version == 0) {
            drop(out, DropReason.INNER_PACKET_MALFORMED, null, null);
            return;
        }
        Peer peer = allowedIps.lookupDestination(packet, offset, length);
        if (out.tracing()) {
            int dst = offset + IpPacket.destinationOffset(version);
            int bits = 8 * IpPacket.addressLength(version);
            String destination = Prefix.of(Arrays.copyOfRange(packet, dst, dst + bits / 8), bits).toString();
            out.trace(new TraceEvent.Routed(destination, peer == null ? null : peer.publicKey));
        }
        if (peer == null) {
            drop(out, DropReason.NO_ROUTE, null, null);
            return;
        }
        if (peer.endpoint == null) {
            drop(out, DropReason.NO_ENDPOINT, null, peer.publicKey);
            return;
        }
        peer.staged.addLast(Arrays.copyOfRange(packet, offset, offset + length));
        while (peer.staged.size() > Protocol.MAX_STAGED_PACKETS) {
            peer.staged.removeFirst();
            drop(out, DropReason.STAGED_QUEUE_FULL, null, peer.publicKey);
        }
        sendStaged(peer, now, out);
    }

    // ---------------------------------------------------------------- input: timers

    /** The earliest monotonic time at which {@link #onTimer} has work, or Long.MAX_VALUE. */
    public long nextDeadline() {
        long next = NEVER;
        for (Peer p : peers.values()) {
            next = Math.min(next, p.nextDeadline());
        }
        return next;
    }

    /** Fires every timer whose deadline is at or before {@code now}. */
    public void onTimer(Now now, Effects out) {
        for (Peer peer : List.copyOf(peers.values())) {
            long t = now.monoNanos();
            if (peer.retransmitHandshakeAt <= t) {
                peer.retransmitHandshakeAt = NEVER;
                fired(peer, Timer.RETRANSMIT_HANDSHAKE, out);
                expiredRetransmitHandshake(peer, now, out);
            }
            if (peer.sendKeepaliveAt <= t) {
                peer.sendKeepaliveAt = NEVER;
                fired(peer, Timer.SEND_KEEPALIVE, out);
                sendKeepalive(peer, now, out);
                if (peer.needAnotherKeepalive) {
                    peer.needAnotherKeepalive = false;
                    peer.sendKeepaliveAt = t + Protocol.KEEPALIVE_TIMEOUT_NANOS;
                }
            }
            if (peer.newHandshakeAt <= t) {
                peer.newHandshakeAt = NEVER;
                fired(peer, Timer.NEW_HANDSHAKE, out);
                // We sent data and heard nothing back for KEEPALIVE + REKEY_TIMEOUT: try a new session.
                sendQueuedInitiation(peer, false, now, out);
            }
            if (peer.zeroKeyMaterialAt <= t) {
                peer.zeroKeyMaterialAt = NEVER;
                fired(peer, Timer.ZERO_KEY_MATERIAL, out);
                peer.keypairs.clear();
                peer.handshake.clear();
                releaseStaleIndices(peer);
                if (out.tracing()) {
                    out.trace(new TraceEvent.KeysZeroed(peer.publicKey));
                }
            }
            if (peer.persistentKeepaliveAt <= t) {
                peer.persistentKeepaliveAt = NEVER;
                fired(peer, Timer.PERSISTENT_KEEPALIVE, out);
                if (peer.persistentKeepaliveSeconds > 0) {
                    sendKeepalive(peer, now, out);
                }
            }
        }
    }

    private void expiredRetransmitHandshake(Peer peer, Now now, Effects out) {
        if (peer.handshakeAttempts > Protocol.MAX_TIMER_HANDSHAKES) {
            // REKEY_ATTEMPT_TIME is up: stop trying until new traffic asks for a session.
            peer.sendKeepaliveAt = NEVER;
            int dropped = peer.staged.size();
            peer.staged.clear();
            for (int i = 0; i < dropped; i++) {
                drop(out, DropReason.HANDSHAKE_GAVE_UP, null, peer.publicKey);
            }
            if (out.tracing()) {
                out.trace(new TraceEvent.HandshakeGaveUp(peer.publicKey, dropped));
            }
            if (peer.zeroKeyMaterialAt == NEVER) {
                peer.zeroKeyMaterialAt = now.monoNanos() + 3 * Protocol.REJECT_AFTER_TIME_NANOS;
            }
            return;
        }
        peer.handshakeAttempts++;
        sendQueuedInitiation(peer, true, now, out);
    }

    private void fired(Peer peer, Timer timer, Effects out) {
        if (out.tracing()) {
            out.trace(new TraceEvent.TimerFired(peer.publicKey, timer));
        }
    }

    // ---------------------------------------------------------------- sending

    /** Encrypts and sends every staged packet on the current keypair, or asks for a handshake. */
    private void sendStaged(Peer peer, Now now, Effects out) {
        Keypair keypair = peer.keypairs.current();
        if (keypair == null || !keypair.canSend() || peer.endpoint == null) {
            sendQueuedInitiation(peer, false, now, out);
            return;
        }
        boolean dataSent = false;
        boolean anySent = false;
        while (!peer.staged.isEmpty()) {
            byte[] packet = peer.staged.peekFirst();
            Outcome<byte[]> sealed = keypair.seal(crypto.aead(), now, packet, 0, packet.length, mtu);
            if (sealed instanceof Outcome.Dropped<byte[]>) {
                // Expired or used up: keep the packets for the next session and start one.
                keypair.invalidateSending();
                sendQueuedInitiation(peer, false, now, out);
                break;
            }
            peer.staged.removeFirst();
            byte[] datagram = ((Outcome.Ok<byte[]>) sealed).value();
            out.send(peer.endpoint, datagram);
            peer.txBytes += datagram.length;
            anySent = true;
            dataSent |= packet.length > 0;
            if (out.tracing()) {
                out.trace(new TraceEvent.TransportSent(peer.publicKey, keypair.remoteIndex(), keypair.sendingCounter() - 1,
                        packet.length, peer.endpoint));
            }
        }
        if (anySent) {
            anyAuthenticatedPacketTraversal(peer, now);
            anyAuthenticatedPacketSent(peer);
            if (dataSent) {
                dataSent(peer, now);
            }
            if (keypair.shouldRekeyAfterSending(now)) {
                sendQueuedInitiation(peer, false, now, out);
            }
        }
    }

    private void sendKeepalive(Peer peer, Now now, Effects out) {
        if (peer.staged.isEmpty()) {
            peer.staged.addLast(new byte[0]);
        }
        sendStaged(peer, now, out);
    }

    /** Starts a handshake unless one went out less than REKEY_TIMEOUT ago (kernel send.c). */
    private void sendQueuedInitiation(Peer peer, boolean retry, Now now, Effects out) {
        if (!retry) {
            peer.handshakeAttempts = 0;
        }
        if (!now.hasExpired(peer.lastSentHandshakeMonoNanos, INITIATION_RATE_NANOS)) {
            return;
        }
        peer.lastSentHandshakeMonoNanos = now.monoNanos();
        int localIndex = allocateIndex(peer);
        List<NoiseStep> steps = new ArrayList<>();
        PrivateKey ephemeral = PrivateKey.generate(entropy);
        if (out.tracing()) {
            // Before the handshake destroys it: a traced run exports it as a keylog for Wireshark.
            out.trace(new TraceEvent.InitiatorEphemeral(peer.publicKey, localIndex, ephemeral.base64()));
        }
        Outcome<Initiation> created = peer.handshake.createInitiation(now, ephemeral, localIndex,
                out.tracing() ? NoiseTrace.collecting(steps) : NoiseTrace.OFF);
        releaseStaleIndices(peer);
        if (created instanceof Outcome.Dropped<Initiation>(DropReason reason)) {
            // A low-order peer key or no private key: nothing is ever sent.
            drop(out, reason, null, peer.publicKey);
            return;
        }
        traceSteps(out, peer, steps);
        byte[] bytes = MessageCodec.encode(((Outcome.Ok<Initiation>) created).value());
        peer.cookies.addMacs(bytes, now);
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketSent(peer);
        if (peer.endpoint != null) {
            out.send(peer.endpoint, bytes);
            peer.txBytes += bytes.length;
            if (out.tracing()) {
                out.trace(new TraceEvent.InitiationSent(peer.publicKey, localIndex, peer.handshakeAttempts, peer.endpoint));
            }
        } else {
            drop(out, DropReason.NO_ENDPOINT, null, peer.publicKey);
        }
        handshakeInitiated(peer, now);
    }

    private void sendResponse(Peer peer, Now now, Effects out) {
        peer.lastSentHandshakeMonoNanos = now.monoNanos();
        int localIndex = allocateIndex(peer);
        List<NoiseStep> steps = new ArrayList<>();
        NoiseTrace trace = out.tracing() ? NoiseTrace.collecting(steps) : NoiseTrace.OFF;
        PrivateKey ephemeral = PrivateKey.generate(entropy);
        if (out.tracing()) {
            // Before the handshake destroys it: a key-logging device needs it to decrypt peer-initiated sessions.
            out.trace(new TraceEvent.ResponderEphemeral(peer.publicKey, localIndex, ephemeral.base64()));
        }
        Outcome<Response> created = peer.handshake.createResponse(ephemeral, localIndex, trace);
        if (created instanceof Outcome.Dropped<Response>(DropReason reason)) {
            releaseStaleIndices(peer);
            drop(out, reason, null, peer.publicKey);
            return;
        }
        byte[] bytes = MessageCodec.encode(((Outcome.Ok<Response>) created).value());
        peer.cookies.addMacs(bytes, now);
        Outcome<Keypair> session = peer.handshake.beginSession(now, profile.keypairLimits(), trace);
        traceSteps(out, peer, steps);
        installKeypair(peer, ((Outcome.Ok<Keypair>) session).value(), out);
        anyAuthenticatedPacketTraversal(peer, now);
        anyAuthenticatedPacketSent(peer);
        sessionDerived(peer, now);
        out.send(peer.endpoint, bytes);
        peer.txBytes += bytes.length;
        if (out.tracing()) {
            out.trace(new TraceEvent.ResponseSent(peer.publicKey, localIndex,
                    ((Outcome.Ok<Response>) created).value().receiver(), peer.endpoint));
        }
    }

    private void installKeypair(Peer peer, Keypair keypair, Effects out) {
        peer.keypairs.add(keypair);
        releaseStaleIndices(peer);
        if (out.tracing()) {
            out.trace(new TraceEvent.SessionStarted(peer.publicKey, keypair.localIndex(), keypair.remoteIndex(),
                    keypair.isInitiator()));
        }
    }

    private void keepKeyFreshAfterReceiving(Peer peer, Now now, Effects out) {
        Keypair current = peer.keypairs.current();
        if (current != null && !peer.sentLastminuteHandshake && current.shouldRekeyAfterReceiving(now)) {
            peer.sentLastminuteHandshake = true;
            sendQueuedInitiation(peer, false, now, out);
        }
    }

    /** The endpoint moves to the source of every authenticated packet: roaming, both ways. */
    private void roam(Peer peer, Endpoint from, Effects out) {
        if (!from.equals(peer.endpoint)) {
            if (out.tracing()) {
                out.trace(new TraceEvent.EndpointChanged(peer.publicKey, peer.endpoint, from));
            }
            peer.endpoint = from;
        }
    }

    // ---------------------------------------------------------------- timer hooks (kernel timers.c)

    /** Should be called after an authenticated data packet is sent. */
    private void dataSent(Peer peer, Now now) {
        if (peer.newHandshakeAt == NEVER) {
            peer.newHandshakeAt = now.monoNanos() + Protocol.KEEPALIVE_TIMEOUT_NANOS + Protocol.REKEY_TIMEOUT_NANOS + jitter();
        }
    }

    /** Should be called after an authenticated data packet is received. */
    private void dataReceived(Peer peer, Now now) {
        if (peer.sendKeepaliveAt == NEVER) {
            peer.sendKeepaliveAt = now.monoNanos() + Protocol.KEEPALIVE_TIMEOUT_NANOS;
        } else {
            peer.needAnotherKeepalive = true;
        }
    }

    /** Should be called after any type of authenticated packet is sent, whether keepalive, data, or handshake. */
    private static void anyAuthenticatedPacketSent(Peer peer) {
        peer.sendKeepaliveAt = NEVER;
    }

    /** Should be called after any type of authenticated packet is received, whether keepalive, data, or handshake. */
    private static void anyAuthenticatedPacketReceived(Peer peer) {
        peer.newHandshakeAt = NEVER;
    }

    /** Should be called after a handshake initiation message is sent. */
    private void handshakeInitiated(Peer peer, Now now) {
        peer.retransmitHandshakeAt = now.monoNanos() + Protocol.REKEY_TIMEOUT_NANOS + jitter();
    }

    /** Should be called after a handshake response message is received and processed, or when getting key confirmation via the first data message. */
    private static void handshakeComplete(Peer peer, Now now) {
        peer.retransmitHandshakeAt = NEVER;
        peer.handshakeAttempts = 0;
        peer.sentLastminuteHandshake = false;
        peer.lastHandshakeWallNanos = now.wallNanos();
    }

    /** Should be called after ephemeral keys are created with the new handshake, on either side. */
    private static void sessionDerived(Peer peer, Now now) {
        peer.zeroKeyMaterialAt = now.monoNanos() + 3 * Protocol.REJECT_AFTER_TIME_NANOS;
    }

    /** Should be called before a packet with authentication, whether keepalive, data, or handshake, is sent, or after one is received. */
    private static void anyAuthenticatedPacketTraversal(Peer peer, Now now) {
        if (peer.persistentKeepaliveSeconds > 0) {
            peer.persistentKeepaliveAt = now.monoNanos() + peer.persistentKeepaliveSeconds * Protocol.SECOND_NANOS;
        }
    }

    private long jitter() {
        return entropy.nextLong(Protocol.REKEY_TIMEOUT_JITTER_MAX_NANOS);
    }

    // ---------------------------------------------------------------- indices, drops, traces

    /** A fresh random receiver index for {@code peer}, unique in this device. */
    private int allocateIndex(Peer peer) {
        while (true) {
            int index = entropy.nextInt();
            if (!indices.containsKey(index)) {
                indices.put(index, peer);
                peer.indices.add(index);
                return index;
            }
        }
    }

    /** Frees the indices of handshakes and keypairs the peer no longer has. */
    private void releaseStaleIndices(Peer peer) {
        Set<Integer> live = peer.liveIndices();
        peer.indices.removeIf(index -> {
            if (live.contains(index)) {
                return false;
            }
            indices.remove(index);
            return true;
        });
    }

    private static void drop(Effects out, DropReason reason, Endpoint from, PublicKey peer) {
        out.drop(reason, from);
        if (out.tracing()) {
            out.trace(new TraceEvent.Dropped(reason, from, peer));
        }
    }

    private static void traceSteps(Effects out, Peer peer, List<NoiseStep> steps) {
        if (out.tracing()) {
            for (NoiseStep step : steps) {
                out.trace(new TraceEvent.HandshakeStep(peer.publicKey, step));
            }
        }
    }

    // ---------------------------------------------------------------- read-back (UAPI get)

    public Profile profile() {
        return profile;
    }

    /** This device's public key, or null without a private key. */
    public PublicKey publicKey() {
        return identity == null ? null : identity.publicKey();
    }

    public StaticIdentity identity() {
        return identity;
    }

    public int listenPort() {
        return listenPort;
    }

    public int fwmark() {
        return fwmark;
    }

    public List<Peer> peers() {
        return List.copyOf(peers.values());
    }

    public Peer peer(PublicKey key) {
        return peers.get(key);
    }

    /** The AllowedIPs of {@code peer}, for `wg show allowed-ips`. */
    public List<Prefix> allowedIps(Peer peer) {
        return allowedIps.prefixesOf(peer);
    }

    /** The peer AllowedIPs route {@code address} to, or null. */
    public Peer route(byte[] address) {
        return allowedIps.lookup(address);
    }
}
