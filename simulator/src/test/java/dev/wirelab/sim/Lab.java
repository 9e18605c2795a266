package dev.wirelab.sim;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Small building blocks for simulation tests: hosts with keys, peers, trace queries. */
final class Lab {
    static final long S = Protocol.SECOND_NANOS;
    static final long MS = 1_000_000L;

    private Lab() {}

    static Host host(Simulation sim, String name, String network, String endpoint, LinkSpec up, LinkSpec down) {
        Host h = sim.addHost(name, network, Endpoint.ipv4(endpoint), up, down, Profile.REFERENCE,
                new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        h.device().apply(DeviceEdit.privateKey(privateKey(sim, name)), h.now(), h.effects());
        return h;
    }

    static Host host(Simulation sim, String name, String network, String endpoint) {
        return host(sim, name, network, endpoint, LinkSpec.ideal(5 * MS), LinkSpec.ideal(5 * MS));
    }

    /** The host's private key: the same every time it is asked for, so a rebooted host gets it back. */
    static PrivateKey privateKey(Simulation sim, String host) {
        return PrivateKey.generate(sim.entropy("key:" + host));
    }

    static PublicKey publicKey(Simulation sim, String host) {
        return Crypto.fastest().x25519().publicKey(privateKey(sim, host));
    }

    /** Makes {@code other} a peer of {@code h}: at {@code endpoint} (null: unknown), owning {@code allowed}. */
    static void peer(Simulation sim, Host h, String other, Endpoint endpoint, String allowed, int persistentKeepaliveSeconds) {
        PeerEdit edit = PeerEdit.add(publicKey(sim, other), endpoint, Prefix.parse(allowed));
        if (persistentKeepaliveSeconds > 0) {
            edit = edit.withPersistentKeepalive(persistentKeepaliveSeconds);
        }
        h.device().apply(DeviceEdit.peers(edit), h.now(), h.effects());
    }

    /** A fresh Device for {@code h} with its key, as after a reboot (the caller adds the peers again). */
    static void reboot(Simulation sim, Host h, String entropyName) {
        Device fresh = new Device(Profile.REFERENCE, Crypto.fastest(), sim.entropy(entropyName));
        fresh.apply(DeviceEdit.privateKey(privateKey(sim, h.name())), h.now(), h.effects());
        h.replaceDevice(fresh);
    }

    static List<Trace.Record> records(Simulation sim, String at, String kind) {
        return sim.trace().ofKind(kind).stream().filter(r -> r.at().equals(at)).toList();
    }

    static List<Trace.Record> records(Simulation sim, String at, String kind, Predicate<Trace.Record> filter) {
        return records(sim, at, kind).stream().filter(filter).toList();
    }

    /** Drop reasons recorded at {@code host}, counted. */
    static Map<String, Integer> dropReasons(Simulation sim, String host) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Trace.Record r : records(sim, host, "wg.drop")) {
            counts.merge(r.string("reason"), 1, Integer::sum);
        }
        return counts;
    }

    /** The sequence numbers of echo replies {@code host}'s pinger received, in order. */
    static List<Integer> replies(Simulation sim, String host) {
        List<Integer> seqs = new ArrayList<>();
        for (Trace.Record r : records(sim, host, "ping.reply")) {
            seqs.add(((Number) r.get("seq")).intValue());
        }
        return seqs;
    }

    static long number(Trace.Record r, String field) {
        return ((Number) r.get(field)).longValue();
    }

    /** The index of the first record after {@code from} at {@code at} whose kind starts with {@code prefix}, or -1. */
    static int nextIndex(List<Trace.Record> all, int from, String at, String prefix) {
        for (int i = from + 1; i < all.size(); i++) {
            if (all.get(i).at().equals(at) && all.get(i).kind().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** alice (192.0.2.1, tunnel 10.0.0.1) knows bob's endpoint; bob (192.0.2.2, 10.0.0.2) answers pings. */
    static Simulation pair(long seed, LinkSpec aliceUp, LinkSpec bobUp) {
        Simulation sim = new Simulation(seed, true);
        Host alice = host(sim, "alice", "internet", "192.0.2.1:51820", aliceUp, LinkSpec.ideal(5 * MS));
        Host bob = host(sim, "bob", "internet", "192.0.2.2:51820", bobUp, LinkSpec.ideal(5 * MS));
        peer(sim, alice, "bob", bob.endpoint(), "10.0.0.2/32", 0);
        peer(sim, bob, "alice", null, "10.0.0.1/32", 0);
        Ping.respond(bob, BOB_TUNNEL);
        return sim;
    }

    static final byte[] ALICE_TUNNEL = {10, 0, 0, 1};
    static final byte[] BOB_TUNNEL = {10, 0, 0, 2};
}
