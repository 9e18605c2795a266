package dev.wirelab.sim.capture;

import dev.wirelab.capture.PcapWriter;
import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.sim.Datagram;
import dev.wirelab.sim.Host;
import dev.wirelab.sim.Simulation;
import dev.wirelab.sim.Wiretap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A packet capture of a simulation's virtual wires and the Wireshark key log that decrypts it.
 *
 * <pre>{@code
 * Simulation sim = ...;                       // hosts configured with Host.configure(DeviceEdit)
 * SimCapture capture = SimCapture.attach(sim); // before running, so it sees every datagram
 * sim.runUntil(...);
 * capture.writePcap(Path.of("run.pcap"));
 * capture.writeKeylog(Path.of("run.keys"));
 * // tshark -r run.pcap -o wg.keylog_file:run.keys -d udp.port==51820,wg
 * }</pre>
 *
 * <p>What is captured: each datagram as it reaches a host that is up ({@link Points#ARRIVALS}), with
 * the addresses it has there, so a datagram lost on a link is absent and a duplicated one appears
 * twice, as a capture on every host's interface would show. {@link Points#ARRIVALS_AND_DEPARTURES}
 * also records each datagram as a host sends it (every datagram then appears once per point it
 * passed). Timestamps are {@code epochWallNanos} plus virtual time, in a nanosecond pcap; frames are
 * Ethernet/IPv4 or IPv6/UDP with correct checksums ({@link PcapWriter}).
 *
 * <p>What is logged: for every initiation a host sends, its static private key, the peer's static
 * public key, the ephemeral private key and the preshared key ({@link WireGuardKeylog#handshake}).
 * That is all Wireshark needs for the initiation, the response and both directions of transport
 * data. Preshared keys are known only when hosts were configured through {@link Host#configure}.
 *
 * <p>Frames and handshakes are kept in memory (payloads are shared with the simulation, not copied)
 * up to {@link #FRAMES_MAX} and {@link #HANDSHAKES_MAX}; beyond that they are counted in
 * {@link #framesNotRecorded()} / {@link #handshakesNotRecorded()} and left out of the files.
 *
 * <p>Security: the key log holds private keys in clear; it is meant for simulated keys only.
 */
public final class SimCapture implements Wiretap {
    /** Frames kept for the pcap; about 100 bytes each plus payloads shared with the simulation. */
    public static final int FRAMES_MAX = 10_000_000;
    /** Handshakes kept for the key log. */
    public static final int HANDSHAKES_MAX = 1_000_000;

    /** Where datagrams are recorded. */
    public enum Points {
        /** As they reach a host: what the hosts' interfaces saw come in. */
        ARRIVALS,
        /** Also as they leave a host (before any loss on the link). */
        ARRIVALS_AND_DEPARTURES
    }

    private record Frame(long virtualNanos, Endpoint source, Endpoint destination, Bytes payload) {}

    private final Points points;
    private final long epochWallNanos;
    private final List<Frame> frames = new ArrayList<>();
    private final List<InitiatorKeys> handshakes = new ArrayList<>();
    private final SortedSet<Integer> ports = new TreeSet<>();
    private long framesNotRecorded;
    private long handshakesNotRecorded;

    private SimCapture(Points points, long epochWallNanos) {
        this.points = points;
        this.epochWallNanos = epochWallNanos;
    }

    /**
     * Captures arrivals at every host of {@code simulation} (present and future), stamped from
     * {@link Simulation#DEFAULT_START_WALL_NANOS}.
     */
    public static SimCapture attach(Simulation simulation) {
        return attach(simulation, Points.ARRIVALS, Simulation.DEFAULT_START_WALL_NANOS);
    }

    /** Captures at {@code points}, stamping virtual time 0 as {@code epochWallNanos} (ns since 1970). */
    public static SimCapture attach(Simulation simulation, Points points, long epochWallNanos) {
        SimCapture capture = new SimCapture(points, epochWallNanos);
        simulation.addWiretap(capture);
        return capture;
    }

    @Override
    public void arrived(Host host, Datagram datagram, long timeNanos) {
        record(datagram, timeNanos);
    }

    @Override
    public void departed(Host host, Datagram datagram, long timeNanos) {
        if (points == Points.ARRIVALS_AND_DEPARTURES) {
            record(datagram, timeNanos);
        }
    }

    @Override
    public void initiation(Host host, InitiatorKeys keys, long timeNanos) {
        if (handshakes.size() >= HANDSHAKES_MAX) {
            handshakesNotRecorded++;
            return;
        }
        handshakes.add(keys);
    }

    private void record(Datagram d, long timeNanos) {
        if (frames.size() >= FRAMES_MAX) {
            framesNotRecorded++;
            return;
        }
        frames.add(new Frame(timeNanos, d.source(), d.destination(), d.payload()));
        ports.add(d.source().port());
        ports.add(d.destination().port());
    }

    /** Frames recorded so far. */
    public int frames() {
        return frames.size();
    }

    /** Initiations whose keys were recorded so far. */
    public int handshakes() {
        return handshakes.size();
    }

    public long framesNotRecorded() {
        return framesNotRecorded;
    }

    public long handshakesNotRecorded() {
        return handshakesNotRecorded;
    }

    /** Every UDP port in the capture, to tell tshark where WireGuard runs ({@code -d udp.port==P,wg}). */
    public SortedSet<Integer> ports() {
        return new TreeSet<>(ports);
    }

    /** Writes the frames recorded so far, in time order, to a nanosecond pcap at {@code file}. */
    public void writePcap(Path file) throws IOException {
        writePcap(PcapWriter.open(file));
    }

    /** As {@link #writePcap(Path)}, into {@code writer} (for a pcap kept in memory); closes it. */
    public void writePcap(PcapWriter out) throws IOException {
        try (PcapWriter writer = out) {
            for (Frame f : frames) {
                writer.udp(f.source(), f.destination(), f.payload().toByteArray(), epochWallNanos + f.virtualNanos());
            }
        }
    }

    /** The key log for the handshakes recorded so far, in the order they were initiated. */
    public WireGuardKeylog keylog() {
        WireGuardKeylog log = new WireGuardKeylog();
        for (InitiatorKeys k : handshakes) {
            log.handshake(k.peer(), k.localStaticPrivate(), k.localEphemeralPrivate(), k.presharedKey());
        }
        return log;
    }

    /** Writes {@link #keylog()} to {@code file} (secrets in clear). */
    public void writeKeylog(Path file) throws IOException {
        keylog().write(file);
    }
}
