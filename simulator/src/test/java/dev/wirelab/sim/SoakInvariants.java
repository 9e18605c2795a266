package dev.wirelab.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.Peer;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.transport.Keypair;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The soak's invariants, checked while the simulation runs rather than over a kept trace (a day of
 * 100 peers would not fit in memory). It watches three things the simulator already exposes: the
 * trace lines as they are written, every datagram at a host's interface ({@link Wiretap}), and the
 * Devices' state, scanned every simulated second. Nothing here changes the simulation.
 *
 * <ul>
 *   <li>Delivery: an inner packet is delivered at most once, only to the host it was addressed to,
 *       byte for byte as its sender made it, and only if some host sent it.
 *   <li>Keypair age: no transport message leaves a host on a keypair, and no transport message is
 *       accepted on one, more than REJECT_AFTER_TIME after that keypair's session was derived (the
 *       "wg.session" record at that host with that local index).
 *   <li>Key zeroing: every keypair a Device holds is destroyed, its keys zeroed, once it leaves its
 *       slots, and at the latest 3 x REJECT_AFTER_TIME after the newest session its peer derived
 *       (whitepaper §6.3, kernel timers.c: the zero-key-material timer restarts with each session;
 *       a keypair older than that is past REJECT_AFTER_TIME and unusable anyway).
 *   <li>Counters: each peer's tx_bytes equals the bytes of the datagrams its host put on the wire
 *       for it, and rx_bytes the bytes of the datagrams from it that authenticated (initiations the
 *       host answered, responses that completed a session, transport messages it accepted).
 * </ul>
 */
final class SoakInvariants implements Wiretap {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VIOLATIONS_KEPT = 20;

    /** What the books say about one Peer object (a removed and re-added peer is a new object). */
    private static final class Books {
        long txBytes;
        long rxBytes;
        long lastSessionNanos = -1;
    }

    /** A keypair seen in a slot: whose it is and when its session was derived. */
    private record Tracked(Host host, Peer peer, long createdNanos) {}

    private final Simulation sim;
    /** Host name + local index -> when the latest session with that index was derived there. */
    private final Map<String, Long> sessions = new HashMap<>();
    private final IdentityHashMap<Peer, Books> books = new IdentityHashMap<>();
    private final IdentityHashMap<Keypair, Tracked> keypairs = new IdentityHashMap<>();
    /** The datagram each host is processing now: trace lines that follow belong to it. */
    private final Map<String, Datagram> processing = new HashMap<>();
    private final Map<String, Host> hostsByName;
    private final List<String> violations = new ArrayList<>();
    private long violationCount;

    // Inner packets: ids are 0, 1, 2, ... in sending order.
    private final List<byte[]> sentPackets = new ArrayList<>();
    private final Map<Long, Host> sentTo = new HashMap<>();
    private final BitSet delivered = new BitSet();
    private long deliveries;

    // Figures for the report.
    long checks;
    long sessionsDerived;
    long keypairsZeroed;
    long transportChecked;
    long maxAgeAtUseNanos;
    long maxLifetimeNanos;

    SoakInvariants(Simulation sim) {
        this.sim = sim;
        this.hostsByName = sim.hosts();
        sim.trace().streamTo(this::traceLine);
        sim.addWiretap(this);
        for (Host h : sim.hosts().values()) {
            h.onTunnel(packet -> delivered(h, packet));
        }
    }

    // ---------------------------------------------------------------- inner packets

    /** Registers an inner packet {@code host} is about to send to {@code to}; returns its id. */
    long sending(byte[] packet, Host to) {
        long id = sentPackets.size();
        sentPackets.add(packet);
        sentTo.put(id, to);
        return id;
    }

    private void delivered(Host at, byte[] packet) {
        checks++;
        long id = SoakTraffic.id(packet);
        if (id < 0 || id >= sentPackets.size()) {
            violation(at.name() + " delivered a packet nobody sent: id " + id);
            return;
        }
        if (delivered.get((int) id)) {
            violation(at.name() + " delivered packet " + id + " a second time");
            return;
        }
        delivered.set((int) id);
        deliveries++;
        if (sentTo.remove(id) != at) {
            violation("packet " + id + " was delivered at " + at.name() + ", not where it was sent");
        }
        if (!java.util.Arrays.equals(sentPackets.get((int) id), packet)) {
            violation("packet " + id + " arrived at " + at.name() + " changed");
        }
        sentPackets.set((int) id, null); // only its id matters from now on
    }

    long packetsSent() {
        return sentPackets.size();
    }

    long deliveries() {
        return deliveries;
    }

    boolean wasDelivered(long id) {
        return delivered.get((int) id);
    }

    // ---------------------------------------------------------------- trace lines

    private void traceLine(String line) {
        // Cheap filter first: only three kinds matter and most lines are of others.
        if (!(line.contains("\"kind\":\"wg.session\"") || line.contains("\"kind\":\"wg.data-received\"")
                || line.contains("\"kind\":\"wg.response-sent\""))) {
            return;
        }
        JsonNode r;
        try {
            r = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            violation("unreadable trace line " + line);
            return;
        }
        long t = r.get("t").asLong();
        String at = r.get("at").asText();
        Host host = hostsByName.get(at);
        Peer peer = host.device().peer(PublicKey.fromBase64(r.get("peer").asText()));
        if (peer == null) {
            violation(at + " traced " + line + " for a peer it does not have");
            return;
        }
        Books b = books(peer);
        Datagram d = processing.get(at);
        switch (r.get("kind").asText()) {
            case "wg.session" -> {
                sessionsDerived++;
                sessions.put(at + ":" + r.get("index").asText(), t);
                b.lastSessionNanos = t;
                if (r.get("initiator").asBoolean()) {
                    // The initiator derives its session from the response it is processing.
                    b.rxBytes += expect(d, Protocol.MESSAGE_RESPONSE, line);
                }
            }
            case "wg.response-sent" -> b.rxBytes += expect(d, Protocol.MESSAGE_INITIATION, line);
            case "wg.data-received" -> {
                b.rxBytes += expect(d, Protocol.MESSAGE_TRANSPORT_DATA, line);
                if (d != null) {
                    int receiver = MessageCodec.readInt(d.payload().toByteArray(), 4);
                    checkAge(at, receiver, t, "accepted");
                }
            }
            default -> throw new IllegalStateException("filtered above: " + line);
        }
    }

    /** The length of {@code d}, which must be a message of {@code type} being processed. */
    private int expect(Datagram d, int type, String line) {
        checks++;
        if (d == null || d.payload().get(0) != type) {
            violation(line + " did not follow a datagram of type " + type + ": " + d);
            return 0;
        }
        return d.payload().length();
    }

    /** A transport message used keypair {@code host:localIndex} at {@code t}: within REJECT_AFTER_TIME of its session? */
    private void checkAge(String host, int localIndex, long t, String how) {
        checks++;
        transportChecked++;
        Long created = sessions.get(host + ":" + Integer.toUnsignedString(localIndex));
        if (created == null) {
            violation(host + " " + how + " a transport message on index " + Integer.toUnsignedString(localIndex)
                    + " that no session created");
            return;
        }
        long age = t - created;
        maxAgeAtUseNanos = Math.max(maxAgeAtUseNanos, age);
        if (age >= Protocol.REJECT_AFTER_TIME_NANOS) { // expired at exactly 180 s, as in the kernel
            violation(host + " " + how + " a transport message at " + seconds(t) + " on a keypair derived at "
                    + seconds(created) + ": " + seconds(age) + " old, past REJECT_AFTER_TIME");
        }
    }

    // ---------------------------------------------------------------- the wire

    @Override
    public void arrived(Host host, Datagram datagram, long timeNanos) {
        processing.put(host.name(), datagram);
    }

    @Override
    public void departed(Host host, Datagram d, long timeNanos) {
        int type = d.payload().get(0);
        if (type == Protocol.MESSAGE_COOKIE_REPLY) {
            return; // goes to whoever asked, belongs to no peer
        }
        checks++;
        Peer peer = null;
        for (Peer p : host.device().peers()) {
            if (d.destination().equals(p.endpoint())) {
                peer = p;
                break;
            }
        }
        if (peer == null) {
            violation(host.name() + " sent a type " + type + " datagram to " + d.destination() + ", no peer's endpoint");
            return;
        }
        books(peer).txBytes += d.payload().length();
        observe(host, peer);
        if (type == Protocol.MESSAGE_TRANSPORT_DATA) {
            int receiver = MessageCodec.readInt(d.payload().toByteArray(), 4);
            Keypair used = null;
            for (Keypair k : slots(peer)) {
                if (k != null && k.remoteIndex() == receiver) {
                    used = k;
                }
            }
            if (used == null) {
                violation(host.name() + " sent transport data for index " + Integer.toUnsignedString(receiver)
                        + " that none of its keypairs for " + peer + " has");
                return;
            }
            checkAge(host.name(), used.localIndex(), timeNanos, "sent");
        }
    }

    // ---------------------------------------------------------------- device state

    /**
     * Checks every host's Devices now: counters against the books, keypairs in slots against their
     * sessions, and every keypair seen so far destroyed once gone or due.
     */
    void scan(long now) {
        for (Host host : hostsByName.values()) {
            for (Peer peer : host.device().peers()) {
                observe(host, peer);
                Books b = books(peer);
                checks += 2;
                if (peer.txBytes() != b.txBytes) {
                    violation(host.name() + " counts tx_bytes " + peer.txBytes() + " for " + peer + ", the wire " + b.txBytes);
                }
                if (peer.rxBytes() != b.rxBytes) {
                    violation(host.name() + " counts rx_bytes " + peer.rxBytes() + " for " + peer
                            + ", authenticated datagrams " + b.rxBytes);
                }
            }
        }
        for (Iterator<Map.Entry<Keypair, Tracked>> it = keypairs.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Keypair, Tracked> e = it.next();
            Keypair k = e.getKey();
            Tracked t = e.getValue();
            checks++;
            if (k.isDestroyed()) {
                keypairsZeroed++;
                maxLifetimeNanos = Math.max(maxLifetimeNanos, now - t.createdNanos());
                it.remove();
                continue;
            }
            boolean held = t.host().device().peer(t.peer().publicKey()) == t.peer() && slots(t.peer()).contains(k);
            if (!held) {
                violation(t.host().name() + " let go of " + k + " (derived at " + seconds(t.createdNanos())
                        + ") without zeroing it, at " + seconds(now));
                it.remove();
                continue;
            }
            long due = books(t.peer()).lastSessionNanos + 3 * Protocol.REJECT_AFTER_TIME_NANOS;
            if (now > due) {
                violation(t.host().name() + " still holds " + k + " of " + t.peer() + " at " + seconds(now)
                        + ": its key material was due to be zeroed at " + seconds(due));
                it.remove();
            }
        }
    }

    /** Starts tracking the keypairs in {@code peer}'s slots it has not seen before. */
    private void observe(Host host, Peer peer) {
        for (Keypair k : slots(peer)) {
            if (k == null || keypairs.containsKey(k) || k.isDestroyed()) {
                continue;
            }
            checks++;
            Long created = sessions.get(host.name() + ":" + Integer.toUnsignedString(k.localIndex()));
            if (created == null || created != k.birthMonoNanos()) {
                violation(host.name() + " holds " + k + " born at " + seconds(k.birthMonoNanos())
                        + " but traced its session at " + (created == null ? "no time" : seconds(created)));
                continue;
            }
            keypairs.put(k, new Tracked(host, peer, created));
        }
    }

    private static List<Keypair> slots(Peer peer) {
        List<Keypair> s = new ArrayList<>(3);
        s.add(peer.keypairs().current());
        s.add(peer.keypairs().previous());
        s.add(peer.keypairs().next());
        return s;
    }

    private Books books(Peer peer) {
        return books.computeIfAbsent(peer, p -> new Books());
    }

    /** Forgets the books of peers no Device holds any more (removed, or replaced by a key change). */
    void forgetRemovedPeers() {
        books.keySet().removeIf(p -> hostsByName.values().stream().noneMatch(h -> h.device().peer(p.publicKey()) == p));
    }

    long keypairsHeld() {
        return keypairs.size();
    }

    // ---------------------------------------------------------------- violations

    private void violation(String what) {
        violationCount++;
        if (violations.size() < VIOLATIONS_KEPT) {
            violations.add("t=" + seconds(sim.events().now()) + ": " + what);
        }
    }

    long violationCount() {
        return violationCount;
    }

    List<String> violations() {
        return violations;
    }

    static String seconds(long nanos) {
        return String.format("%.3fs", nanos / 1e9);
    }
}
