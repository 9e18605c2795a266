package dev.wirelab.engine.device;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Two Devices and an instantaneous wire between them, driven by explicit time: the test decides
 * when datagrams arrive (or that they are lost) and when timers run. Device a is 192.0.2.1:51820
 * with tunnel address 198.51.100.1; b is 192.0.2.2:51821 with 198.51.100.2.
 */
final class DevicePair {
    static final Endpoint ENDPOINT_A = Endpoint.ipv4("192.0.2.1:51820");
    static final Endpoint ENDPOINT_B = Endpoint.ipv4("192.0.2.2:51821");
    static final byte[] TUNNEL_A = {(byte) 198, 51, 100, 1};
    static final byte[] TUNNEL_B = {(byte) 198, 51, 100, 2};
    static final long T0_MONO = 1_000_000_000_000L;
    static final long T0_WALL = 1_700_000_000_000_000_000L;

    final Device a;
    final Device b;
    final PublicKey keyA;
    final PublicKey keyB;
    /** Everything each side emitted, in order, for assertions. */
    final RecordedEffects outA = new RecordedEffects(true);
    final RecordedEffects outB = new RecordedEffects(true);
    /** Datagrams sent and not yet delivered: {from a?, datagram}. */
    private final List<Object[]> inFlight = new ArrayList<>();
    Endpoint sourceOfA = ENDPOINT_A;
    long mono = T0_MONO;

    DevicePair(long seed) {
        this(seed, Profile.REFERENCE);
    }

    DevicePair(long seed, Profile profile) {
        DeterministicEntropy root = new DeterministicEntropy(seed);
        DeterministicEntropy ea = root.split("a");
        DeterministicEntropy eb = root.split("b");
        PrivateKey privateA = PrivateKey.generate(ea);
        PrivateKey privateB = PrivateKey.generate(eb);
        Crypto crypto = Crypto.fastest();
        keyA = crypto.x25519().publicKey(privateA);
        keyB = crypto.x25519().publicKey(privateB);
        a = new Device(profile, Crypto.fastest(), ea);
        b = new Device(profile, Crypto.fastest(), eb);
        a.apply(DeviceEdit.privateKey(privateA), now(), outA);
        b.apply(DeviceEdit.privateKey(privateB), now(), outB);
        a.apply(DeviceEdit.peers(PeerEdit.add(keyB, ENDPOINT_B, Prefix.parse("198.51.100.2/32"))), now(), outA);
        // b starts without an endpoint for a: it learns it from a's first authenticated packet.
        b.apply(DeviceEdit.peers(PeerEdit.add(keyA, null, Prefix.parse("198.51.100.1/32"))), now(), outB);
    }

    Now now() {
        return new Now(mono, T0_WALL + (mono - T0_MONO));
    }

    /** Moves time to {@code monoNanos} without running anything. */
    void at(long monoNanos) {
        if (monoNanos < mono) {
            throw new IllegalArgumentException("time goes forward only");
        }
        mono = monoNanos;
    }

    void advance(long nanos) {
        at(mono + nanos);
    }

    /** Takes what a and b sent since the last call into the wire. */
    private void collect() {
        for (Effect.Send s : drain(outA, lastA)) {
            inFlight.add(new Object[] {true, s});
            sendTimesA.add(mono);
        }
        for (Effect.Send s : drain(outB, lastB)) {
            inFlight.add(new Object[] {false, s});
        }
        lastA = outA.all().size();
        lastB = outB.all().size();
    }

    /** When each of a's datagrams was taken into the wire (a's send time when delivered at once). */
    final List<Long> sendTimesA = new ArrayList<>();
    private int lastA;
    private int lastB;

    private static List<Effect.Send> drain(RecordedEffects out, int from) {
        List<Effect> all = out.all();
        List<Effect.Send> sends = new ArrayList<>();
        for (int i = from; i < all.size(); i++) {
            if (all.get(i) instanceof Effect.Send s) {
                sends.add(s);
            }
        }
        return sends;
    }

    /** Delivers everything in flight, and what that provokes, until the wire is quiet. */
    int deliverAll() {
        int delivered = 0;
        collect();
        while (!inFlight.isEmpty()) {
            Object[] next = inFlight.remove(0);
            boolean fromA = (Boolean) next[0];
            Effect.Send s = (Effect.Send) next[1];
            byte[] d = s.datagram().toByteArray();
            if (fromA) {
                b.onDatagram(now(), sourceOfA, d, 0, d.length, outB);
            } else {
                a.onDatagram(now(), ENDPOINT_B, d, 0, d.length, outA);
            }
            delivered++;
            collect();
        }
        return delivered;
    }

    /** Forgets everything in flight: the wire lost it. */
    int loseAll() {
        collect();
        int n = inFlight.size();
        inFlight.clear();
        return n;
    }

    /** The datagrams in flight right now (after collecting), without delivering them. */
    List<Bytes> peekInFlight(boolean fromA) {
        collect();
        return inFlight.stream().filter(o -> (Boolean) o[0] == fromA).map(o -> ((Effect.Send) o[1]).datagram()).toList();
    }

    /**
     * Runs both devices up to {@code monoNanos}: jumps to each timer deadline in turn, fires it and
     * delivers what it provoked, as a network with no delay would.
     */
    void runUntil(long monoNanos) {
        deliverAll();
        while (true) {
            long next = Math.min(a.nextDeadline(), b.nextDeadline());
            if (next > monoNanos) {
                break;
            }
            at(Math.max(next, mono));
            timers();
            deliverAll();
        }
        at(monoNanos);
    }

    void timers() {
        a.onTimer(now(), outA);
        b.onTimer(now(), outB);
    }

    /** An IPv4 packet from {@code src} to {@code dst} with a payload of {@code payload} bytes of 0x5a. */
    static byte[] ipv4(byte[] src, byte[] dst, int payload) {
        byte[] p = new byte[20 + payload];
        p[0] = 0x45;
        p[2] = (byte) (p.length >>> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += (p[i] & 0xff) << 8 | (p[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        p[10] = (byte) (~sum >>> 8);
        p[11] = (byte) ~sum;
        for (int i = 20; i < p.length; i++) {
            p[i] = 0x5a;
        }
        return p;
    }

    void sendFromA(int payload) {
        byte[] p = ipv4(TUNNEL_A, TUNNEL_B, payload);
        a.onOutbound(now(), p, 0, p.length, outA);
    }

    void sendFromB(int payload) {
        byte[] p = ipv4(TUNNEL_B, TUNNEL_A, payload);
        b.onOutbound(now(), p, 0, p.length, outB);
    }

    /** The message types of datagrams a (or b) sent, in order, e.g. [1, 4, 4]. */
    static List<Integer> types(RecordedEffects out) {
        return out.sent().stream().map(s -> (int) s.datagram().get(0)).toList();
    }
}
