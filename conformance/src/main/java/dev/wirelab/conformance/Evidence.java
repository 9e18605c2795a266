package dev.wirelab.conformance;

import dev.wirelab.capture.PcapWriter;
import dev.wirelab.capture.Tshark;
import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.conformance.HarnessPeer.Datagram;
import dev.wirelab.datapath.SystemClock;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a cell keeps of its UDP side, in its log directory: {@value #PCAP}, every datagram the
 * harness's sockets sent to the target and received from it, and {@value #KEYLOG}, the harness's
 * Wireshark key log, which decrypts the handshakes the harness's Device made and their sessions, and
 * the initiations the checks crafted as the harness with the target's responses to them. The
 * visualizer's capture section opens the pair, and so does {@link #tsharkCommand}.
 *
 * <p>Floods ({@link HarnessPeer#sendRawQuiet}) are left out, as the harness does not record them:
 * thousands of junk initiations would bury the exchange the check is about. What the target sent
 * back to a flood is in.
 */
public record Evidence(Path pcap, Path keylog) {
    public static final String PCAP = "capture.pcap";
    public static final String KEYLOG = "keys.log";

    /** Writes {@code harness}'s evidence into {@code cellDir}; call it after the harness is closed, when nothing more arrives. */
    static Evidence write(HarnessPeer harness, Path cellDir) throws IOException {
        List<WireGuardKeylog> keys = new ArrayList<>(harness.keylog());
        keys.addAll(Checks.CRAFT.takeKeylog(harness.publicKey()));
        return write(cellDir, harness.address(), harness.received(), harness.sent(), keys);
    }

    /**
     * Writes {@code received} and {@code sent}, in the order they happened, as frames between
     * {@code harnessAddress} (each datagram's own local port) and the remote it names, and the key
     * log {@code keys}.
     */
    static Evidence write(Path cellDir, InetAddress harnessAddress, List<Datagram> received, List<Datagram> sent,
            List<WireGuardKeylog> keys) throws IOException {
        Path dir = Files.createDirectories(cellDir).toAbsolutePath();
        // Absolute: the JUnit XML names them for a person reading it elsewhere; the Markdown makes them relative.
        Evidence e = new Evidence(dir.resolve(PCAP), dir.resolve(KEYLOG));
        record Frame(Datagram datagram, boolean sent) {}
        List<Frame> frames = new ArrayList<>();
        received.forEach(d -> frames.add(new Frame(d, false)));
        sent.forEach(d -> frames.add(new Frame(d, true)));
        frames.sort(Comparator.comparingLong(f -> f.datagram().monoNanos()));
        // The harness stamps datagrams with System.nanoTime; one reading of both clocks turns that into
        // wall time (they drift apart by microseconds over a check's minutes).
        Now now = new SystemClock().get();
        long wallMinusMono = now.wallNanos() - now.monoNanos();
        Bytes harness = Bytes.wrap(harnessAddress.getAddress());
        try (PcapWriter pcap = PcapWriter.open(e.pcap())) {
            for (Frame f : frames) {
                Datagram d = f.datagram();
                Endpoint local = new Endpoint(harness, d.localPort());
                Endpoint remote = HarnessPeer.toEndpoint(d.peer());
                pcap.udp(f.sent() ? local : remote, f.sent() ? remote : local, d.bytes(), d.monoNanos() + wallMinusMono);
            }
        }
        // Not KeylogFile, which makes the file 0600: under sudo that is root's alone, and neither the
        // user's browser nor a CI job's artifact upload could read it. These keys are single-use, made
        // for this cell's harness, and open only what the target exchanged with it.
        StringBuilder text = new StringBuilder();
        keys.forEach(block -> block.lines().forEach(line -> text.append(line).append('\n')));
        Files.writeString(e.keylog(), text, StandardCharsets.US_ASCII);
        return e;
    }

    /** The command that shows the capture decrypted in a terminal. */
    public String tsharkCommand() {
        return Tshark.userCommand(pcap, keylog, List.of(Lab.TARGET_PORT));
    }
}
