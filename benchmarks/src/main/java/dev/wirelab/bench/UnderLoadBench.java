package dev.wirelab.bench;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The responder pushed into under-load mode, at the Device: its handshake queue reports the
 * kernel's full backlog ({@link Device#noteHandshakeBacklog}), and a flood of initiations with a
 * valid mac1 and no mac2 comes from 10,000 spoofed sources, as in the flood tests. Each one must be
 * answered with a cookie reply and nothing else: mac1 check, cookie for the source, XChaCha20-Poly1305
 * of it, encode. No Diffie-Hellman. Beside {@code HandshakeBench.responder} in the same run this says
 * how many cookie replies a responder makes for the cost of one handshake, which is the point of the
 * mechanism.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UnderLoadBench {
    /** Spoofed sources the flood cycles through (the flood tests' 10^4). */
    static final int SOURCES = 10_000;

    private final Now now = new Now(1_000_000_000L, 1_700_000_000_000_000_000L);
    private Device responder;
    private byte[] initiation;
    private final Endpoint[] sources = new Endpoint[SOURCES];
    private final DeviceBench.Capture out = new DeviceBench.Capture();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        DeterministicEntropy root = new DeterministicEntropy(2);
        DeviceBench.Capture atInitiator = new DeviceBench.Capture();
        Device initiator = DeviceBench.keyed(root.split("initiator"), now, atInitiator);
        responder = DeviceBench.keyed(root.split("responder"), now, out);
        PublicKey pa = initiator.publicKey();
        PublicKey pb = responder.publicKey();
        initiator.apply(DeviceEdit.peers(PeerEdit.add(pb, Endpoint.ipv4("192.0.2.2:51821"), Prefix.parse("198.51.100.2/32"))),
                now, atInitiator);
        responder.apply(DeviceEdit.peers(PeerEdit.add(pa, null, Prefix.parse("198.51.100.1/32"))), now, out);
        byte[] packet = new byte[64];
        packet[0] = 0x45;
        packet[3] = 64;
        packet[16] = (byte) 198;
        packet[17] = 51;
        packet[18] = 100;
        packet[19] = 2;
        initiator.onOutbound(now, packet, 0, packet.length, atInitiator);
        initiation = atInitiator.lastSent;
        if (initiation == null || initiation[0] != 1) {
            throw new IllegalStateException("setup: the initiator sent no initiation (" + atInitiator.lastDrop + ")");
        }
        for (int i = 0; i < SOURCES; i++) {
            sources[i] = Endpoint.ipv4("203.0.113." + (1 + i % 250) + ":" + (1024 + i / 250));
        }
        responder.noteHandshakeBacklog(Profile.REFERENCE.underLoadBacklog());
        // Once through, checked: every answer is a 64-byte cookie reply, so what is timed is that path.
        for (int i = 0; i < SOURCES; i++) {
            byte[] reply = cookieReply();
            if (reply == null || reply.length != 64 || reply[0] != 3) {
                throw new IllegalStateException("setup: an initiation under load was not answered with a cookie reply ("
                        + out.lastDrop + ")");
            }
        }
    }

    /** One initiation from the next spoofed source, answered with a cookie reply. */
    @Benchmark
    public byte[] cookieReply() {
        out.lastSent = null;
        Endpoint from = sources[next];
        next = next + 1 == SOURCES ? 0 : next + 1;
        responder.onDatagram(now, from, initiation, 0, initiation.length, out);
        return out.lastSent;
    }
}
