package dev.wirelab.sim.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.capture.PcapWriter;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.sim.Host;
import dev.wirelab.sim.LinkSpec;
import dev.wirelab.sim.Ping;
import dev.wirelab.sim.Ratio;
import dev.wirelab.sim.Simulation;
import dev.wirelab.sim.WallClock;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What SimCapture records and how PcapWriter lays out the file, read back without tshark. */
class SimCaptureTest {
    private static final long S = Protocol.SECOND_NANOS;
    private static final long MS = 1_000_000L;

    /** alice pings bob (no preshared key) over a 30% lossy uplink, hosts added after the capture. */
    private static Simulation pingPair(SimCapture.Points points, List<SimCapture> out) {
        Simulation sim = new Simulation(9, true);
        out.add(SimCapture.attach(sim, points, Simulation.DEFAULT_START_WALL_NANOS));
        LinkSpec lossy = new LinkSpec(5 * MS, 0, Ratio.parse("30%"), null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0, List.of());
        Host alice = sim.addHost("alice", "internet", Endpoint.ipv4("192.0.2.1:51820"), lossy, LinkSpec.ideal(5 * MS),
                Profile.REFERENCE, new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        Host bob = sim.addHost("bob", "internet", Endpoint.ipv4("192.0.2.2:51820"), LinkSpec.ideal(5 * MS),
                LinkSpec.ideal(5 * MS), Profile.REFERENCE, new WallClock(Simulation.DEFAULT_START_WALL_NANOS, 0));
        PrivateKey ka = PrivateKey.generate(sim.entropy("key:alice"));
        PrivateKey kb = PrivateKey.generate(sim.entropy("key:bob"));
        PublicKey pa = Crypto.fastest().x25519().publicKey(ka);
        PublicKey pb = Crypto.fastest().x25519().publicKey(kb);
        alice.configure(DeviceEdit.privateKey(ka));
        bob.configure(DeviceEdit.privateKey(kb));
        alice.configure(DeviceEdit.peers(PeerEdit.add(pb, bob.endpoint(), Prefix.parse("10.0.0.2/32"))));
        bob.configure(DeviceEdit.peers(PeerEdit.add(pa, null, Prefix.parse("10.0.0.1/32"))));
        Ping.respond(bob, new byte[] {10, 0, 0, 2});
        Ping.start(sim, alice, new byte[] {10, 0, 0, 1}, new byte[] {10, 0, 0, 2}, S, S, 20, 56);
        sim.runUntil(30 * S);
        return sim;
    }

    /** The records of a little-endian nanosecond pcap: {seconds, nanoseconds, captured length}. */
    private static List<long[]> records(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b23c4d, b.getInt(), "nanosecond pcap magic");
        assertEquals(2, b.getShort());
        assertEquals(4, b.getShort());
        b.position(20);
        assertEquals(1, b.getInt(), "LINKTYPE_ETHERNET");
        List<long[]> records = new ArrayList<>();
        while (b.hasRemaining()) {
            long seconds = Integer.toUnsignedLong(b.getInt());
            long nanos = b.getInt();
            int captured = b.getInt();
            assertEquals(captured, b.getInt(), "nothing truncated");
            b.position(b.position() + captured);
            records.add(new long[] {seconds, nanos, captured});
        }
        return records;
    }

    @Test
    void arrivalsAreWhatHostsReceivedStampedWithVirtualTime(@TempDir Path dir) throws Exception {
        List<SimCapture> captures = new ArrayList<>();
        Simulation sim = pingPair(SimCapture.Points.ARRIVALS, captures);
        SimCapture capture = captures.getFirst();
        var arrivals = sim.trace().ofKind("udp.recv");
        assertTrue(sim.trace().ofKind("link.lost").size() > 0, "the lossy link lost something");
        assertEquals(arrivals.size(), capture.frames(), "one frame per udp.recv, none for lost datagrams");

        Path pcap = dir.resolve("a.pcap");
        capture.writePcap(pcap);
        List<long[]> records = records(Files.readAllBytes(pcap));
        assertEquals(arrivals.size(), records.size());
        for (int i = 0; i < records.size(); i++) {
            long epochNanos = Simulation.DEFAULT_START_WALL_NANOS + arrivals.get(i).time();
            assertEquals(epochNanos / 1_000_000_000L, records.get(i)[0], "seconds of frame " + i);
            assertEquals(epochNanos % 1_000_000_000L, records.get(i)[1], "nanoseconds of frame " + i);
            // Ethernet 14 + IPv4 20 + UDP 8 + payload, padded to Ethernet's 60-byte minimum.
            int len = ((Number) arrivals.get(i).get("len")).intValue();
            assertEquals(Math.max(60, 42 + len), records.get(i)[2], "frame length " + i);
        }
        assertEquals(List.of(51820), List.copyOf(capture.ports()));
        assertEquals(sim.trace().ofKind("wg.ephemeral").size(), capture.handshakes(), "one keylog block per initiation");
    }

    @Test
    void departuresAddEveryDatagramSent() {
        List<SimCapture> captures = new ArrayList<>();
        Simulation sim = pingPair(SimCapture.Points.ARRIVALS_AND_DEPARTURES, captures);
        assertEquals(sim.trace().ofKind("udp.recv").size() + sim.trace().ofKind("udp.send").size(),
                captures.getFirst().frames());
    }

    @Test
    void keylogHasFourLinesPerHandshakeAndNoPskLineWithoutAPsk() {
        List<SimCapture> captures = new ArrayList<>();
        pingPair(SimCapture.Points.ARRIVALS, captures);
        SimCapture capture = captures.getFirst();
        List<String> lines = capture.keylog().lines();
        assertEquals(3 * capture.handshakes(), lines.size(), "static, remote static, ephemeral; no PSK configured");
        assertTrue(lines.getFirst().startsWith("LOCAL_STATIC_PRIVATE_KEY = "));
        assertTrue(lines.get(1).startsWith("REMOTE_STATIC_PUBLIC_KEY = "));
        assertTrue(lines.get(2).startsWith("LOCAL_EPHEMERAL_PRIVATE_KEY = "));
    }

    @Test
    void anIpv6DatagramIsFramedWithAnIpv6Header() throws Exception {
        Endpoint a = new Endpoint(Prefix.parse("2001:db8::1/128").address(), 51820);
        Endpoint b = new Endpoint(Prefix.parse("2001:db8::2/128").address(), 51821);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.open(out)) {
            w.udp(a, b, new byte[] {4, 0, 0, 0}, 1);
            assertThrows(IllegalArgumentException.class, () -> w.udp(a, Endpoint.ipv4("192.0.2.1:1"), new byte[1], 2));
        }
        byte[] file = out.toByteArray();
        List<long[]> records = records(file);
        assertEquals(1, records.size());
        assertEquals(14 + 40 + 8 + 4, records.getFirst()[2]);
        int frame = 24 + 16;
        assertEquals(0x86dd, ((file[frame + 12] & 0xff) << 8) | (file[frame + 13] & 0xff), "EtherType IPv6");
        assertEquals(0x60, file[frame + 14] & 0xf0, "IP version 6");
        assertEquals(17, file[frame + 14 + 6], "next header UDP");
    }
}
