package dev.wirelab.sim.scenario;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.sim.LinkSpec;
import dev.wirelab.sim.Nat;
import dev.wirelab.sim.Ratio;
import java.util.List;

/**
 * A scenario as read from a file (see simulator/scenarios/README.md): who is on which network, how
 * they are configured, what traffic runs, what happens on the timeline, and what must hold
 * afterwards. Every name it mentions exists and every value is in range: {@link ScenarioFile}
 * checked that. Keys generated from the seed are not here: they belong to a run.
 *
 * @param file          the file it came from, as the user named it (for messages and reproduction)
 * @param seed          the seed when none is given on the command line
 * @param durationNanos how much virtual time a run simulates
 */
public record Scenario(
        String file,
        String name,
        String description,
        long seed,
        long durationNanos,
        List<String> networks,
        List<HostSpec> hosts,
        List<NatSpec> nats,
        List<AttackerSpec> attackers,
        List<Traffic> traffic,
        List<TimelineEvent> timeline,
        List<Expectation> expectations) {

    public Scenario {
        networks = List.copyOf(networks);
        hosts = List.copyOf(hosts);
        nats = List.copyOf(nats);
        attackers = List.copyOf(attackers);
        traffic = List.copyOf(traffic);
        timeline = List.copyOf(timeline);
        expectations = List.copyOf(expectations);
    }

    public HostSpec host(String name) {
        for (HostSpec h : hosts) {
            if (h.name().equals(name)) {
                return h;
            }
        }
        return null;
    }

    /**
     * One machine.
     *
     * @param addresses   its tunnel addresses (wg-quick Address, without the prefix length), 4 or 16 bytes
     * @param privateKey  the configured key, or null: generated from the seed for this host
     * @param mtu         the interface MTU (padding never grows a packet past it)
     */
    public record HostSpec(
            String name,
            String network,
            Endpoint endpoint,
            List<Bytes> addresses,
            Profile profile,
            long wallStartNanos,
            long driftPartsPerMillion,
            LinkSpec up,
            LinkSpec down,
            PrivateKey privateKey,
            int mtu,
            List<PeerSpec> peers) {
        public HostSpec {
            addresses = List.copyOf(addresses);
            peers = List.copyOf(peers);
        }
    }

    /**
     * One [Peer] section. The peer is a scenario host ({@code host}) or a literal key ({@code publicKey}).
     *
     * @param endpointHost        the peer's Endpoint given as a host name (its endpoint at configuration time), or null
     * @param endpoint            a literal Endpoint, or null
     * @param allowedIps          AllowedIPs, or null for the host's tunnel addresses (/32 and /128)
     * @param keepaliveSeconds    PersistentKeepalive, or null to leave it
     * @param presharedKey        a literal PresharedKey, or null
     * @param generatedPsk        a PresharedKey generated from the seed for this pair of hosts
     * @param remove              on the timeline: remove the peer
     */
    public record PeerSpec(
            String host,
            PublicKey publicKey,
            String endpointHost,
            Endpoint endpoint,
            List<Prefix> allowedIps,
            Integer keepaliveSeconds,
            SymmetricKey presharedKey,
            boolean generatedPsk,
            boolean remove) {
        public PeerSpec {
            allowedIps = allowedIps == null ? null : List.copyOf(allowedIps);
        }

        /** The host name, or the key's base64 when the peer is not a scenario host. */
        public String label() {
            return host != null ? host : publicKey.base64();
        }
    }

    public record NatSpec(
            String name,
            String inside,
            String outside,
            Bytes publicAddress,
            Nat.Filtering filtering,
            long mappingTimeoutNanos,
            LinkSpec up,
            LinkSpec down) {}

    /** A machine that does not follow the protocol ({@link dev.wirelab.sim.Attacker}); its attacks are timeline actions. */
    public record AttackerSpec(String name, String network, Endpoint endpoint, LinkSpec up, LinkSpec down) {}

    /** Tunnel-side programs. */
    public sealed interface Traffic {
        /**
         * Echo requests from {@code from} to {@code destination}, from {@code source} (normally the
         * sender's own tunnel address), every {@code intervalNanos}; each host answers echo
         * requests to its own tunnel addresses.
         */
        record Ping(String from, Bytes source, Bytes destination, long startNanos, long intervalNanos, int count,
                int payloadBytes) implements Traffic {}

        /**
         * UDP datagrams from {@code source} to {@code destination}:{@code port} every
         * {@code intervalNanos}, {@code payloadBytes} each; {@code responseBytes} null: one-way,
         * otherwise requests the receiver answers with that many bytes.
         */
        record Flow(String from, Bytes source, Bytes destination, int port, long startNanos, long intervalNanos, int count,
                int payloadBytes, Integer responseBytes) implements Traffic {}
    }

    /** Something that happens at {@code atNanos} of virtual time. */
    public record TimelineEvent(long atNanos, Action action) {}

    public sealed interface Action {
        /** Changes to the host's uplink ({@code up}), downlink ({@code down}) or both, from now on. */
        record LinkChange(String host, boolean up, boolean down, LinkPatch patch) implements Action {}

        /** The host takes a new address or port, perhaps on another network; same Device. */
        record Move(String host, String network, Endpoint endpoint) implements Action {}

        /**
         * A fresh Device with the configuration the host had (file plus timeline changes so far);
         * sessions, timers and learnt endpoints are gone. {@code wallNanos}: the wall clock is reset
         * to it (null: keeps running). {@code profile}: a different implementation after the
         * reboot (null: the same).
         */
        record Reboot(String host, Long wallNanos, Profile profile) implements Action {}

        /** Every mapping of the NAT moves to a new public port. */
        record Rebind(String nat) implements Action {}

        /** The host's handshake queue holds {@code queued} messages (under load at the profile's threshold). */
        record Backlog(String host, int queued) implements Action {}

        /** The host is switched off ({@code down}) or on again: nothing in or out while off. */
        record Power(String host, boolean down) implements Action {}

        /** The wall clock is set to {@code wallNanos}, or stepped by {@code stepNanos}, and/or its drift changes. */
        record Clock(String host, Long wallNanos, Long stepNanos, Long driftPartsPerMillion) implements Action {}

        /**
         * The attacker re-injects datagrams it recorded (since the start) on the host's uplink
         * ({@code up}) or downlink: the {@code index}-th of {@code messageType}, {@code random}
         * random ones, or all (of {@code messageType}, 0 for any). {@code spoofed}: from the
         * original source, otherwise from the attacker's own endpoint.
         */
        record Replay(String attacker, String host, boolean up, int messageType, Integer index, Integer random, boolean all,
                boolean spoofed) implements Action {}

        /** Valid-mac1 initiations to the host from random sources in {@code sources}, {@code perSecond} for {@code durationNanos}. */
        record Flood(String attacker, String target, Prefix sources, long perSecond, long durationNanos) implements Action {}

        /** From now on one random bit of each datagram on the host's link(s) flips with {@code probability}. */
        record BitFlip(String attacker, String host, boolean up, boolean down, Ratio probability) implements Action {}

        /** {@code count} random datagrams to the host's endpoint, {@code intervalNanos} apart, from {@code source} (null: the attacker's own). */
        record Garbage(String attacker, String target, Endpoint source, int count, long intervalNanos, int lengthMax) implements Action {}

        /** A probe of {@code probeBytes} zero bytes to each port from {@code firstPort} to {@code lastPort} of the host's address. */
        record PortScan(String attacker, String target, int firstPort, int lastPort, long intervalNanos, int probeBytes) implements Action {}

        /** Peer changes with `wg set` meaning: AllowedIPs given replace the peer's list; remove drops it. */
        record Configure(String host, List<PeerSpec> peers) implements Action {
            public Configure {
                peers = List.copyOf(peers);
            }
        }
    }

    /**
     * Link fields to change on the timeline; null leaves a field as it is. {@code partitionNanos}
     * cuts the link for that long from the event's time.
     */
    public record LinkPatch(
            Long delayNanos,
            Long jitterNanos,
            Ratio loss,
            LinkSpec.GilbertElliott burst,
            boolean clearBurst,
            Ratio duplicate,
            Ratio reorder,
            Long reorderDelayNanos,
            Long bitsPerSecond,
            Long queueBytesMax,
            Integer mtu,
            Long partitionNanos) {

        LinkSpec applyTo(LinkSpec s, long nowNanos) {
            List<LinkSpec.Partition> partitions = new java.util.ArrayList<>(s.partitions());
            if (partitionNanos != null) {
                partitions.add(new LinkSpec.Partition(nowNanos, nowNanos + partitionNanos));
            }
            return new LinkSpec(
                    delayNanos != null ? delayNanos : s.delayNanos(),
                    jitterNanos != null ? jitterNanos : s.jitterNanos(),
                    loss != null ? loss : s.loss(),
                    clearBurst ? null : burst != null ? burst : s.burst(),
                    duplicate != null ? duplicate : s.duplicate(),
                    reorder != null ? reorder : s.reorder(),
                    reorderDelayNanos != null ? reorderDelayNanos : s.reorderDelayNanos(),
                    bitsPerSecond != null ? bitsPerSecond : s.bitsPerSecond(),
                    queueBytesMax != null ? queueBytesMax : s.queueBytesMax(),
                    mtu != null ? mtu : s.mtu(),
                    partitions);
        }
    }
}
