package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wirelab.capture.PcapWriter;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.allowedips.Prefix;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Section 7 with every kind of file people bring: the link types of wirelab, dumpcap and tcpdump
 * captures, pcapng, microsecond and big-endian pcap, IPv6 outer headers, and files and frames
 * that are broken in each way a loader can meet (the Jazzer target covers the rest).
 */
class CaptureViewTest {
    private static CaptureFixture fixture;
    private static CaptureView.Loaded reference;

    @BeforeAll
    static void capture() throws Exception {
        fixture = CaptureFixture.make();
        reference = load(fixture.pcapBytes());
        assertEquals(reference.frames(), reference.decrypted());
    }

    private static CaptureView.Loaded load(byte[] pcap) throws Exception {
        return CaptureView.load("test.pcap", pcap, "test.keys", fixture.keylogText());
    }

    /** What the page shows of each frame, without the link layer: type, decryption and the inner packet. */
    private static List<String> essence(CaptureView.Loaded loaded) {
        return loaded.rows().stream().map(r -> r.type() + " " + r.decrypted() + " " + r.bytes().hex() + " "
                + (r.inner() == null ? "-" : r.inner().hex())).toList();
    }

    /** A captured frame for {@link #classicPcap}. */
    record Raw(byte[] data, long epochNanos, int originalLength) {}

    /** The fixture's frames, each rewritten by {@code relink} (its Ethernet frame in, a new frame out). */
    private static List<Raw> frames(java.util.function.UnaryOperator<byte[]> relink) throws Exception {
        List<Raw> out = new ArrayList<>();
        for (CaptureFile.Frame f : CaptureFile.read("fixture", fixture.pcapBytes()).frames()) {
            byte[] data = relink.apply(f.data());
            out.add(new Raw(data, f.epochNanos(), data.length));
        }
        return out;
    }

    /** A classic pcap, written here so that every header field is the test's choice. */
    static byte[] classicPcap(int linkType, List<Raw> frames, boolean nanoseconds, ByteOrder order) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(order);
        h.putInt(nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(262_144).putInt(linkType);
        out.writeBytes(h.array());
        for (Raw f : frames) {
            ByteBuffer r = ByteBuffer.allocate(16).order(order);
            long fraction = f.epochNanos() % 1_000_000_000L;
            r.putInt((int) (f.epochNanos() / 1_000_000_000L)).putInt((int) (nanoseconds ? fraction : fraction / 1000))
                    .putInt(f.data().length).putInt(f.originalLength());
            out.writeBytes(r.array());
            out.writeBytes(f.data());
        }
        return out.toByteArray();
    }

    @Test
    void everyLinkTypeAndFileFormatShowsTheSameMessages() throws Exception {
        List<String> expected = essence(reference);
        // Raw IP, as on a TUN or wg interface: the Ethernet header goes.
        assertEquals(expected, essence(load(classicPcap(101, frames(e -> Arrays.copyOfRange(e, 14, e.length)), true,
                ByteOrder.LITTLE_ENDIAN))), "raw IP");
        // Linux cooked (tcpdump -i any before libpcap 1.10): 16 bytes, the protocol last.
        assertEquals(expected, essence(load(classicPcap(113, frames(e -> {
            ByteBuffer b = ByteBuffer.allocate(e.length + 2);
            b.putShort((short) 0).putShort((short) 1).putShort((short) 6).put(e, 6, 6).putShort((short) 0).put(e, 12, e.length - 12);
            return b.array();
        }), false, ByteOrder.BIG_ENDIAN))), "Linux SLL, microseconds, big-endian");
        // Linux cooked v2 (tcpdump -i any since libpcap 1.10): 20 bytes, the protocol first.
        assertEquals(expected, essence(load(classicPcap(276, frames(e -> {
            ByteBuffer b = ByteBuffer.allocate(e.length + 6);
            b.put(e, 12, 2).putShort((short) 0).putInt(3).putShort((short) 1).put((byte) 0).put((byte) 6).put(e, 6, 6)
                    .putShort((short) 0).put(e, 14, e.length - 14);
            return b.array();
        }), true, ByteOrder.LITTLE_ENDIAN))), "Linux SLL2");
        // An 802.1Q VLAN tag between the MAC addresses and the EtherType.
        assertEquals(expected, essence(load(classicPcap(1, frames(e -> {
            ByteBuffer b = ByteBuffer.allocate(e.length + 4);
            b.put(e, 0, 12).putShort((short) 0x8100).putShort((short) 42).put(e, 12, e.length - 12);
            return b.array();
        }), true, ByteOrder.LITTLE_ENDIAN))), "VLAN-tagged Ethernet");
        // pcapng, as dumpcap and Wireshark save by default (converted by Wireshark's own editcap).
        Path pcapng = CaptureFixture.DIR.resolve("capture-fixture.pcapng");
        Process editcap = new ProcessBuilder("editcap", "-F", "pcapng", fixture.pcap().toString(), pcapng.toString())
                .redirectErrorStream(true).start();
        assertTrue(editcap.waitFor(60, TimeUnit.SECONDS) && editcap.exitValue() == 0, new String(editcap.getInputStream().readAllBytes()));
        CaptureView.Loaded ng = load(Files.readAllBytes(pcapng));
        assertEquals(expected, essence(ng), "pcapng");
        assertEquals(reference.rows().get(5).epochNanos(), ng.rows().get(5).epochNanos(), "nanosecond timestamps kept");
    }

    @Test
    void ipv6OuterHeadersAreReadToo() throws Exception {
        // The same WireGuard messages between IPv6 endpoints, framed by pcap4j (PcapWriter).
        Endpoint a = new Endpoint(Prefix.parse("2001:db8::1/128").address(), 51820);
        Endpoint b = new Endpoint(Prefix.parse("2001:db8::2/128").address(), 51820);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = PcapWriter.open(bytes)) {
            for (CaptureView.Row r : reference.rows()) {
                boolean fromAlice = r.from().startsWith("192.0.2.1:");
                w.udp(fromAlice ? a : b, fromAlice ? b : a, HexFormat.of().parseHex(r.bytes().hex()), r.epochNanos());
            }
        }
        CaptureView.Loaded v6 = load(bytes.toByteArray());
        assertEquals(essence(reference), essence(v6));
        assertEquals("[2001:db8:0:0:0:0:0:1]:51820", v6.rows().getFirst().from());
    }

    @Test
    void framesThatAreNotWireGuardSayWhyAndTheRestStillDecrypts() throws Exception {
        List<Raw> frames = new ArrayList<>(frames(e -> e));
        byte[] initiation = frames.getFirst().data();
        byte[] arp = initiation.clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        byte[] tcp = initiation.clone();
        tcp[14 + 9] = 6;
        byte[] shortUdp = initiation.clone();
        shortUdp[14 + 20 + 4] = 1; // UDP length 256 + 156 = 412, more than the IP packet holds
        byte[] notWireGuard = initiation.clone();
        notWireGuard[14 + 20 + 8] = 9;
        byte[] cut = Arrays.copyOf(initiation, 60);
        byte[] fragment = initiation.clone();
        fragment[14 + 6] = 0x20;
        List<Raw> mixed = new ArrayList<>(List.of(new Raw(arp, 1, arp.length), new Raw(tcp, 2, tcp.length),
                new Raw(shortUdp, 3, shortUdp.length), new Raw(notWireGuard, 4, notWireGuard.length),
                new Raw(cut, 5, initiation.length), new Raw(fragment, 6, fragment.length)));
        mixed.addAll(frames);
        CaptureView.Loaded loaded = load(classicPcap(1, mixed, true, ByteOrder.LITTLE_ENDIAN));
        List<String> reasons = loaded.rows().subList(0, 6).stream().map(CaptureView.Row::reason).toList();
        assertEquals("EtherType 0x0806: not IP", reasons.get(0));
        assertEquals("IP protocol 6: not UDP", reasons.get(1));
        assertTrue(reasons.get(2).startsWith("UDP length 412 does not fit its IP packet"), reasons.get(2));
        assertTrue(reasons.get(3).startsWith("not a WireGuard message: "), reasons.get(3));
        assertTrue(reasons.get(4).startsWith("the UDP datagram needs 190 bytes of the frame, 60 were captured"), reasons.get(4));
        assertTrue(reasons.get(4).endsWith("(60 of its 190 bytes were captured)"), reasons.get(4));
        assertTrue(reasons.get(5).startsWith("an IPv4 fragment"), reasons.get(5));
        loaded.rows().subList(0, 6).forEach(r -> assertFalse(r.decrypted()));
        assertEquals(reference.decrypted(), loaded.decrypted(), "the WireGuard frames after them all decrypt");
        assertEquals(reference.frames() + 6, loaded.frames());
    }

    @Test
    void aDuplicatedDataMessageIsMarkedAsAReplay() {
        long replays = reference.rows().stream().filter(r -> r.values().stream().anyMatch(v -> v.name().equals("replay"))).count();
        // capture-fixture.yaml duplicates 10% of alice's datagrams; seed 3 makes copies of data messages.
        assertTrue(replays > 0, "no replayed counter flagged");
        assertTrue(reference.rows().stream().filter(r -> r.type() == 4).count() > replays);
    }

    @Test
    void aFileCutInTheMiddleOfAFrameShowsTheFramesBeforeIt() throws Exception {
        byte[] whole = fixture.pcapBytes();
        // The 10th record starts after the 24-byte header and 9 records of 16 bytes plus their frames.
        int offset = 24;
        for (CaptureFile.Frame f : CaptureFile.read("fixture", whole).frames().subList(0, 9)) {
            offset += 16 + f.data().length;
        }
        CaptureView.Loaded cut = load(Arrays.copyOf(whole, offset + 16 + 30));
        assertEquals(9, cut.frames());
        assertTrue(cut.problem().startsWith("frame 10: ") && cut.problem().endsWith("(the frames before it are shown)"), cut.problem());
        assertEquals(essence(reference).subList(0, 9), essence(cut));
    }

    @Test
    void aFileThatIsNoCaptureIsAClearError() throws Exception {
        byte[] text = "this is a key log, not a capture, sorry about that".getBytes();
        CaptureError e = assertThrows(CaptureError.class, () -> load(text));
        assertTrue(e.getMessage().startsWith("test.pcap: not a capture libpcap can read ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("save it as pcap or pcapng"), e.getMessage());
        CaptureError tiny = assertThrows(CaptureError.class, () -> load(new byte[] {1, 2, 3}));
        assertEquals("test.pcap: 3 bytes is too short for a pcap or pcapng file header", tiny.getMessage());
        byte[] headerOnly = Arrays.copyOf(fixture.pcapBytes(), 24 + 10);
        CaptureError firstFrame = assertThrows(CaptureError.class, () -> load(headerOnly));
        assertTrue(firstFrame.getMessage().startsWith("test.pcap: frame 1: "), firstFrame.getMessage());
    }

    @Test
    void keylogErrorsNameTheLine() {
        String key = "GGXwrdQ3B3Y/M6kfm4g8BYHaFXMZzyttUGwWsaSElWs=";
        assertEquals("k.keys line 3: expected KEY_TYPE = base64 key (as Wireshark's wg.keylog_file), got 'LOCAL_STATIC…'",
                keylogError("# wirelab\n\nLOCAL_STATIC_PRIVATE_KEY " + key));
        assertEquals("k.keys line 2: unknown key type 'LOCAL_PRIVATE_KEY'; expected LOCAL_STATIC_PRIVATE_KEY,"
                + " REMOTE_STATIC_PUBLIC_KEY, LOCAL_EPHEMERAL_PRIVATE_KEY or PRESHARED_KEY",
                keylogError("LOCAL_STATIC_PRIVATE_KEY = " + key + "\nLOCAL_PRIVATE_KEY = " + key));
        assertTrue(keylogError("REMOTE_STATIC_PUBLIC_KEY = not*base64").startsWith(
                "k.keys line 1: the value of 'REMOTE_STATIC_PUBLIC_KEY' is not base64 ("));
        assertEquals("k.keys line 1: the value of 'PRESHARED_KEY' is 3 bytes; a WireGuard key is 32 bytes (44 base64 characters)",
                keylogError("PRESHARED_KEY = AAAA"));
        assertEquals("k.keys line 1: a PRESHARED_KEY belongs to the LOCAL_EPHEMERAL_PRIVATE_KEY line before it, and there is"
                + " none; put it after its handshake's ephemeral key", keylogError("PRESHARED_KEY = " + key));
        CaptureKeylog ok = CaptureKeylog.parse("k.keys", "LOCAL_STATIC_PRIVATE_KEY=" + key + "\r\nLOCAL_STATIC_PRIVATE_KEY =  "
                + key + "  \r\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + key + "\nPRESHARED_KEY = " + key + "\n");
        assertEquals(1, ok.localStatics().size(), "a repeated static key is one key");
        assertEquals(1, ok.ephemerals().size());
        assertEquals(32, ok.ephemerals().values().iterator().next().presharedKey().length);
        assertFalse(ok.toString().contains(key.substring(0, 8)), "no secret in toString");
    }

    private static String keylogError(String text) {
        return assertThrows(CaptureError.class, () -> CaptureKeylog.parse("k.keys", text)).getMessage();
    }

    @Test
    void aWrongPresharedKeyLeavesTheResponseClosedWithAReason() throws Exception {
        String keys = fixture.keylogText().replaceAll("PRESHARED_KEY = .*", "PRESHARED_KEY = " + "A".repeat(43) + "=");
        CaptureView.Loaded loaded = CaptureView.load("test.pcap", fixture.pcapBytes(), "wrong.keys", keys);
        CaptureView.Row response = loaded.rows().stream().filter(r -> r.type() == 2).findFirst().orElseThrow();
        assertFalse(response.decrypted());
        assertEquals("the tag does not verify with the logged keys: the preshared key is missing or wrong", response.reason());
        assertNull(response.inner());
        CaptureView.Row initiation = loaded.rows().getFirst();
        assertTrue(initiation.decrypted(), "the preshared key plays no part in the initiation");
        assertEquals(5, initiation.noise().size(), "steps 1-5 of the initiation");
    }

    /**
     * cookie-under-load: bob answers alice's first initiation with a cookie reply. It opens with bob's
     * public key and the initiation's mac1, and the cookie it holds is the one alice's next
     * initiation carries as mac2.
     */
    @Test
    void aCookieReplyOpensAndItsCookieVerifiesTheNextMac2() {
        ScenarioView.RunFiles run = ScenarioView.fromClassPath().files("cookie-under-load", null, null, null, RunBudget.DEFAULT);
        CaptureView.Loaded loaded = CaptureView.load("cookie.pcap", run.pcap(), "cookie.keys", run.keylog());
        int cookie = 0;
        while (loaded.rows().get(cookie).type() != 3) {
            cookie++;
        }
        CaptureView.Row reply = loaded.rows().get(cookie);
        assertTrue(reply.decrypted(), reply.reason());
        assertTrue(CaptureDecryptsLikeTsharkTest.value(reply, "opened with").startsWith("HASH(LABEL_COOKIE || "), reply.values().toString());
        CaptureView.Row next = loaded.rows().subList(cookie + 1, loaded.rows().size()).stream()
                .filter(r -> r.type() == 1 && r.from().equals(loaded.rows().getFirst().from())).findFirst().orElseThrow();
        assertEquals("MAC(cookie of frame " + reply.frame() + ", msg[0:132]): verified", CaptureDecryptsLikeTsharkTest.value(next, "mac2"));
        assertEquals("zero: the sender holds no cookie", CaptureDecryptsLikeTsharkTest.value(loaded.rows().getFirst(), "mac2"));
        assertEquals(loaded.frames(), loaded.decrypted(), "every frame of the run opens");
    }
}
