package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any bytes as the body of any of the server's POST endpoints (Jazzer; without JAZZER_FUZZ the
 * committed inputs in RequestBodyFuzzTestInputs/ run as plain tests: a run request, a pasted
 * scenario, a routing table, a capture, truncated JSON, wrong types, a bad path). The first byte picks
 * the endpoint, the rest is the body. Every answer is a success or a clear refusal (400, 413, 503)
 * with its reason in {"error": …}: never a 500, whoever sent what.
 */
class RequestBodyFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> ENDPOINTS = List.of("/api/scenarios/run", "/api/routing", "/api/capture",
            "/api/scenarios/files/trace", "/api/scenarios/files/nonsense");
    private static final Set<Integer> REFUSALS = Set.of(400, 413, 503);
    private static VizServer server;

    @BeforeAll
    static void start() {
        // A small budget: a fuzzed scenario may ask for a day of traffic; the answer is the point, not the run.
        server = new VizServer(new RunBudget(20_000, 2_000, RunBudget.DEFAULT.heapShareMax()), 1).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @FuzzTest(maxDuration = "5m")
    void everyBodyGetsAnAnswerOrAClearRefusal(byte[] input) throws Exception {
        String path = ENDPOINTS.get(input.length == 0 ? 0 : (input[0] & 0xff) % ENDPOINTS.size());
        byte[] body = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        String said = path + " -> " + r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length()));
        assertTrue(r.statusCode() == 200 || REFUSALS.contains(r.statusCode()), said);
        if (r.statusCode() != 200) {
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertFalse(error.asText().isBlank(), "a refusal says why: " + said);
        }
    }
}
