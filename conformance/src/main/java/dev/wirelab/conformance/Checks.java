package dev.wirelab.conformance;

import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.TransportData;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The conformance checks. Each starts from a fresh {@link Lab}; timing checks allow for a real
 * clock and say how much slack they use and why.
 */
public final class Checks {
    static final int TYPE_INITIATION = Protocol.MESSAGE_INITIATION;
    static final int TYPE_RESPONSE = Protocol.MESSAGE_RESPONSE;
    static final int TYPE_COOKIE = Protocol.MESSAGE_COOKIE_REPLY;
    static final int TYPE_DATA = Protocol.MESSAGE_TRANSPORT_DATA;
    /** How long "no answer" is watched for: far above a LAN round trip, well below any protocol timer. */
    static final Duration QUIET = Duration.ofMillis(1500);
    /**
     * Slack on timer checks: the kernel's timer wheel rounds a 5-15 s timer up by up to about 12.5%
     * of its length on a 1000 Hz kernel (level granularity), and these machines are shared. Lower
     * bounds get only 100 ms: a timer must never fire early, but the harness timestamps arrivals,
     * and on a loaded 2-core machine the first packet of an interval can reach it late (4.997 s was
     * seen for wirelab in CI, whose timer was armed for 5.0x s).
     */
    static final double EARLY_SLACK_S = 0.1;
    static final double LATE_SLACK_S = 1.0;
    static final Crafter CRAFT = new Crafter();
    /** How long the retransmit check watches, and how many intervals it needs: five. */
    static final Duration RETRANSMIT_WATCH = Duration.ofSeconds(28);
    static final int RETRANSMIT_INTERVALS = 5;
    /** An interval this much above REKEY_TIMEOUT shows jitter (see retransmitInterval). */
    static final double JITTER_SEEN_S = 0.05;

    /** The checks that take minutes. */
    private static final java.util.Set<String> SLOW = java.util.Set.of("rekey-after-120s", "give-up-after-90s",
            "keypair-rejected-after-180s");

    private Checks() {}

    /** Every check, in the order the matrix shows them. */
    public static List<Check> all() {
        return List.of(
                check("handshake-target-responds", "The harness initiates; the target answers and a ping comes back through the tunnel.",
                        false, HandshakeChecks::targetResponds),
                check("handshake-target-initiates", "The target pings the harness: it initiates, the harness answers, all pings come back.",
                        true, HandshakeChecks::targetInitiates),
                check("initiation-timestamp", "The target's initiation, decrypted by the harness: TAI64N base 2^62 + 10 and nanoseconds rounded down to 2^24 (kernel, wireguard-go).",
                        true, HandshakeChecks::initiationTimestamp),
                check("forged-response-ignored", "A response to the target's initiation that does not decrypt (random ephemeral and payload, valid mac1): no session, the initiation is retransmitted.",
                        true, HandshakeChecks::forgedResponseIgnored),
                check("data-both-ways", "Ten pings each way through one session; the target's rx/tx counters grow.",
                        true, HandshakeChecks::dataBothWays),
                check("silent-to-bad-mac1", "An initiation with a wrong mac1, and one from an unknown static key: no reply at all.",
                        false, SilenceChecks::silentToBadMac1),
                check("silent-to-garbage", "200 random datagrams (random length, random or forged type): no reply at all.",
                        false, SilenceChecks::silentToGarbage),
                check("silent-to-unknown-receiver", "Transport data, responses and cookie replies naming no index of the target: no reply.",
                        false, SilenceChecks::silentToUnknownReceiver),
                check("replayed-initiation-ignored", "A valid initiation is answered; the same bytes again are not (timestamp not newer).",
                        false, ReplayChecks::replayedInitiation),
                check("replayed-transport-rejected", "A captured transport packet re-sent: not delivered (no echo reply comes back).",
                        false, ReplayChecks::replayedTransport),
                check("replay-window-edges", "Counters: newest accepted, 100 and 8128 behind accepted (out of order), 8129 behind and duplicates rejected.",
                        false, ReplayChecks::replayWindowEdges),
                check("cookie-reply-under-load", "A flood of mac1-valid initiations puts the target under load: it sends cookie replies, and a handshake with mac2 then succeeds.",
                        false, CookieChecks::cookieUnderLoad),
                check("cookie-reply-does-not-roam", "A valid cookie reply from another port is taken (next initiation carries mac2) but does not move the endpoint.",
                        true, CookieChecks::cookieDoesNotRoam),
                check("roaming-on-authenticated-data", "The harness sends from a new port: the target's endpoint follows; garbage from a third port does not move it.",
                        false, RoamingChecks::roaming),
                check("passive-keepalive-10s", "After data it does not answer, the target sends a keepalive KEEPALIVE_TIMEOUT (10 s) later.",
                        false, TimerChecks::passiveKeepalive),
                check("retransmit-5s-plus-jitter", "The harness stays silent: initiations are retransmitted every REKEY_TIMEOUT (5 s) + jitter < 334 ms, and jitter is seen (one of 5 intervals is 50 ms or more above 5 s).",
                        true, TimerChecks::retransmitInterval),
                check("one-initiation-per-rekey-timeout", "30 packets 0.2 s apart toward a silent harness: initiations at least REKEY_TIMEOUT (5 s) apart.",
                        true, TimerChecks::oneInitiationPerRekeyTimeout),
                check("new-handshake-after-15s", "Data sent and never answered: a new initiation KEEPALIVE + REKEY_TIMEOUT (15 s) + jitter later.",
                        true, TimerChecks::newHandshakeAfterNoReply),
                check("responder-waits-for-confirmation", "After answering an initiation the harness never confirms, the target sends no data on that keypair, with 3 pings to send.",
                        false, HandshakeChecks::responderWaitsForConfirmation),
                check("psk-both-sides", "The same preshared key set on both sides: the handshake completes and pings come back.",
                        false, KeyChecks::pskBothSides),
                check("psk-one-sided", "A preshared key on the target only: no session (the response does not decrypt).",
                        false, KeyChecks::pskOneSided),
                check("replay-from-new-address-does-not-roam", "An accepted transport packet replayed, and a forged one, each from a new port: the endpoint stays.",
                        false, RoamingChecks::replayDoesNotRoam),
                check("forged-cookie-reply-ignored", "A cookie reply that does not decrypt answers the target's initiation: its retransmission carries no mac2.",
                        true, CookieChecks::forgedCookieIgnored),
                check("padding-to-16", "Echo replies to requests of 1 to 16 payload bytes: every transport datagram is 32 bytes plus a multiple of 16.",
                        false, TransportChecks::padding),
                check("transfer-bytes-exact", "`wg show transfer` counts exactly the UDP payload bytes the harness sent to and received from the target.",
                        false, TransportChecks::transferExact),
                check("persistent-keepalive", "persistent-keepalive 2 on an idle tunnel: something at once, then a keepalive every 2 s.",
                        true, TimerChecks::persistentKeepalive),
                check("inner-source-filter", "An inner packet whose source another peer owns is dropped, not answered toward that peer; one from the harness's own address is answered.",
                        false, RoutingChecks::innerSourceFilter),
                check("allowed-ips-prefix-moves", "A second peer given the harness's /32: `wg set` moves it, `wg show allowed-ips` lists it there, and the target's ping goes to the second peer.",
                        true, RoutingChecks::prefixMovesBetweenPeers),
                check("latest-handshake-time", "`wg show latest-handshakes` after a handshake: its time, within 5 s of the harness's clock.",
                        false, RoutingChecks::latestHandshake),
                check("low-order-peer-key", "A peer with a low-order public key: the target sends nothing to it.",
                        true, RoutingChecks::lowOrderPeerKey),
                check("older-tai64n-ignored", "A new initiation with an older timestamp is ignored; a newer one is answered.",
                        false, ReplayChecks::olderTimestamp),
                check("equal-tai64n-ignored", "A new initiation (new ephemeral and index) with the same timestamp as the last one answered: ignored; a newer one is answered.",
                        false, ReplayChecks::equalTimestamp),
                check("initiation-flood-limit", "30 valid initiations back to back, each with a newer timestamp: at most one consumed per 1/INITIATIONS_PER_SECOND (20 ms, 15 ms allowed for coarse clocks) of the time from the first sent to the last response.",
                        false, ReplayChecks::initiationFloodLimit),
                check("rate-limit-under-load", "Under load, 40 initiations with a valid mac2 from one address, 12 ms apart (two peers in turn, each above the flood limit): at most the bucket's burst of 5 plus 20/s of them answered (+2 slack); a last one without mac2 must get a cookie reply (still under load).",
                        false, CookieChecks::rateLimitUnderLoad),
                check("longest-prefix-across-peers", "The harness holds 198.51.100.1/32, a second peer 198.51.100.0/24: the target's ping to .1 goes to the harness, to .9 to the second peer.",
                        true, RoutingChecks::longestPrefixAcrossPeers),
                check("no-peer-for-destination", "The target pings 198.51.100.50, in its tunnel subnet but no peer's AllowedIPs: nothing goes to any peer; ICMP destination unreachable back to the sender (the kernel) or silence (declared per target).",
                        true, RoutingChecks::noPeerForDestination),
                check("ipv6-inside", "fd00:c633:6400::1/128 added to the harness's AllowedIPs and ::2/64 to the target: ICMPv6 echo both ways through the tunnel.",
                        true, RoutingChecks::ipv6Inside),
                check("private-key-change", "Under a session, `wg set private-key` gives the target a new key: the next packet starts a handshake under it (the harness knows only the new key) and pings come back.",
                        false, KeyChecks::privateKeyChange),
                check("previous-keypair-after-rekey", "An echo request sealed on the first keypair is held back; after a rekey the target confirmed, it arrives and is answered (the previous keypair still receives).",
                        false, SessionChecks::previousKeypairAfterRekey),
                check("initiator-confirms-with-keepalive", "The target re-initiates 15 s after unanswered data, with nothing queued; the harness answers: a 32 B keepalive confirms the session within 2 s.",
                        true, SessionChecks::initiatorConfirmsWithKeepalive),
                check("padding-capped-at-mtu", "MTU 1380 on the target; a 1378 B echo reply is padded to 1380, not 1392: a 1412 B datagram.",
                        false, TransportChecks::paddingCappedAtMtu),
                check("listen-port-change", "`wg set listen-port 51823` under a session: an initiation to the new port is answered from it, one to the old port is not.",
                        false, RoamingChecks::listenPortChange),
                check("rekey-after-120s", "Slow: the target, as initiator, starts a new handshake REKEY_AFTER_TIME (120 s) after the first while sending.",
                        true, TimerChecks::rekeyAfter120s),
                check("give-up-after-90s", "Slow: one packet, the harness silent: 20 initiations (the first and 19 retransmissions) in REKEY_ATTEMPT_TIME + jitter, then none.",
                        true, TimerChecks::giveUpAfterRekeyAttemptTime),
                check("keypair-rejected-after-180s", "Slow: the target, as responder, stops sending on its keypair at REJECT_AFTER_TIME (180 s) and rejects a packet sealed on it.",
                        false, TimerChecks::keypairRejectedAfter180s));
    }

    /** The checks that take minutes; `--quick` leaves them out. */
    public static boolean slow(Check c) {
        return SLOW.contains(c.name());
    }

    interface Body {
        Check.Outcome run(Lab lab) throws Exception;
    }

    static Check check(String name, String description, boolean targetKnowsHarness, Body body) {
        return new Check() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return description;
            }

            @Override
            public boolean targetKnowsHarness() {
                return targetKnowsHarness;
            }

            @Override
            public Outcome run(Lab lab) throws Exception {
                return body.run(lab);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    // ---------------------------------------------------------------- helpers

    static Datagram lastSent(Lab lab, int type) {
        List<Datagram> sent = lab.harness.sent().stream().filter(d -> d.type() == type && d.bytes().length > 32).toList();
        return sent.getLast();
    }

    static long wallNow() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    static String types(List<Datagram> ds) {
        return ds.stream().map(d -> "type " + d.type() + " (" + d.bytes().length + " B) to :" + d.localPort()).toList().toString();
    }

    static String yes(boolean b) {
        return b ? "accepted" : "rejected";
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }

    static InetSocketAddress harnessEndpoint(int port) {
        return new InetSocketAddress(Lab.address(Lab.HARNESS_UNDERLAY), port);
    }

    /** A static identity no target knows: a fresh random key. */
    static dev.wirelab.engine.noise.StaticIdentity strangerIdentity() {
        return dev.wirelab.engine.noise.StaticIdentity.of(dev.wirelab.engine.crypto.Crypto.fastest().x25519(),
                dev.wirelab.engine.crypto.PrivateKey.of(CRAFT.randomBytes(32, -1)));
    }

    /** What a check does with the target's initiation, which the harness has not answered. */
    interface Answer {
        Check.Outcome to(Datagram initiation) throws Exception;
    }

    /**
     * Plays dead, gives the target one packet for the harness, and hands its initiation to {@code
     * answer} (which may send anything back); FAIL when no initiation comes in 3 s. One packet only: a
     * silent harness then sees the initiation retransmitted every REKEY_TIMEOUT, nothing more.
     */
    static Check.Outcome answerTheTargetsInitiation(Lab lab, Answer answer) throws Exception {
        lab.harness.mode(HarnessPeer.Mode.SILENT);
        long t0 = lab.harness.now();
        try (AutoCloseable ping = lab.target.pingInBackground(Lab.HARNESS_TUNNEL, 1)) {
            Datagram initiation = lab.harness.await(t0, d -> d.type() == TYPE_INITIATION, Duration.ofSeconds(3));
            if (initiation == null) {
                return Check.Outcome.fail("no initiation", "the target did not initiate");
            }
            return answer.to(initiation);
        } finally {
            lab.harness.mode(HarnessPeer.Mode.AUTOPILOT);
        }
    }

    /**
     * A session the target starts (one ping to the harness), after which the harness plays dead
     * ({@link HarnessPeer.Mode#SILENT}) once no initiation of the target's can still be pending; false
     * when the ping did not come back.
     */
    static boolean targetInitiatesThenHarnessGoesSilent(Lab lab) throws Exception {
        long sessionStart = lab.harness.now();
        if (lab.target.ping(Lab.HARNESS_TUNNEL, 1) != 1) {
            return false;
        }
        awaitNoInitiationPending(lab, sessionStart);
        lab.harness.mode(HarnessPeer.Mode.SILENT);
        return true;
    }

    /**
     * Waits until no initiation of the target's can still be pending: REKEY_TIMEOUT + jitter + slack
     * after the last one since {@code sessionStart}. On a slow target (the kernel under qemu on a busy
     * machine) the response to its first initiation can come after it retransmitted one; were the
     * harness silent by then, that retransmission would go unanswered, and the next, REKEY_TIMEOUT later,
     * would pass for the handshake a check waits for.
     */
    private static void awaitNoInitiationPending(Lab lab, long sessionStart) throws InterruptedException {
        long settleNanos = 5_000_000_000L + 334_000_000L + (long) (LATE_SLACK_S * 1e9);
        while (true) {
            long lastInitiation = lab.harness.receivedSince(sessionStart).stream()
                    .filter(d -> d.type() == TYPE_INITIATION).mapToLong(Datagram::monoNanos).max().orElse(sessionStart);
            long wait = lastInitiation + settleNanos - lab.harness.now();
            if (wait <= 0) {
                return;
            }
            Thread.sleep(Math.max(1, wait / 1_000_000));
        }
    }

    /** The receiver index of a transport data message. */
    static int receiver(Datagram data) {
        return MessageCodec.readInt(data.bytes(), TransportData.OFFSET_RECEIVER);
    }
}
