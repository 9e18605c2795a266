package dev.wirelab.mutants;

import dev.wirelab.mutants.Edit.InsertCall;
import dev.wirelab.mutants.Edit.Redirect;
import dev.wirelab.mutants.Edit.RemoveCall;
import dev.wirelab.mutants.Edit.RenameCall;
import dev.wirelab.mutants.Edit.ReplaceResult;
import dev.wirelab.mutants.Edit.ReturnConstant;
import dev.wirelab.mutants.Edit.SwapConstant;
import dev.wirelab.mutants.Edit.SwapLength;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue: each mutant is one fault a WireGuard implementation could plausibly have, made in
 * wirelab's compiled engine (or, for the socket, its datapath). The conformance suite must fail every
 * one of them on at least one check (conformance's MutationTest), which is what shows its checks can
 * fail at all.
 */
public final class Mutants {
    private static final String DEVICE = "dev/wirelab/engine/device/Device";
    private static final String EFFECTS = "dev/wirelab/engine/device/Effects";
    private static final String KEYPAIR = "dev/wirelab/engine/transport/Keypair";
    private static final String KEYPAIRS = "dev/wirelab/engine/transport/Keypairs";
    private static final String REPLAY_WINDOW = "dev/wirelab/engine/transport/ReplayWindow";
    private static final String PADDING = "dev/wirelab/engine/transport/Padding";
    private static final String HANDSHAKE = "dev/wirelab/engine/noise/Handshake";
    private static final String NOISE = "dev/wirelab/engine/noise/NoiseIkpsk2";
    private static final String NOISE_TOKENS = "dev/wirelab/engine/noise/NoiseIkpsk2$Tokens";
    private static final String X25519 = "dev/wirelab/engine/crypto/X25519";
    private static final String XAEAD = "dev/wirelab/engine/crypto/XAead";
    private static final String SYMMETRIC_KEY = "dev/wirelab/engine/crypto/SymmetricKey";
    private static final String TAI64N = "dev/wirelab/engine/crypto/Tai64n";
    private static final String TAI64N_FORMAT = "dev/wirelab/engine/crypto/Tai64n$Format";
    private static final String COOKIE_CHECKER = "dev/wirelab/engine/cookie/CookieChecker";
    private static final String COOKIE_GENERATOR = "dev/wirelab/engine/cookie/CookieGenerator";
    private static final String TOKEN_BUCKET = "dev/wirelab/engine/cookie/TokenBucketRateLimiter";
    private static final String ALLOWED_IPS = "dev/wirelab/engine/allowedips/AllowedIps";
    private static final String TRIE = "dev/wirelab/engine/allowedips/Trie";
    private static final String PEER = "dev/wirelab/engine/device/Peer";
    private static final String NOW = "dev/wirelab/engine/Now";
    private static final String IP_PACKET = "dev/wirelab/engine/ip/IpPacket";
    private static final String USERSPACE_DEVICE = "dev/wirelab/datapath/UserspaceDevice";
    /** Device.roam(Peer, Endpoint, Effects). */
    private static final String ROAM = "(Ldev/wirelab/engine/device/Peer;Ldev/wirelab/engine/Endpoint;"
            + "Ldev/wirelab/engine/device/Effects;)V";
    private static final long SECOND = 1_000_000_000L;

    private static final List<Mutant> ALL = List.of(
            new Mutant("never-answers-initiations", "consumes initiations but never sends the response",
                    List.of(new ReturnConstant(DEVICE, "sendResponse", null))),
            new Mutant("never-initiates", "never sends an initiation: data for a peer without a session waits for ever",
                    List.of(new ReturnConstant(DEVICE, "sendQueuedInitiation", null))),
            new Mutant("never-roams", "never moves a peer's endpoint, not even to learn it from the peer's first initiation",
                    List.of(new ReturnConstant(DEVICE, "roam", null))),
            new Mutant("counts-no-received-bytes", "`wg show transfer` says 0 bytes received, whatever arrived",
                    List.of(new ReturnConstant(PEER, "rxBytes", 0L))),
            new Mutant("no-inner-source-filter", "delivers a decrypted packet whose source address the sending peer"
                    + " does not own (inbound cryptokey routing skipped)",
                    List.of(new ReplaceResult(DEVICE, "deliverInbound", ALLOWED_IPS, "lookupSource", "local:peer"))),
            new Mutant("replay-window-64", "a replay window of 64 counters instead of 8128: packets reordered by more"
                    + " than 64 are dropped",
                    List.of(new SwapConstant(REPLAY_WINDOW, "inRange", 8128, 64))),
            new Mutant("no-replay-window", "accepts every counter: a replayed transport packet is delivered again",
                    List.of(new ReturnConstant(REPLAY_WINDOW, "wouldAccept", 1), new ReturnConstant(REPLAY_WINDOW, "accept", 1))),
            new Mutant("stale-timestamp-accepted", "answers an initiation whose TAI64N timestamp is not newer than the"
                    + " peer's last (a replayed or older initiation)",
                    List.of(new ReplaceResult(HANDSHAKE, "consumeInitiation", TAI64N, "isAfter", 1))),
            new Mutant("timestamp-not-rounded", "writes initiation timestamps with the clock's nanoseconds as read instead of"
                    + " rounded down to 2^24 ns, which tells an observer the sender's clock",
                    List.of(new ReplaceResult(TAI64N, "stamp", TAI64N_FORMAT, "whitenerMask", 0))),
            new Mutant("no-retransmit-jitter", "retransmits initiations every REKEY_TIMEOUT exactly, with no random"
                    + " jitter (peers that lost packets together stay in step)",
                    List.of(new ReturnConstant(DEVICE, "jitter", 0L))),
            new Mutant("retransmit-after-3s", "retransmits an unanswered initiation after 3 s instead of REKEY_TIMEOUT"
                    + " (5 s)",
                    List.of(new SwapConstant(DEVICE, "handshakeInitiated", 5 * SECOND, 3 * SECOND))),
            new Mutant("initiation-per-packet", "sends an initiation for every packet waiting for a session, instead of at"
                    + " most one per REKEY_TIMEOUT",
                    List.of(new ReplaceResult(DEVICE, "sendQueuedInitiation", NOW, "hasExpired", 1))),
            new Mutant("never-gives-up", "keeps retransmitting initiations past REKEY_ATTEMPT_TIME (90 s)",
                    List.of(new SwapConstant(DEVICE, "expiredRetransmitHandshake", 18, 1_000_000))),
            new Mutant("new-handshake-after-20s", "after data it sent went unanswered, starts a new handshake after 20 s"
                    + " instead of KEEPALIVE_TIMEOUT + REKEY_TIMEOUT (15 s)",
                    List.of(new SwapConstant(DEVICE, "dataSent", 10 * SECOND, 15 * SECOND))),
            new Mutant("keepalive-after-15s", "sends the passive keepalive 15 s after unanswered data instead of"
                    + " KEEPALIVE_TIMEOUT (10 s)",
                    List.of(new SwapConstant(DEVICE, "dataReceived", 10 * SECOND, 15 * SECOND))),
            new Mutant("no-passive-keepalive", "never sends a passive keepalive after receiving data it does not answer",
                    List.of(new ReturnConstant(DEVICE, "dataReceived", null))),
            new Mutant("rekey-after-130s", "the initiator rekeys 130 s after a session began instead of REKEY_AFTER_TIME"
                    + " (120 s)",
                    List.of(new SwapConstant(KEYPAIR, "shouldRekeyAfterSending", 120 * SECOND, 130 * SECOND))),
            new Mutant("sends-on-expired-keypair", "keeps sending on a keypair older than REJECT_AFTER_TIME (180 s)",
                    List.of(new SwapConstant(KEYPAIR, "seal", 180 * SECOND, 3600 * SECOND))),
            new Mutant("accepts-expired-keypair", "accepts data on a keypair older than REJECT_AFTER_TIME (180 s)",
                    List.of(new SwapConstant(KEYPAIR, "open", 180 * SECOND, 3600 * SECOND))),
            new Mutant("responder-sends-before-confirmation", "the responder sends data on a new keypair before the"
                    + " initiator confirmed it (whitepaper §5.4.7: it must wait for the first packet on it)",
                    List.of(new ReplaceResult(KEYPAIRS, "add", KEYPAIR, "isInitiator", 1))),
            new Mutant("roams-on-cookie-reply", "moves the peer's endpoint to the source of a cookie reply, which proves"
                    + " nothing about who sent it",
                    List.of(new InsertCall(DEVICE, "receiveCookieReply", EFFECTS, "tracing", "roam", ROAM,
                            List.of("peer", "from", "out")))),
            new Mutant("roams-before-authentication", "moves the endpoint to the source of a transport packet before"
                    + " checking its tag and counter (a replayed or forged packet moves it)",
                    List.of(new InsertCall(DEVICE, "receiveTransport", KEYPAIR, "open", "roam", ROAM,
                            List.of("peer", "from", "out")))),
            new Mutant("answers-what-it-drops", "answers every datagram it drops (garbage, a bad mac1, an unknown"
                    + " index) with a datagram, so a scanner learns the port is live",
                    List.of(new Redirect(DEVICE, "drop", Faults.class))),
            new Mutant("accepts-bad-mac1", "does not check mac1: answers an initiation whose mac1 is wrong",
                    List.of(new ReplaceResult(COOKIE_CHECKER, "validate", COOKIE_GENERATOR, "equalMacs", 1, 1))),
            new Mutant("never-under-load", "never considers itself under load: no cookie replies, DH work for every"
                    + " initiation in a flood",
                    List.of(new ReturnConstant(DEVICE, "underLoad", 0))),
            new Mutant("under-load-accepts-any-mac2", "under load, answers initiations whose mac2 is missing or wrong"
                    + " instead of sending a cookie reply",
                    List.of(new ReplaceResult(COOKIE_CHECKER, "validate", COOKIE_GENERATOR, "equalMacs", 1, 2))),
            new Mutant("accepts-undecryptable-response", "begins a session on a response whose encrypted empty payload does"
                    + " not decrypt (a forged response)",
                    List.of(new ReplaceResult(NOISE, "consumeResponse", NOISE_TOKENS, "decrypt", "zeros:0"))),
            new Mutant("accepts-forged-cookie-reply", "takes a cookie reply whose tag does not verify (its cookie: zeros)",
                    List.of(new ReplaceResult(COOKIE_GENERATOR, "consumeReply", XAEAD, "open", "zeros:16"))),
            new Mutant("ignores-preshared-key", "mixes an all-zero key in the psk step whatever preshared key is set",
                    List.of(new ReplaceResult(HANDSHAKE, "createResponse", SYMMETRIC_KEY, "secretBytes", "zeros:32"),
                            new ReplaceResult(HANDSHAKE, "consumeResponse", SYMMETRIC_KEY, "secretBytes", "zeros:32"))),
            new Mutant("low-order-peer-accepted", "does not reject an all-zero DH result: handshakes with a peer whose"
                    + " public key has low order",
                    List.of(new ReplaceResult(NOISE_TOKENS, "dh", X25519, "sharedSecret", 1),
                            new ReplaceResult(NOISE_TOKENS, "dhOrCached", NOISE, "isZero", 0))),
            new Mutant("no-padding", "does not pad plaintext to a multiple of 16 bytes",
                    List.of(new ReturnConstant(PADDING, "paddingFor", 0))),
            new Mutant("persistent-keepalive-doubled", "sends persistent keepalives every 2 x the configured interval",
                    List.of(new SwapConstant(DEVICE, "anyAuthenticatedPacketTraversal", SECOND, 2 * SECOND))),
            new Mutant("counts-plaintext-bytes", "counts the plaintext packet instead of the datagram in the sent bytes"
                    + " that `wg show transfer` reports",
                    List.of(new SwapLength(DEVICE, "sendStaged", "datagram", "packet"))),
            new Mutant("moved-prefix-keeps-its-owner", "`wg set … allowed-ips` of a prefix another peer has leaves it routed"
                    + " to that peer instead of moving it",
                    List.of(new RemoveCall(ALLOWED_IPS, "insert", TRIE, "setPeer", 1))),
            new Mutant("no-latest-handshake", "`wg show latest-handshakes` says 0 (never) after a handshake",
                    List.of(new ReturnConstant(PEER, "lastHandshakeWallNanos", 0L))),
            new Mutant("no-initiation-rate-limit", "under load, answers any number of initiations with a valid mac2 from"
                    + " one source (no 20/s, burst 5 limit)",
                    List.of(new ReturnConstant(TOKEN_BUCKET, "allow", 1))),
            new Mutant("no-initiation-flood-limit", "consumes any number of initiations from one peer per second (no"
                    + " 1/INITIATIONS_PER_SECOND = 20 ms spacing)",
                    List.of(new SwapConstant(HANDSHAKE, "consumeInitiation", SECOND / 50, 0))),
            new Mutant("keeps-sessions-on-key-change", "`wg set … private-key` with a new key keeps the sessions made with"
                    + " the old one and goes on sending on them",
                    List.of(new RemoveCall(DEVICE, "setIdentity", KEYPAIRS, "clear", 1))),
            new Mutant("no-previous-keypair", "keeps two keypairs, not three: after a rekey, packets still in flight on the"
                    + " previous keypair are rejected",
                    List.of(new Redirect(KEYPAIRS, "receivedWith", Faults.class))),
            new Mutant("initiator-never-confirms", "after the response, sends only what was queued: with nothing queued,"
                    + " no keepalive confirms the session to the responder",
                    List.of(new RenameCall(DEVICE, "receiveHandshake", DEVICE, "sendKeepalive", "sendStaged"))),
            new Mutant("ignores-mtu-change", "pads to the MTU the interface had at start, not the one `ip link set mtu`"
                    + " gave it since: padding can take packets past the MTU",
                    List.of(new ReturnConstant(DEVICE, "setMtu", null))),
            new Mutant("first-match-routing", "routes to the shortest matching prefix that has a peer instead of the"
                    + " longest: a more specific peer never gets its packets",
                    List.of(new Redirect(ALLOWED_IPS, "lookupDestination", Faults.class))),
            new Mutant("ipv6-trimmed-to-payload-length", "trims a decrypted IPv6 packet to its payload length, forgetting"
                    + " the 40-byte header: IPv6 through the tunnel breaks",
                    List.of(new SwapConstant(IP_PACKET, "claimedLength", 40, 0))),
            new Mutant("no-route-goes-to-a-peer", "sends a packet whose destination no peer's AllowedIPs contain to the"
                    + " peer owning the nearest address (a default route nobody configured) instead of dropping it",
                    List.of(new Redirect(ALLOWED_IPS, "lookupDestination", Faults.class, "lookupDestinationOrNearest"))),
            new Mutant("listen-port-change-not-applied", "`wg set listen-port` is taken (`wg show` says the new port) but the"
                    + " socket stays bound where the device started: a port set by `wg` never takes effect",
                    List.of(new ReturnConstant(USERSPACE_DEVICE, "reconfigured", 0))));

    private Mutants() {
    }

    /** Every mutant, in the order of the mutation table. */
    public static List<Mutant> all() {
        return ALL;
    }

    public static Optional<Mutant> named(String name) {
        return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
