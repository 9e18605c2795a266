package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.allowedips.AllowedIps;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.noise.NoiseTrace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON API over real HTTP, its values checked against the engine computing on its own. */
class VizApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A fixed wall clock, so the initiation's timestamp (and so H from step 5 on) is reproducible. */
    private static final long TIME = 1_767_225_600_000_000_000L;
    private static VizServer server;

    @BeforeAll
    static void start() {
        server = new VizServer().start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode getJson(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static HttpResponse<String> post(String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int littleEndianIndex(JsonNode message, String field) {
        for (JsonNode f : message.get("fields")) {
            if (f.get("name").asText().equals(field)) {
                return Integer.reverseBytes(Integer.parseUnsignedInt(f.get("hex").asText(), 16));
            }
        }
        throw new AssertionError("no field " + field + " in " + message);
    }

    /** Every byte of {@code annotated} lies in exactly one field, and each field's hex is those bytes. */
    static void assertEveryByteExplainedOnce(JsonNode annotated) {
        String hex = annotated.get("hex").asText();
        int length = hex.length() / 2;
        int[] cover = new int[length];
        for (JsonNode f : annotated.get("fields")) {
            int offset = f.get("offset").asInt();
            int n = f.get("length").asInt();
            assertFalse(f.get("meaning").asText().isBlank(), f.toString());
            assertEquals(hex.substring(2 * offset, 2 * (offset + n)), f.get("hex").asText(), f.toString());
            for (int i = offset; i < offset + n; i++) {
                cover[i]++;
            }
        }
        for (int i = 0; i < length; i++) {
            assertEquals(1, cover[i], "byte " + i + " of " + annotated.get("name").asText() + " covered " + cover[i] + " times");
        }
    }

    @Test
    void handshakeStepsCarryTheEnginesOwnChainingKeyAndHash() throws Exception {
        for (boolean psk : new boolean[] {false, true}) {
            JsonNode h = getJson("/api/handshake?seed=7&psk=" + psk + "&time=" + TIME);
            JsonNode init = h.get("messages").get(0);
            JsonNode resp = h.get("messages").get(1);
            // The engine on its own, same seed, same clock, the indices the API put on the wire.
            EnginePair pair = new EnginePair(7, psk);
            List<NoiseStep> is = new ArrayList<>();
            List<NoiseStep> rs = new ArrayList<>();
            EnginePair.Exchange x = pair.handshake(new Now(0, TIME), littleEndianIndex(init, "sender index"),
                    littleEndianIndex(resp, "sender index"), NoiseTrace.collecting(is), NoiseTrace.collecting(rs));

            assertEquals(pair.identityI.publicKey().base64(), h.get("pair").get("initiator").get("publicKey").asText());
            assertEquals(pair.identityR.publicKey().base64(), h.get("pair").get("responder").get("publicKey").asText());
            assertEquals(HexFormat.of().formatHex(x.initiation()), init.get("hex").asText());
            assertEquals(HexFormat.of().formatHex(x.response()), resp.get("hex").asText());
            JsonNode steps = h.get("steps");
            assertEquals(11, steps.size());
            for (int n = 1; n <= 11; n++) {
                JsonNode s = steps.get(n - 1);
                assertEquals(n, s.get("number").asInt());
                // Step 6 (the MACs) leaves C and H as step 5 made them.
                NoiseStep engine = (n <= 5 ? is : n == 6 ? is : rs).get(n <= 5 ? n - 1 : n == 6 ? 4 : n - 2);
                assertEquals(engine.chainingKeyAfter().hex(), s.get("chainingKeyAfter").asText(), "C after step " + n);
                assertEquals(engine.hashAfter().hex(), s.get("hashAfter").asText(), "H after step " + n);
                if (n != 6) {
                    assertEquals(engine.chainingKeyBefore().hex(), s.get("chainingKeyBefore").asText(), "C before step " + n);
                    assertEquals(engine.hashBefore().hex(), s.get("hashBefore").asText(), "H before step " + n);
                    assertEquals(engine.formula(), s.get("formula").asText());
                    assertEquals(engine.token(), s.get("token").asText());
                }
                assertTrue(s.get("otherSideAgrees").asBoolean(), "step " + n);
            }
            assertEquals(rs.getLast().values().get("T_i->r").hex(), valueOf(h.get("split"), "T_i->r"));
            // Step 10 mixes in Q: the preshared key, or 32 zero bytes without one.
            assertEquals(HexFormat.of().formatHex(pair.presharedKey.secretBytes()), valueOf(steps.get(9), "Q"));
            assertEquals(psk, !valueOf(steps.get(9), "Q").equals("00".repeat(32)));
            assertEveryByteExplainedOnce(init);
            assertEveryByteExplainedOnce(resp);
        }
    }

    private static String valueOf(JsonNode step, String name) {
        for (JsonNode v : step.get("values")) {
            if (v.get("name").asText().equals(name)) {
                return v.get("hex").asText();
            }
        }
        throw new AssertionError("no value " + name + " in " + step);
    }

    @Test
    void freshPairsHaveFreshKeysAndASeedRepeatsThem() throws Exception {
        JsonNode a = getJson("/api/pair");
        JsonNode b = getJson("/api/pair");
        assertNotEquals(a.get("initiator").get("publicKey"), b.get("initiator").get("publicKey"));
        JsonNode again = getJson("/api/pair?seed=" + a.get("seed").asLong());
        assertEquals(a.get("initiator").get("publicKey"), again.get("initiator").get("publicKey"));
        assertEquals(a.get("responder").get("publicKey"), again.get("responder").get("publicKey"));
    }

    @Test
    void routingAnswersAreTheTriesLongestPrefixMatch() throws Exception {
        JsonNode table = getJson("/api/routing/table");
        AllowedIps<String> trie = new AllowedIps<>();
        for (JsonNode peer : table) {
            for (JsonNode p : peer.get("allowedIps")) {
                trie.insert(Prefix.parse(p.asText()), peer.get("name").asText());
            }
        }
        DeterministicEntropy e = new DeterministicEntropy(11);
        List<String> addresses = new ArrayList<>(List.of("10.0.0.5", "10.0.0.200", "192.168.10.9", "8.8.8.8", "fd00::1", "fd01::1"));
        for (int i = 0; i < 40; i++) {
            // Half near the table's prefixes, half anywhere.
            int a = e.nextInt();
            addresses.add(i % 2 == 0 ? "10.0.0." + (a & 0xff) : (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff));
        }
        for (String address : addresses) {
            HttpResponse<String> r = post("/api/routing", java.util.Map.of("peers", table, "address", address, "from", "office"));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = JSON.readTree(r.body());
            String expected = trie.lookup(RoutingView.address(address));
            assertEquals(expected, answer.get("peer").isNull() ? null : answer.get("peer").asText(), address);
            long winners = 0;
            for (JsonNode entry : answer.get("entries")) {
                if (entry.get("winner").asBoolean()) {
                    winners++;
                    assertEquals(expected, entry.get("peer").asText());
                    assertTrue(Prefix.parse(entry.get("prefix").asText()).contains(RoutingView.address(address)));
                }
            }
            assertEquals(expected == null ? 0 : 1, winners, address);
            assertEquals("office".equals(expected), answer.get("inbound").get("accepted").asBoolean(), address);
        }
        HttpResponse<String> none = post("/api/routing", java.util.Map.of("peers", List.of(java.util.Map.of("name", "a", "endpoint", "",
                "allowedIps", List.of("10.0.0.0/8"))), "address", "192.0.2.1"));
        assertNull(JSON.readTree(none.body()).get("peer").textValue());
        HttpResponse<String> bad = post("/api/routing", java.util.Map.of("peers", List.of(java.util.Map.of("name", "a", "endpoint", "",
                "allowedIps", List.of("10.0.0.0/33"))), "address", "10.0.0.1"));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("cidr 33"), bad.body());
    }

    @Test
    void aPacketsJourneyIsDeliveredOnceWithEveryByteExplained() throws Exception {
        JsonNode j = getJson("/api/journey?seed=7&time=" + TIME + "&dst=10.0.0.5&payload=GET%20/status");
        assertTrue(j.get("delivered").asBoolean());
        assertEquals(8, j.get("steps").size());
        int annotated = 0;
        for (JsonNode s : j.get("steps")) {
            if (!s.get("bytes").isNull()) {
                assertEveryByteExplainedOnce(s.get("bytes"));
                annotated++;
            }
        }
        assertEquals(5, annotated, "inner packet, message, datagram, wire, delivered packet");
        String inner = j.get("steps").get(0).get("bytes").get("hex").asText();
        assertEquals(inner, j.get("steps").get(7).get("bytes").get("hex").asText(), "the server gets exactly what the laptop sent");
        String checks = j.get("steps").get(7).get("values").toString();
        assertTrue(checks.contains("dropped, REPLAYED_COUNTER"), checks);

        JsonNode unrouted = getJson("/api/journey?seed=7&dst=192.0.2.99");
        assertFalse(unrouted.get("delivered").asBoolean());
        assertEquals(2, unrouted.get("steps").size());
    }

    @Test
    void anIpv6PacketMakesTheSameJourney() throws Exception {
        JsonNode j = getJson("/api/journey?seed=7&time=" + TIME + "&dst=fd00::5&payload=hello");
        assertTrue(j.get("delivered").asBoolean(), j.toString());
        JsonNode innerStep = j.get("steps").get(0).get("bytes");
        assertEveryByteExplainedOnce(innerStep);
        String inner = innerStep.get("hex").asText();
        assertEquals("6", inner.substring(0, 1), "an IPv6 packet");
        assertEquals(40 + 8 + 5, inner.length() / 2);
        assertEquals(inner, j.get("steps").get(7).get("bytes").get("hex").asText(), "the server gets exactly what the laptop sent");
        JsonNode fields = innerStep.get("fields");
        assertEquals("source address", fields.get(4).get("name").asText());
        assertTrue(fields.get(4).get("meaning").asText().startsWith("fd00:0:0:0:0:0:0:2: "), fields.get(4).toString());
        assertTrue(j.get("steps").get(1).get("summary").asText().contains("fd00::/64"), j.get("steps").get(1).toString());
        String checks = j.get("steps").get(7).get("values").toString();
        assertTrue(checks.contains("fd00:0:0:0:0:0:0:2 is in the laptop's AllowedIPs") && checks.contains("accepted"), checks);
        assertFalse(getJson("/api/journey?seed=7&dst=2001:db8::1").get("delivered").asBoolean(), "no route outside fd00::/64");
    }

    @Test
    void aBuiltInScenarioRunsWithItsTraceAndDatagrams() throws Exception {
        JsonNode list = getJson("/api/scenarios");
        assertTrue(list.size() >= 20, list.toString());
        HttpResponse<String> r = post("/api/scenarios/run", java.util.Map.of("name", "basic-handshake", "seed", 3));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode run = JSON.readTree(r.body());
        assertTrue(run.get("passed").asBoolean(), run.get("verdicts").toString());
        assertEquals(3, run.get("seed").asLong());
        JsonNode firstSend = null;
        for (JsonNode rec : run.get("records")) {
            if ("udp.send".equals(rec.path("kind").asText())) {
                firstSend = rec;
                break;
            }
        }
        assertEquals(1, firstSend.get("type").asInt(), "the first datagram is alice's initiation");
        String hex = run.get("datagrams").get(firstSend.get("id").asText()).asText();
        assertEquals(148 * 2, hex.length());
        JsonNode annotated = getJson("/api/annotate?hex=" + hex);
        assertEveryByteExplainedOnce(annotated);

        HttpResponse<String> bad = post("/api/scenarios/run", java.util.Map.of("yaml", "name: x\nduration: forever\n"));
        assertEquals(400, bad.statusCode(), bad.body());
    }

    static HttpResponse<byte[]> postForBytes(String path, Object body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aPastedScenarioErrorNamesItsLineAndField() throws Exception {
        String yaml = new String(VizApiTest.class.getResourceAsStream("capture-fixture.yaml").readAllBytes(), StandardCharsets.UTF_8)
                .replace("loss: 15%", "loss: 15 percent");
        HttpResponse<String> bad = post("/api/scenarios/run", Map.of("name", "basic-handshake", "yaml", yaml));
        assertEquals(400, bad.statusCode());
        String error = JSON.readTree(bad.body()).get("error").asText();
        assertTrue(error.startsWith("pasted.yaml:12:38: "), error);
        assertTrue(error.contains("hosts[0].links.both.loss: not a probability: '15 percent'"), error);
    }

    @Test
    void faultsFromTheFormReachEveryLink() throws Exception {
        JsonNode clean = JSON.readTree(post("/api/scenarios/run", Map.of("name", "basic-handshake")).body());
        JsonNode lossy = JSON.readTree(post("/api/scenarios/run", Map.of("name", "basic-handshake",
                "faults", Map.of("loss", "30%", "duplicate", "10%"))).body());
        assertEquals(0, count(clean, "link.lost") + count(clean, "link.duplicate"), "basic-handshake's links are clean");
        assertTrue(count(lossy, "link.lost") > 0 && count(lossy, "link.duplicate") > 0, "30% loss, 10% duplicates");
        assertNotEquals(clean.get("traceSha256").asText(), lossy.get("traceSha256").asText());
        HttpResponse<String> bad = post("/api/scenarios/run", Map.of("name", "basic-handshake", "faults", Map.of("reorder", "half")));
        assertEquals(400, bad.statusCode());
        assertEquals("faults.reorder: not a probability: 'half' (write 30%, 12.5%, 1/3 or 0.25)",
                JSON.readTree(bad.body()).get("error").asText());
    }

    private static long count(JsonNode run, String kind) {
        long n = 0;
        for (JsonNode r : run.get("records")) {
            n += kind.equals(r.path("kind").asText()) ? 1 : 0;
        }
        return n;
    }

    /**
     * The lab's downloads are the run the page showed: the trace file hashes to the run's SHA-256, and
     * its pcap with its key log, loaded into section 7, decrypts every frame.
     */
    @Test
    void aRunsTracePcapAndKeylogDownloadAndTheCaptureDecrypts() throws Exception {
        Map<String, Object> request = Map.of("name", "basic-handshake", "seed", 5, "faults", Map.of("loss", "10%"));
        JsonNode run = JSON.readTree(post("/api/scenarios/run", request).body());
        HttpResponse<byte[]> trace = postForBytes("/api/scenarios/files/trace", request);
        assertEquals(200, trace.statusCode());
        assertEquals("attachment; filename=\"basic-handshake-seed5.jsonl\"", trace.headers().firstValue("Content-Disposition").orElseThrow());
        assertEquals(run.get("traceSha256").asText(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(trace.body())));
        assertEquals(run.get("traceRecords").asLong(), new String(trace.body(), StandardCharsets.UTF_8).lines().count() - 1,
                "the header line, then one line per record");
        byte[] pcap = postForBytes("/api/scenarios/files/pcap", request).body();
        assertEquals("4d3cb2a1", HexFormat.of().formatHex(pcap, 0, 4), "a nanosecond pcap, little-endian");
        String keylog = new String(postForBytes("/api/scenarios/files/keylog", request).body(), StandardCharsets.US_ASCII);
        assertTrue(keylog.startsWith("LOCAL_STATIC_PRIVATE_KEY = "), keylog);

        HttpResponse<String> r = post("/api/capture", Map.of("pcapName", "run.pcap", "pcap", Base64.getEncoder().encodeToString(pcap),
                "keylogName", "run.keys", "keylog", keylog));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode loaded = JSON.readTree(r.body());
        assertTrue(loaded.get("frames").asInt() > 20, loaded.get("frames").toString());
        assertEquals(loaded.get("frames").asInt(), loaded.get("decrypted").asInt());
        for (JsonNode row : loaded.get("rows")) {
            assertEveryByteExplainedOnce(row.get("bytes"));
            if (!row.get("inner").isNull()) {
                assertEveryByteExplainedOnce(row.get("inner"));
            }
        }
        assertEquals(400, postForBytes("/api/scenarios/files/bytes", request).statusCode());
    }

    @Test
    void aBadUploadIsA400ThatSaysWhatIsWrong() throws Exception {
        String pcap = Base64.getEncoder().encodeToString(postForBytes("/api/scenarios/files/pcap", Map.of("name", "basic-handshake")).body());
        assertEquals("k.keys line 2: unknown key type 'SECRET'; expected LOCAL_STATIC_PRIVATE_KEY, REMOTE_STATIC_PUBLIC_KEY,"
                + " LOCAL_EPHEMERAL_PRIVATE_KEY or PRESHARED_KEY", error(Map.of("pcap", pcap, "keylogName", "k.keys",
                        "keylog", "\nSECRET = AAAA")));
        assertEquals("no capture was sent: choose a pcap or pcapng file", error(Map.of("keylog", "")));
        assertTrue(error(Map.of("pcap", "%%%")).startsWith("the capture did not arrive as base64"));
        assertTrue(error(Map.of("pcapName", "notes.txt", "pcap", Base64.getEncoder().encodeToString(new byte[100])))
                .startsWith("notes.txt: not a capture libpcap can read"));
    }

    private static String error(Map<String, Object> body) throws Exception {
        HttpResponse<String> r = post("/api/capture", body);
        assertEquals(400, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("error").asText();
    }

    /** A streamed run as its client sees it: every message in order, and the socket's close status once closed. */
    static final class Streamed implements WebSocket.Listener {
        final List<JsonNode> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        final CompletableFuture<JsonNode> firstProgress = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            // A large answer (the final run) arrives in parts.
            part.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(part.toString());
                    messages.add(m);
                    if (m.has("progress")) {
                        firstProgress.complete(m);
                    }
                } catch (Exception e) {
                    closed.completeExceptionally(e);
                }
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.complete(status);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        /** Waits for the server to close the socket; the messages, all of them. */
        List<JsonNode> untilClosed() throws Exception {
            assertEquals(1000, closed.get(60, TimeUnit.SECONDS), "the server closes normally after its last message");
            return messages;
        }
    }

    /** Opens /api/scenarios/stream and sends {@code request} as its first message. */
    static Streamed stream(Object request) throws Exception {
        Streamed s = new Streamed();
        s.socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/scenarios/stream"), s)
                .get(10, TimeUnit.SECONDS);
        s.socket.sendText(JSON.writeValueAsString(request), true).get(10, TimeUnit.SECONDS);
        return s;
    }

    @Test
    void aStreamedRunReportsProgressWhileItRunsThenThePostsAnswer() throws Exception {
        // burst-loss writes ~8,000 records: at least one progress message per 2,000, whatever the machine's speed.
        Map<String, Object> request = Map.of("name", "burst-loss", "seed", 11, "faults", Map.of("duplicate", "5%"));
        List<JsonNode> messages = stream(request).untilClosed();
        JsonNode posted = JSON.readTree(post("/api/scenarios/run", request).body());
        JsonNode last = messages.getLast();
        assertEquals(posted, last, "the last message is the POST's answer, field for field");
        List<JsonNode> progress = messages.subList(0, messages.size() - 1);
        assertTrue(progress.size() >= 4, progress.size() + " progress messages for " + posted.get("traceRecords") + " records");
        long records = 0;
        long t = -1;
        for (JsonNode p : progress) {
            assertEquals(Set.of("progress", "t"), Set.copyOf(iterable(p.fieldNames())), p.toString());
            assertTrue(p.get("progress").asLong() > records, "record counts grow: " + progress);
            assertTrue(p.get("t").asLong() >= t, "virtual time does not go back: " + progress);
            records = p.get("progress").asLong();
            t = p.get("t").asLong();
        }
        assertTrue(records <= posted.get("traceRecords").asLong(), records + " reported, " + posted.get("traceRecords") + " in all");
        assertTrue(t > progress.getFirst().get("t").asLong() && t <= 61_000_000_000L,
                "the reported virtual time moves through the scenario's 60 s: " + progress);
    }

    private static <T> List<T> iterable(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void aStreamedBadScenarioGetsThePostsErrorWithItsLine() throws Exception {
        String yaml = new String(VizApiTest.class.getResourceAsStream("capture-fixture.yaml").readAllBytes(), StandardCharsets.UTF_8)
                .replace("loss: 15%", "loss: 15 percent");
        Map<String, Object> request = Map.of("name", "basic-handshake", "yaml", yaml);
        List<JsonNode> messages = stream(request).untilClosed();
        HttpResponse<String> posted = post("/api/scenarios/run", request);
        assertEquals(400, posted.statusCode());
        assertEquals(List.of(JSON.readTree(posted.body())), messages);
        assertTrue(messages.getFirst().get("error").asText().startsWith("pasted.yaml:12:38: "), messages.toString());

        Streamed garbage = new Streamed();
        garbage.socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/api/scenarios/stream"),
                garbage).get(10, TimeUnit.SECONDS);
        garbage.socket.sendText("run basic-handshake please", true).get(10, TimeUnit.SECONDS);
        String error = garbage.untilClosed().getFirst().get("error").asText();
        assertTrue(error.startsWith("the first message must be a run request as JSON"), error);
    }

    @Test
    void twoRunsStreamAtOnceAThirdIsRefusedAndClosingASocketStopsItsRun() throws Exception {
        // hub-1000-peers takes seconds to simulate; each socket is closed after its first progress message.
        long stoppedBefore = server.streamedRunsStopped();
        Streamed a = stream(Map.of("name", "hub-1000-peers"));
        Streamed b = stream(Map.of("name", "hub-1000-peers", "seed", 2));
        a.firstProgress.get(60, TimeUnit.SECONDS);
        b.firstProgress.get(60, TimeUnit.SECONDS);
        assertEquals(2, server.streamedRuns());
        List<JsonNode> refused = stream(Map.of("name", "basic-handshake")).untilClosed();
        assertEquals(1, refused.size(), refused.toString());
        assertTrue(refused.getFirst().get("error").asText().startsWith("the server is busy: it runs at most 2 scenario runs"), refused.toString());

        a.socket.sendClose(WebSocket.NORMAL_CLOSURE, "tab closed").get(10, TimeUnit.SECONDS);
        b.socket.abort();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (server.streamedRuns() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, server.streamedRuns(), "both runs ended once their sockets closed");
        assertEquals(stoppedBefore + 2, server.streamedRunsStopped(), "they were stopped, not run to the end");
    }
}
