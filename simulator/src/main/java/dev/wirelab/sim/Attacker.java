package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;

/**
 * A machine on a network segment that does not follow the protocol: it has an address of its own
 * and may put anything on the wire from any source address (the segments do no ingress filtering),
 * and it may sit on a link to watch or alter what crosses it. Its randomness is split from the
 * simulation's root seed by its name, and again per behaviour, so adding one attack does not change
 * another.
 *
 * <p>Behaviours: {@link #record} then replay ({@link Replay}), {@link #handshakeFlood},
 * {@link #flipBits}, {@link #garbage} and {@link #portScan}. Every datagram it puts on the wire is
 * a trace record "attack.&lt;behaviour&gt;" with the datagram's id, source and destination; whatever
 * reaches its own address is "attack.recv", so a check can say that nobody answered it.
 */
public final class Attacker implements Receiver {
    /** Where a re-injected datagram claims to come from. */
    public enum Source {
        /** The attacker's own address: any answer would come back to it. */
        OWN,
        /** The source of the original datagram: answers, if any, go to the victim. */
        SPOOFED
    }

    private final String name;
    private final EventQueue events;
    private final Trace trace;
    private final DeterministicEntropy entropy;
    private final Endpoint endpoint;
    private final Crypto crypto = Crypto.fastest();
    private Link uplink;

    Attacker(String name, EventQueue events, Trace trace, DeterministicEntropy entropy, Endpoint endpoint) {
        this.name = name;
        this.events = events;
        this.trace = trace;
        this.entropy = entropy;
        this.endpoint = endpoint;
    }

    void attach(Link uplink) {
        this.uplink = uplink;
    }

    public String name() {
        return name;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    EventQueue events() {
        return events;
    }

    Trace trace() {
        return trace;
    }

    /** Randomness for one behaviour of this attacker, independent of the others. */
    DeterministicEntropy entropy(String behaviour) {
        return entropy.split(behaviour);
    }

    @Override
    public void receive(Datagram d) {
        trace.record(name, "attack.recv", "id", d.id(), "src", d.source().toString(), "dst", d.destination().toString(),
                "len", d.payload().length());
    }

    /**
     * Puts a datagram on the wire now, through this attacker's uplink, and records it as
     * "attack.{@code behaviour}" with {@code fields} after id, src, dst and len.
     */
    Datagram inject(String behaviour, Endpoint source, Endpoint destination, Bytes payload, long copyOf, Object... fields) {
        Datagram d = new Datagram(events.nextDatagramId(), source, destination, payload, copyOf);
        Object[] all = new Object[8 + fields.length];
        all[0] = "id";
        all[1] = d.id();
        all[2] = "src";
        all[3] = source.toString();
        all[4] = "dst";
        all[5] = destination.toString();
        all[6] = "len";
        all[7] = payload.length();
        System.arraycopy(fields, 0, all, 8, fields.length);
        trace.record(name, "attack." + behaviour, all);
        uplink.transmit(d);
        return d;
    }

    // ---------------------------------------------------------------- replay

    /** Starts recording every datagram put on {@code link}, for replays at chosen times. */
    public Replay record(Link link) {
        Replay replay = new Replay(this, link.name(), entropy("replay:" + link.name()));
        link.addTap(replay::observe);
        return replay;
    }

    // ---------------------------------------------------------------- handshake flood

    /**
     * From {@code startNanos} for {@code durationNanos}, {@code perSecond} handshake initiations to
     * {@code target}, each from a random address in {@code spoofedSources} and a random port (1024 and
     * up), with a valid mac1 for {@code targetKey} (anyone who knows a public key can compute it) and
     * random bytes where the ephemeral, static and timestamp go. They cost the attacker one MAC
     * each: not under load, the target spends a Diffie-Hellman on each before it finds them bogus;
     * under load it answers each with a cookie reply, which goes to the spoofed source.
     * Records "attack.flood".
     */
    public void handshakeFlood(Endpoint target, PublicKey targetKey, Prefix spoofedSources, long startNanos, long durationNanos,
            long perSecond) {
        if (perSecond <= 0 || perSecond > Protocol.SECOND_NANOS || durationNanos < 0) {
            throw new IllegalArgumentException("a flood sends 1 to 10^9 initiations per second for a non-negative time");
        }
        if (spoofedSources.isIpv4() != (target.address().length() == 4)) {
            throw new IllegalArgumentException("spoofed sources " + spoofedSources + " and target " + target + " differ in IP version");
        }
        DeterministicEntropy random = entropy("flood:" + target + "@" + startNanos);
        byte[] mac1Key = crypto.blake2s().hash(Protocol.LABEL_MAC1, targetKey.bytes());
        long count = Math.multiplyExact(durationNanos, perSecond) / Protocol.SECOND_NANOS;
        floodStep(target, mac1Key, spoofedSources, random, startNanos, perSecond, 0, count);
    }

    private void floodStep(Endpoint target, byte[] mac1Key, Prefix sources, DeterministicEntropy random, long startNanos, long perSecond,
            long sent, long count) {
        if (sent >= count) {
            return;
        }
        // The i-th at start + i/rate exactly, so the rate does not drift with rounding.
        events.at(startNanos + sent * Protocol.SECOND_NANOS / perSecond, () -> {
            byte[] m = new byte[Protocol.INITIATION_LENGTH];
            MessageCodec.writeInt(m, 0, Protocol.MESSAGE_INITIATION);
            byte[] body = new byte[Initiation.OFFSET_MAC1 - Initiation.OFFSET_SENDER];
            random.nextBytes(body);
            System.arraycopy(body, 0, m, Initiation.OFFSET_SENDER, body.length);
            byte[] mac1 = crypto.blake2s().mac(mac1Key, java.util.Arrays.copyOf(m, Initiation.OFFSET_MAC1));
            System.arraycopy(mac1, 0, m, Initiation.OFFSET_MAC1, mac1.length);
            Endpoint source = new Endpoint(randomAddress(sources, random), 1024 + (int) random.nextLong(65536 - 1024));
            inject("flood", source, target, Bytes.wrap(m), 0);
            floodStep(target, mac1Key, sources, random, startNanos, perSecond, sent + 1, count);
        });
    }

    /** A uniformly random address inside {@code prefix}. */
    private static Bytes randomAddress(Prefix prefix, DeterministicEntropy random) {
        byte[] a = prefix.address().toByteArray();
        byte[] r = new byte[a.length];
        random.nextBytes(r);
        for (int i = 0; i < a.length; i++) {
            int fixedBits = Math.clamp(prefix.cidr() - 8L * i, 0, 8);
            int mask = 0xff >>> fixedBits; // the host bits of this byte
            a[i] = (byte) ((a[i] & ~mask) | (r[i] & mask));
        }
        return Bytes.wrap(a);
    }

    // ---------------------------------------------------------------- bit flips

    /**
     * Sits on {@code link} and flips one uniformly chosen bit of a datagram's payload with exactly
     * the probability {@code perDatagram}. The datagram keeps its id, so the trace follows it to the
     * receiver; each flip is recorded as "attack.bitflip" with the byte and bit it hit and the
     * message type the datagram had.
     */
    public void flipBits(Link link, Ratio perDatagram) {
        DeterministicEntropy random = entropy("bitflip:" + link.name());
        link.addTap(d -> {
            if (d.payload().length() == 0 || !perDatagram.draw(random)) {
                return d;
            }
            byte[] p = d.payload().toByteArray();
            int bit = (int) random.nextLong(8L * p.length);
            int type = p[0] & 0xff;
            p[bit / 8] ^= (byte) (1 << (bit % 8));
            trace.record(name, "attack.bitflip", "id", d.id(), "link", link.name(), "byte", bit / 8, "bit", bit % 8, "type", type);
            return new Datagram(d.id(), d.source(), d.destination(), Bytes.wrap(p), d.copyOf());
        });
    }

    // ---------------------------------------------------------------- garbage and scans

    /**
     * {@code count} datagrams of random bytes to {@code target}, one every {@code intervalNanos} from
     * {@code startNanos}, from {@code source} (this attacker's endpoint, or any other it spoofs).
     * Lengths are uniform in [0, lengthMax]; half of them start with a well-formed header of a
     * random message type (1 to 4, reserved bytes zero), so they get past the type check into the
     * length checks and the parsers behind them. Records "attack.garbage".
     */
    public void garbage(Endpoint source, Endpoint target, long startNanos, long intervalNanos, int count, int lengthMax) {
        if (count < 0 || intervalNanos < 0 || lengthMax < 0 || lengthMax > 65507) {
            throw new IllegalArgumentException("garbage: count and interval non-negative, lengthMax 0..65507 (the UDP maximum)");
        }
        DeterministicEntropy random = entropy("garbage:" + target + "@" + startNanos);
        for (int i = 0; i < count; i++) {
            events.at(startNanos + i * intervalNanos, () -> {
                byte[] p = new byte[(int) random.nextLong(lengthMax + 1L)];
                random.nextBytes(p);
                if (p.length >= 4 && random.nextLong(2) == 0) {
                    MessageCodec.writeInt(p, 0, 1 + (int) random.nextLong(4));
                }
                inject("garbage", source, target, Bytes.wrap(p), 0);
            });
        }
    }

    /** {@link #garbage(Endpoint, Endpoint, long, long, int, int)} from this attacker's own endpoint. */
    public void garbage(Endpoint target, long startNanos, long intervalNanos, int count, int lengthMax) {
        garbage(endpoint, target, startNanos, intervalNanos, count, lengthMax);
    }

    /**
     * Sends {@code probe} to every port from {@code firstPort} to {@code lastPort} of
     * {@code address}, one every {@code intervalNanos} from {@code startNanos}, from this attacker's
     * endpoint. Records "attack.scan" with the port.
     */
    public void portScan(Bytes address, int firstPort, int lastPort, long startNanos, long intervalNanos, Bytes probe) {
        if (firstPort < 0 || lastPort > 0xffff || firstPort > lastPort || intervalNanos < 0) {
            throw new IllegalArgumentException("port scan: 0 <= firstPort <= lastPort <= 65535, interval non-negative");
        }
        for (int port = firstPort; port <= lastPort; port++) {
            int p = port;
            events.at(startNanos + (long) (port - firstPort) * intervalNanos,
                    () -> inject("scan", endpoint, new Endpoint(address, p), probe, 0, "port", p));
        }
    }
}
