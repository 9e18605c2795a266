package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import java.util.ArrayList;
import java.util.List;

/**
 * A long run of one hub and many spokes under churn, with {@link SoakInvariants} watching: the
 * workload of the soak tests.
 *
 * <ul>
 *   <li>Network: hub 192.0.2.1:51820 (tunnel 10.0.0.1); spoke i at 198.51.100.i:51820 (tunnel
 *       10.1.0.i), one in four with a persistent keepalive of 25 s. Every link loses 1% of datagrams
 *       independently and jitters by up to 5 ms, so datagrams also overtake each other.
 *   <li>Traffic: each spoke goes through phases of 1 to 20 minutes, drawn at random. Active, it
 *       sends the hub a request every 1 to 40 s and the hub answers each one it gets; the hub also
 *       pushes a packet to it every 30 to 300 s. Quiet, only the hub pushes: the hub is then mostly
 *       the responder of the session and sends on keypairs that age towards REJECT_AFTER_TIME, and
 *       becomes the initiator when its session has lapsed. Silent, nobody sends (but a persistent
 *       keepalive), so the session's key material must be zeroed after 3 x REJECT_AFTER_TIME.
 *   <li>Churn, one event every 10 to 110 s on a random spoke: it roams to a new address and port
 *       (40%); the hub removes it and adds it back 1 to 150 s later (25%); it changes its private
 *       key and the hub swaps the old public key for the new one (25%); or the hub changes its own
 *       private key and every spoke learns the new public key (10%).
 * </ul>
 * Everything is drawn from the seed: a failure reproduces with the seed the test prints.
 */
final class Soak {
    static final long S = Protocol.SECOND_NANOS;
    private static final byte[] HUB_TUNNEL = {10, 0, 0, 1};

    /** What a run did, for the report. */
    record Result(long seed, int spokes, double simulatedHours, double wallSeconds, long events, long traceRecords,
            long packetsSent, long deliveries, long sessions, long keypairsZeroed, long keypairsHeldAtEnd,
            long transportChecked, double maxAgeAtUseSeconds, double maxKeypairLifetimeSeconds, long checks,
            int roams, int removals, int spokeKeyChanges, int hubKeyChanges, long violations, List<String> firstViolations,
            List<String> quietSpokes) {
        String report() {
            return String.format(
                    "soak: seed %d, %d spokes, %.1f simulated h in %.1f s wall: %d events, %d trace records; inner packets"
                            + " sent %d, delivered %d (%.1f%%), duplicates and forgeries counted as violations; %d sessions,"
                            + " %d keypairs zeroed (%d still held at the end), %d transport messages age-checked (oldest keypair"
                            + " used: %.3f s), longest keypair life %.1f s; churn: %d roams, %d peer removals, %d spoke key"
                            + " changes, %d hub key changes; %d invariant checks, %d violations",
                    seed, spokes, simulatedHours, wallSeconds, events, traceRecords, packetsSent, deliveries,
                    100.0 * deliveries / Math.max(1, packetsSent), sessions, keypairsZeroed, keypairsHeldAtEnd,
                    transportChecked, maxAgeAtUseSeconds, maxKeypairLifetimeSeconds, roams, removals, spokeKeyChanges,
                    hubKeyChanges, checks, violations);
        }
    }

    private final Simulation sim;
    private final int spokes;
    private final long durationNanos;
    private final Host hub;
    private final List<Host> spokeHosts = new ArrayList<>();
    private final SoakInvariants invariants;
    private final DeterministicEntropy churn;
    private final boolean[] removed;
    private enum Phase { ACTIVE, QUIET, SILENT }
    private final Phase[] phase;
    private int keyGeneration;
    private PrivateKey hubKey;
    private final PrivateKey[] spokeKeys;
    private int roams;
    private int removals;
    private int spokeKeyChanges;
    private int hubKeyChanges;
    /** Per spoke: ids of its requests sent from {@link #lateFrom()} on (liveness at the end). */
    private final List<List<Long>> lateRequests = new ArrayList<>();

    Soak(long seed, int spokes, long durationNanos) {
        this.sim = new Simulation(seed, false);
        this.spokes = spokes;
        this.durationNanos = durationNanos;
        this.churn = sim.entropy("soak:churn");
        this.removed = new boolean[spokes + 1];
        this.phase = new Phase[spokes + 1];
        this.spokeKeys = new PrivateKey[spokes + 1];
        LinkSpec lossy = new LinkSpec(10 * Lab.MS, 5 * Lab.MS, new Ratio(1, 100), null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0,
                List.of());
        hub = sim.addHost("hub", "internet", Endpoint.ipv4("192.0.2.1:51820"), lossy, lossy, Profile.REFERENCE,
                new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        hubKey = newKey("hub");
        hub.configure(DeviceEdit.privateKey(hubKey));
        for (int i = 1; i <= spokes; i++) {
            Host s = sim.addHost("spoke" + i, "internet", homeEndpoint(i, 51820), lossy, lossy, Profile.REFERENCE,
                    new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
            spokeKeys[i] = newKey("spoke" + i);
            s.configure(DeviceEdit.privateKey(spokeKeys[i]));
            spokeHosts.add(s);
            lateRequests.add(new ArrayList<>());
        }
        // Watching before the peers exist: a persistent keepalive sends as soon as it is configured.
        invariants = new SoakInvariants(sim);
        for (int i = 1; i <= spokes; i++) {
            addSpokeAtHub(i);
            addHubAtSpoke(i);
        }
        for (int i = 1; i <= spokes; i++) {
            int spoke = i;
            DeterministicEntropy traffic = sim.entropy("soak:traffic:" + i);
            sim.events().at(between(traffic, 1, 40), () -> request(spoke, traffic));
            DeterministicEntropy push = sim.entropy("soak:push:" + i);
            sim.events().at(between(push, 30, 300), () -> push(spoke, push));
            DeterministicEntropy phases = sim.entropy("soak:phase:" + i);
            phase[i] = Phase.ACTIVE;
            sim.events().at(between(phases, 60, 1200), () -> nextPhase(spoke, phases));
        }
        hub.onTunnel(this::answer);
        sim.events().at(between(churn, 10, 110), this::churnOnce);
        sim.events().at(S, this::scanEverySecond);
    }

    private static long between(DeterministicEntropy e, long fromSeconds, long toSeconds) {
        return fromSeconds * S + e.nextLong((toSeconds - fromSeconds) * S);
    }

    private long later(DeterministicEntropy e, long fromSeconds, long toSeconds) {
        return sim.events().now() + between(e, fromSeconds, toSeconds);
    }

    private PrivateKey newKey(String who) {
        return PrivateKey.generate(sim.entropy("soak:key:" + who + ":" + keyGeneration++));
    }

    private static PublicKey publicKey(PrivateKey key) {
        return Crypto.fastest().x25519().publicKey(key);
    }

    private static Endpoint homeEndpoint(int spoke, int port) {
        return new Endpoint(Bytes.of(new byte[] {(byte) 198, 51, 100, (byte) spoke}), port);
    }

    private static byte[] tunnel(int spoke) {
        return new byte[] {10, 1, 0, (byte) spoke};
    }

    private Host spoke(int i) {
        return spokeHosts.get(i - 1);
    }

    private void addSpokeAtHub(int i) {
        hub.configure(DeviceEdit.peers(PeerEdit.add(publicKey(spokeKeys[i]), null, Prefix.of(tunnel(i), 32))));
    }

    private void addHubAtSpoke(int i) {
        PeerEdit edit = PeerEdit.add(publicKey(hubKey), hub.endpoint(), Prefix.of(HUB_TUNNEL, 32));
        spoke(i).configure(DeviceEdit.peers(i % 4 == 0 ? edit.withPersistentKeepalive(25) : edit));
    }

    // ---------------------------------------------------------------- traffic

    private void send(Host from, byte[] source, Host to, byte[] destination) {
        long id = invariants.packetsSent();
        byte[] packet = SoakTraffic.packet(source, destination, id);
        invariants.sending(packet, to);
        from.sendTunnel(packet);
    }

    private void request(int i, DeterministicEntropy traffic) {
        if (phase[i] == Phase.ACTIVE) {
            if (sim.events().now() >= lateFrom()) {
                lateRequests.get(i - 1).add(invariants.packetsSent());
            }
            send(spoke(i), tunnel(i), hub, HUB_TUNNEL);
        }
        sim.events().at(later(traffic, 1, 40), () -> request(i, traffic));
    }

    private void push(int i, DeterministicEntropy push) {
        if (phase[i] != Phase.SILENT) {
            send(hub, HUB_TUNNEL, spoke(i), tunnel(i));
        }
        sim.events().at(later(push, 30, 300), () -> push(i, push));
    }

    /** The last 15 minutes (or quarter, if shorter) of the run: its requests show the spokes are still connected. */
    private long lateFrom() {
        return Math.max(durationNanos * 3 / 4, durationNanos - 15 * 60 * S);
    }

    /** Phases last 1 to 20 minutes; they are all active from 20 minutes before the liveness window. */
    private void nextPhase(int i, DeterministicEntropy phases) {
        Phase[] all = Phase.values();
        phase[i] = sim.events().now() >= lateFrom() - 20 * 60 * S ? Phase.ACTIVE : all[(int) phases.nextLong(all.length)];
        sim.events().at(later(phases, 60, 1200), () -> nextPhase(i, phases));
    }

    /** The hub answers each request, as its own event (a reply is not sent from inside a delivery). */
    private void answer(byte[] packet) {
        if (SoakTraffic.id(packet) < 0 || packet[12] != 10 || packet[13] != 1) {
            return;
        }
        int i = packet[15] & 0xff;
        sim.events().after(0, () -> send(hub, HUB_TUNNEL, spoke(i), tunnel(i)));
    }

    // ---------------------------------------------------------------- churn

    private void churnOnce() {
        int i = 1 + (int) churn.nextLong(spokes);
        long action = churn.nextLong(100);
        if (removed[i]) {
            action = 0; // while the hub has forgotten it, a spoke may still roam
        }
        if (action < 40) {
            roams++;
            Endpoint to = churn.nextLong(2) == 0
                    ? homeEndpoint(i, 1024 + (int) churn.nextLong(64512))
                    : new Endpoint(Bytes.of(new byte[] {(byte) 203, 0, 113, (byte) i}), 1024 + (int) churn.nextLong(64512));
            sim.moveHost("spoke" + i, "internet", to);
        } else if (action < 65) {
            removals++;
            removed[i] = true;
            hub.configure(DeviceEdit.peers(PeerEdit.removal(publicKey(spokeKeys[i]))));
            sim.events().at(later(churn, 1, 150), () -> {
                removed[i] = false;
                addSpokeAtHub(i);
            });
        } else if (action < 90) {
            spokeKeyChanges++;
            PublicKey old = publicKey(spokeKeys[i]);
            spokeKeys[i] = newKey("spoke" + i);
            spoke(i).configure(DeviceEdit.privateKey(spokeKeys[i]));
            hub.configure(DeviceEdit.peers(PeerEdit.removal(old)));
            addSpokeAtHub(i);
        } else {
            hubKeyChanges++;
            PublicKey old = publicKey(hubKey);
            hubKey = newKey("hub");
            hub.configure(DeviceEdit.privateKey(hubKey));
            for (int s = 1; s <= spokes; s++) {
                spoke(s).configure(DeviceEdit.peers(PeerEdit.removal(old)));
                addHubAtSpoke(s);
            }
        }
        sim.events().at(later(churn, 10, 110), this::churnOnce);
    }

    private void scanEverySecond() {
        invariants.scan(sim.events().now());
        if (sim.events().now() % (60 * S) == 0) {
            invariants.forgetRemovedPeers();
        }
        sim.events().after(S, this::scanEverySecond);
    }

    // ---------------------------------------------------------------- run

    Result run() {
        long wallStart = System.nanoTime();
        sim.runUntil(durationNanos);
        invariants.scan(durationNanos);
        double wall = (System.nanoTime() - wallStart) / 1e9;
        // Liveness: churn interrupts a spoke for at most a removal (150 s), so each one the hub still
        // knows got some request through in the last 15 minutes, which it spent active.
        List<String> quiet = new ArrayList<>();
        for (int i = 1; i <= spokes; i++) {
            List<Long> late = lateRequests.get(i - 1);
            if (!removed[i] && late.stream().noneMatch(invariants::wasDelivered)) {
                quiet.add("spoke" + i + " (" + late.size() + " requests, none delivered)");
            }
        }
        return new Result(sim.seed(), spokes, durationNanos / 3600e9, wall, sim.events().executed(), sim.trace().count(),
                invariants.packetsSent(), invariants.deliveries(), invariants.sessionsDerived, invariants.keypairsZeroed,
                invariants.keypairsHeld(), invariants.transportChecked, invariants.maxAgeAtUseNanos / 1e9,
                invariants.maxLifetimeNanos / 1e9, invariants.checks, roams, removals, spokeKeyChanges, hubKeyChanges,
                invariants.violationCount(), invariants.violations(), quiet);
    }
}
