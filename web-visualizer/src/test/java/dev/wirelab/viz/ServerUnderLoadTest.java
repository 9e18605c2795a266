package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The visualizer server under a load like a classroom's worst minute, in its own JVM with a 256 MB
 * heap: three concurrent runs of a pasted 19,999-spoke day with a ping per spoke every second (too big
 * for its heap: not started), one of 200 spokes pinging for an hour (cut by its budget), a run streamed
 * and abandoned,
 * uploads over the size limit, and malformed bodies. Every answer must be a
 * clear 4xx, a 503 or a run marked as cut, never a 500; the page answers quickly meanwhile; after
 * it, the heap (after a GC) is bounded and no run is left using CPU.
 */
class ServerUnderLoadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The child's budget: small enough that the test takes seconds, not the default minute. */
    private static final long RECORDS_MAX = 2_000_000;
    private static final long WALL_MILLIS_MAX = 10_000;

    private Process server;
    private PrintWriter control;
    private BufferedReader answers;
    private String base;

    @BeforeEach
    void startServerWithASmallHeap() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        server = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                SmallHeapServer.class.getName(), Long.toString(RECORDS_MAX), Long.toString(WALL_MILLIS_MAX))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        control = new PrintWriter(server.getOutputStream(), true, StandardCharsets.US_ASCII);
        answers = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.US_ASCII));
        String first = answers.readLine();
        assertTrue(first != null && first.startsWith("port "), "the server said " + first);
        base = "http://127.0.0.1:" + first.substring(5).strip();
    }

    @AfterEach
    void stop() throws Exception {
        control.close();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly().waitFor();
        }
    }

    /** A pasted scenario of {@code spokes} spokes and a hub, a day long, {@code pings} per spoke, one a second. */
    static String dayOf(int spokes, int pings) {
        return """
                name: classroom-worst-case
                seed: 1
                duration: 24h
                hosts:
                  - name: hub
                    endpoint: 192.0.2.1:51820
                    address: 10.0.0.1
                    peers:
                      - {PublicKey: spoke*}
                  - name: spoke
                    count: %d
                    endpoint: 198.18.0.1:51820
                    address: 10.1.0.1
                    peers:
                      - {PublicKey: hub, Endpoint: hub, AllowedIPs: 10.0.0.1/32}
                traffic:
                  - ping: {from: spoke*, to: hub, start: 1s, interval: 1s, count: %d}
                """.formatted(spokes, pings);
    }

    @Test
    void everyAnswerIsAClearRefusalOrACutRunTheHeapStaysBoundedAndNothingKeepsRunning() throws Exception {
        // As many hosts as the format allows: more than a 256 MB server's budget for runs, so not started.
        String huge = JSON.writeValueAsString(Map.of("yaml", dayOf(19_999, 86_400)));
        // 200 spokes pinging for an hour fit, and run until their budget cuts them.
        String big = JSON.writeValueAsString(Map.of("yaml", dayOf(200, 3_600)));
        List<CompletableFuture<HttpResponse<String>>> load = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            load.add(post("/api/scenarios/run", huge));
        }
        load.add(post("/api/scenarios/run", big));
        // A stream of a big run, abandoned after its first message.
        CompletableFuture<Void> progressed = new CompletableFuture<>();
        WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(base.replace("http", "ws") + "/api/scenarios/stream"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        progressed.complete(null);
                        ws.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        socket.sendText(big, true).get(10, TimeUnit.SECONDS);
        // Over the size limit, and malformed.
        // An upload over the limit, by hand: its headers and the start of its body, then the answer. (A
        // client that sends the whole body blind races the server's 413 and may see only a closed socket.)
        String refused = oversizeUpload(64 * 1024 * 1024);
        System.out.println("[load] /api/capture, 64 MB -> " + refused.lines().findFirst().orElse(""));
        assertTrue(refused.startsWith("HTTP/1.1 413 "), refused);
        assertTrue(refused.contains("{\"error\":\"the request is larger than this server takes"), refused);
        load.add(post("/api/scenarios/run", "{not json"));
        load.add(post("/api/routing", "[1,2,3]"));
        load.add(post("/api/capture", "{\"pcapName\":\"x.pcap\",\"pcap\":\"!!!not base64!!!\"}"));
        load.add(post("/api/scenarios/files/pcap", huge));

        // Meanwhile the page answers, and quickly.
        for (String path : List.of("/", "/api/pair?seed=1", "/api/scenarios")) {
            long t0 = System.nanoTime();
            HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(200, page.statusCode(), path);
            assertTrue(millis < 3_000, path + " took " + millis + " ms under load");
        }
        progressed.get(60, TimeUnit.SECONDS);
        socket.abort();

        int cut = 0;
        int busy = 0;
        for (CompletableFuture<HttpResponse<String>> f : load) {
            HttpResponse<String> r = f.get(120, TimeUnit.SECONDS);
            String what = r.request().uri().getPath() + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length()));
            JsonNode json = r.body().startsWith("{") ? JSON.readTree(r.body()) : null;
            String said = json == null ? r.body().length() + " bytes" : json.has("error") ? json.get("error").asText()
                    : json.path("cut").asText();
            System.out.println("[load] " + r.request().uri().getPath() + " -> " + r.statusCode() + ": " + said);
            assertTrue(r.statusCode() != 500, what);
            if (r.statusCode() == 200 && r.request().uri().getPath().equals("/api/scenarios/run")) {
                JsonNode answer = JSON.readTree(r.body());
                assertTrue(answer.hasNonNull("cut"), "a day of thousands of hosts is cut by the budget: " + what);
                cut++;
            } else if (r.statusCode() == 503) {
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), what);
                assertTrue(JSON.readTree(r.body()).get("error").asText().startsWith("the server is busy"), what);
                busy++;
            } else if (r.statusCode() != 200) {
                assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, what);
                assertTrue(!JSON.readTree(r.body()).path("error").asText().isEmpty(), "a refusal says why, in JSON: " + what);
            }
        }
        assertTrue(cut >= 1 && cut + busy == 4, cut + " cut and " + busy + " busy of the four big runs");

        String heapLine = ask("heap");
        System.out.println("[load] after the load: " + heapLine);
        long heap = Long.parseLong(heapLine.split(" ")[1]);
        assertTrue(heap < 128L * 1024 * 1024, "heap in use after GC, after the load: " + heap + " B");
        long cpu0 = Long.parseLong(ask("cpu").split(" ")[1]);
        Thread.sleep(2_000);
        long cpu1 = Long.parseLong(ask("cpu").split(" ")[1]);
        assertTrue(cpu1 - cpu0 < 500_000_000L, "the server used " + (cpu1 - cpu0) / 1_000_000 + " ms of CPU in 2 s with no client");
    }

    private CompletableFuture<HttpResponse<String>> post(String path, String body) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends the headers of a POST /api/capture of {@code bytes} and 1 KB of its body; returns what the server answers. */
    private String oversizeUpload(int bytes) throws Exception {
        URI uri = URI.create(base);
        try (java.net.Socket s = new java.net.Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000);
            String head = "POST /api/capture HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + bytes + "\r\n\r\n{\"pcapName\":\"big.pcap\",\"pcap\":\"" + "A".repeat(1024);
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            byte[] answer = new byte[4096];
            int n = 0;
            try {
                for (int r; n < answer.length && (r = s.getInputStream().read(answer, n, answer.length - n)) > 0; ) {
                    n += r;
                    if (new String(answer, 0, n, StandardCharsets.US_ASCII).contains("\"}")) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // The server may close once it has answered; what it sent is read.
            }
            return new String(answer, 0, n, StandardCharsets.US_ASCII);
        }
    }

    private String ask(String command) throws Exception {
        control.println(command);
        String line = answers.readLine();
        assertTrue(line != null && line.startsWith(command + " "), "the server answered " + line);
        return line;
    }
}
