package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.capture.Tshark;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The capture section's decryption against Wireshark's WireGuard dissector, which shares no code
 * with wirelab: for the same pcap and key log, every frame tshark decrypts is decrypted here and
 * nothing else, and each inner packet is byte for byte the one tshark dissects (rebuilt from every
 * field of its IPv4 and ICMP or UDP headers and its data). The simulator's capture with three key
 * logs: its full one (the initiators' keys), one with only the static private keys (initiations open
 * from the responder's side, responses do not) and one without the preshared keys (no response
 * opens); and a capture whose key log is the responder's, as a responding device writes it.
 */
class CaptureDecryptsLikeTsharkTest {
    private static final List<String> FIELDS = List.of("frame.number", "wg.type", "wg.static", "wg.handshake_ok",
            "wg.keepalive", "ip.version", "ip.hdr_len", "ip.dsfield", "ip.len", "ip.id", "ip.flags", "ip.frag_offset",
            "ip.ttl", "ip.proto", "ip.checksum", "ip.src", "ip.dst", "icmp.type", "icmp.code", "icmp.checksum",
            "icmp.ident", "icmp.seq", "udp.srcport", "udp.dstport", "udp.length", "udp.checksum", "data.data");
    private static CaptureFixture fixture;

    @BeforeAll
    static void capture() throws Exception {
        fixture = CaptureFixture.make();
    }

    @Test
    void theFullKeylogDecryptsEveryFrameAsTsharkDoes() throws Exception {
        CaptureView.Loaded loaded = compare(fixture.keylog());
        assertEquals(loaded.frames(), loaded.decrypted(), "every frame of the simulator's capture decrypts");
        assertTrue(loaded.rows().stream().filter(r -> r.type() == 1).count() >= 4, "initiations from both sides and a rekey");
    }

    @Test
    void staticKeysAloneOpenInitiationsButNoResponseAsInTshark() throws Exception {
        Path keys = keylog("statics-only", fixture.keylogText().lines().filter(l -> l.startsWith("LOCAL_STATIC_PRIVATE_KEY")));
        CaptureView.Loaded loaded = compare(keys);
        assertTrue(loaded.rows().stream().anyMatch(r -> r.type() == 1 && r.decrypted()), "an initiation opens from the responder's side");
        CaptureView.Row response = loaded.rows().stream().filter(r -> r.type() == 2).findFirst().orElseThrow();
        assertEquals("neither the initiator's ephemeral private key nor the responder's (E_pub_r above) is logged", response.reason());
    }

    @Test
    void withoutThePresharedKeysNoResponseOpensAsInTshark() throws Exception {
        Path keys = keylog("no-psk", fixture.keylogText().lines().filter(l -> !l.startsWith("PRESHARED_KEY")));
        CaptureView.Loaded loaded = compare(keys);
        assertTrue(loaded.rows().stream().noneMatch(r -> r.type() != 1 && r.decrypted()), "only initiations open");
        CaptureView.Row response = loaded.rows().stream().filter(r -> r.type() == 2).findFirst().orElseThrow();
        assertTrue(response.reason().startsWith("the tag does not verify"), response.reason());
        CaptureView.Row data = loaded.rows().stream().filter(r -> r.type() == 4).findFirst().orElseThrow();
        assertTrue(data.reason().startsWith("no handshake that opened earlier"), data.reason());
    }

    /** The other side's key log: responder's static and ephemeral keys open the whole session. */
    @Test
    void theRespondersKeysAloneDecryptTheSessionAsInTshark() throws Exception {
        byte[][] drawn = new byte[1][];
        CaptureFixture responder = CaptureFixture.responderSide(drawn);
        CaptureView.Loaded loaded = compare(responder, responder.keylog());
        CaptureView.Row response = loaded.rows().get(1);
        assertEquals(HexFormat.of().formatHex(drawn[0]), value(response, "E_pub_r"), "the logged ephemeral is the one on the wire");
        assertEquals(8, loaded.decrypted(), "initiation, response and six data packets");
        assertEquals("the responder's ephemeral private key, the logged preshared key", value(response, "opened with"));
        assertEquals("the responder's static private key", value(loaded.rows().getFirst(), "opened with"));
    }

    private static Path keylog(String name, java.util.stream.Stream<String> lines) throws Exception {
        Path file = CaptureFixture.DIR.resolve("capture-fixture-" + name + ".keys");
        Files.writeString(file, lines.collect(Collectors.joining("\n", "", "\n")));
        return file;
    }

    /** Loads the fixture with {@code keys}, and checks every frame against tshark with the same files. */
    private static CaptureView.Loaded compare(Path keys) throws Exception {
        return compare(fixture, keys);
    }

    private static CaptureView.Loaded compare(CaptureFixture capture, Path keys) throws Exception {
        CaptureView.Loaded loaded = CaptureView.load(capture.pcap().getFileName().toString(), capture.pcapBytes(),
                keys.getFileName().toString(), Files.readString(keys));
        List<Tshark.Frame> frames = Tshark.fields(capture.pcap(), keys, CaptureFixture.PORTS, FIELDS, CaptureFixture.DIR).frames();
        assertEquals(frames.size(), loaded.rows().size());
        int innerPackets = 0;
        for (int i = 0; i < frames.size(); i++) {
            Tshark.Frame t = frames.get(i);
            CaptureView.Row row = loaded.rows().get(i);
            String where = keys.getFileName() + " frame " + t.number() + ": ";
            assertEquals(Integer.parseInt(t.one("wg.type")), row.type(), where + "type");
            switch (row.type()) {
                case 1 -> {
                    assertEquals(t.one("wg.static") != null, row.decrypted(), where + "tshark decrypted the static key");
                    if (row.decrypted()) {
                        assertEquals(t.one("wg.static"), value(row, "S_pub_i (initiator)"), where);
                    }
                }
                case 2 -> assertEquals(t.isTrue("wg.handshake_ok"), row.decrypted(), where + "handshake_ok");
                case 4 -> {
                    boolean tsharkInner = t.all("ip.src").size() == 2;
                    boolean keepalive = t.one("wg.keepalive") != null;
                    assertEquals(tsharkInner || keepalive, row.decrypted(), where + "decrypted (" + row.reason() + ")");
                    if (tsharkInner) {
                        assertNotNull(row.inner(), where);
                        assertArrayEquals(innerFromTshark(t), HexFormat.of().parseHex(row.inner().hex()), where + "inner packet");
                        innerPackets++;
                    } else if (!keepalive) {
                        assertNull(row.inner(), where);
                    }
                }
                default -> throw new AssertionError(where + "unexpected type " + row.type());
            }
        }
        System.out.println("[capture] " + keys.getFileName() + ": " + frames.size() + " frames, " + loaded.decrypted()
                + " decrypted here and by tshark, " + innerPackets + " inner packets byte for byte equal");
        return loaded;
    }

    /**
     * The inner IPv4 packet as tshark dissected it, rebuilt from every one of its fields (the second
     * IP layer): an ICMP echo, or a UDP datagram (its header is the second UDP layer).
     */
    private static byte[] innerFromTshark(Tshark.Frame t) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(Integer.parseInt(inner(t, "ip.version")) << 4 | Integer.parseInt(inner(t, "ip.hdr_len")) / 4);
        b.write(Integer.decode(inner(t, "ip.dsfield")));
        u16(b, Integer.parseInt(inner(t, "ip.len")));
        u16(b, Integer.decode(inner(t, "ip.id")));
        u16(b, Integer.decode(inner(t, "ip.flags")) << 13 | Integer.parseInt(inner(t, "ip.frag_offset")) / 8);
        b.write(Integer.parseInt(inner(t, "ip.ttl")));
        b.write(Integer.parseInt(inner(t, "ip.proto")));
        u16(b, Integer.decode(inner(t, "ip.checksum")));
        b.write(InetAddress.getByName(inner(t, "ip.src")).getAddress());
        b.write(InetAddress.getByName(inner(t, "ip.dst")).getAddress());
        if (inner(t, "ip.proto").equals("17")) {
            u16(b, Integer.parseInt(inner(t, "udp.srcport")));
            u16(b, Integer.parseInt(inner(t, "udp.dstport")));
            u16(b, Integer.parseInt(inner(t, "udp.length")));
            u16(b, Integer.decode(inner(t, "udp.checksum")));
        } else {
            b.write(Integer.parseInt(t.one("icmp.type")));
            b.write(Integer.parseInt(t.one("icmp.code")));
            u16(b, Integer.decode(t.one("icmp.checksum")));
            u16(b, Integer.parseInt(t.one("icmp.ident")));
            u16(b, Integer.parseInt(t.one("icmp.seq")));
        }
        b.write(HexFormat.of().parseHex(t.one("data.data")));
        return b.toByteArray();
    }

    private static String inner(Tshark.Frame t, String field) {
        return t.all(field).getLast();
    }

    private static void u16(ByteArrayOutputStream b, int v) {
        b.write(v >>> 8);
        b.write(v);
    }

    static String value(CaptureView.Row row, String name) {
        return row.values().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow().text();
    }
}
