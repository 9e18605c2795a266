package dev.wirelab.bench;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.Effects;
import dev.wirelab.engine.device.PeerEdit;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Device transport path per packet, single-threaded: {@code send} is an IP packet from the
 * tunnel through AllowedIPs lookup, staging and sealing to a datagram; {@code sendAndReceive}
 * also takes that datagram through the peer Device (index lookup, open, replay check, source
 * check) to delivery. Two Devices with an established session; time does not move, so no timer
 * work is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeviceBench {
    private static final Endpoint ENDPOINT_A = Endpoint.ipv4("192.0.2.1:51820");
    private static final Endpoint ENDPOINT_B = Endpoint.ipv4("192.0.2.2:51821");

    /** IP packet size: small, and WireGuard's default MTU payload. */
    @Param({"64", "1420"})
    int size;

    private final Now now = new Now(1_000_000_000L, 1_700_000_000_000_000_000L);
    private Device a;
    private Device b;
    private byte[] packet;
    private final Capture atA = new Capture();
    private final Capture atB = new Capture();

    /** Keeps the last datagram sent and counts deliveries: no per-packet list. */
    static final class Capture implements Effects {
        byte[] lastSent;
        long delivered;
        DropReason lastDrop;

        @Override
        public void send(Endpoint to, byte[] datagram) {
            lastSent = datagram;
        }

        @Override
        public void deliver(byte[] p) {
            delivered++;
        }

        @Override
        public void drop(DropReason reason, Endpoint from) {
            lastDrop = reason;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        DeterministicEntropy root = new DeterministicEntropy(1);
        a = keyed(root.split("a"), now, atA);
        b = keyed(root.split("b"), now, atB);
        PublicKey pa = a.publicKey();
        PublicKey pb = b.publicKey();
        a.apply(DeviceEdit.peers(PeerEdit.add(pb, ENDPOINT_B, Prefix.parse("198.51.100.2/32"))), now, atA);
        b.apply(DeviceEdit.peers(PeerEdit.add(pa, ENDPOINT_A, Prefix.parse("198.51.100.1/32"))), now, atB);
        packet = ipv4(size);
        // Handshake: a's first packet sends an initiation; b answers; a sends the staged packet.
        a.onOutbound(now, packet, 0, packet.length, atA);
        byte[] init = atA.lastSent;
        b.onDatagram(now, ENDPOINT_A, init, 0, init.length, atB);
        byte[] response = atB.lastSent;
        a.onDatagram(now, ENDPOINT_B, response, 0, response.length, atA);
        byte[] data = atA.lastSent;
        b.onDatagram(now, ENDPOINT_A, data, 0, data.length, atB);
        if (atB.delivered != 1 || data[0] != 4) {
            throw new IllegalStateException("setup: no session (last drop " + atA.lastDrop + "/" + atB.lastDrop + ")");
        }
    }

    /** A Device with a private key drawn from {@code entropy}, which it keeps for its own draws. */
    static Device keyed(DeterministicEntropy entropy, Now now, Effects out) {
        PrivateKey key = PrivateKey.generate(entropy);
        Device d = new Device(Profile.REFERENCE, Crypto.fastest(), entropy);
        d.apply(DeviceEdit.privateKey(key), now, out);
        return d;
    }

    @Benchmark
    public byte[] send() {
        a.onOutbound(now, packet, 0, packet.length, atA);
        return atA.lastSent;
    }

    @Benchmark
    public long sendAndReceive() {
        long before = atB.delivered;
        a.onOutbound(now, packet, 0, packet.length, atA);
        byte[] d = atA.lastSent;
        b.onDatagram(now, ENDPOINT_A, d, 0, d.length, atB);
        if (atB.delivered != before + 1) {
            throw new IllegalStateException("packet not delivered: " + atB.lastDrop);
        }
        return atB.delivered;
    }

    private static byte[] ipv4(int size) {
        byte[] p = new byte[size];
        p[0] = 0x45;
        p[2] = (byte) (size >>> 8);
        p[3] = (byte) size;
        p[8] = 64;
        p[9] = 17;
        p[12] = (byte) 198;
        p[13] = 51;
        p[14] = 100;
        p[15] = 1;
        p[16] = (byte) 198;
        p[17] = 51;
        p[18] = 100;
        p[19] = 2;
        return p;
    }
}
