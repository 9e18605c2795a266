package dev.wirelab.viz;

import dev.wirelab.sim.scenario.ScenarioError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;

/**
 * The visualizer's HTTP server: the static page (classpath /public) and a JSON API over the real
 * engine and simulator. Stateless: every answer is recomputed from the request (a seed, a time, a
 * table), so a deep link or a test can ask for the same values again.
 *
 * <pre>
 *   GET  /api/pair?seed=&amp;psk=&amp;time=        two peers; no seed: a fresh one from SecureRandom
 *   GET  /api/handshake?seed=&amp;psk=&amp;time=   the 11 steps, C and H, DH values, keys, messages by field
 *   GET  /api/routing/table                  the page's starting peer table
 *   POST /api/routing                        {peers, address, from}: the trie's answer
 *   GET  /api/journey?seed=&amp;time=&amp;dst=&amp;payload=   a packet's 8 steps, real bytes
 *   GET  /api/scenarios                      the built-in scenarios
 *   GET  /api/scenarios/{name}               one scenario's YAML
 *   POST /api/scenarios/run                  {name | yaml, seed, faults}: trace records, verdicts, datagrams
 *   WS   /api/scenarios/stream               the same request as first message: progress while it runs, then
 *                                            the same answer (see {@link ScenarioStream})
 *   POST /api/scenarios/files/{trace|pcap|keylog}   the same body: the run's file, as a download
 *   GET  /api/annotate?hex=                  a WireGuard message, field by field
 *   POST /api/capture                        {pcapName, pcap (base64), keylogName, keylog}: every frame, decrypted
 * </pre>
 * Bad input (a prefix that does not parse, a bad scenario file) is a 400 with {"error": message}
 * (on the socket: that message, then it closes). Every run is held to a {@link RunBudget} (an answer
 * that reached it says so in {@code cut}), and at most {@code runsMax} runs and capture loads go at
 * once ({@link Slots}): the next waits briefly, then gets a 503 with Retry-After.
 */
public final class VizServer implements AutoCloseable {
    /** The largest request body: an uploaded capture travels as base64 in JSON, 4/3 of the largest file, plus its key log. */
    static final long REQUEST_BYTES_MAX = CaptureFile.BYTES_MAX / 3 * 4 + CaptureKeylog.BYTES_MAX + 4096;
    /** Runs at once by default: one per core of the machines it is made for. */
    public static final int RUNS_MAX_DEFAULT = 2;
    private final SecureRandom random = new SecureRandom();
    private final ScenarioView scenarios = ScenarioView.fromClassPath();
    private final RunBudget budget;
    private final Slots slots;
    private final ScenarioStream streams;
    private Javalin app;

    /** A server with the default run budget and {@link #RUNS_MAX_DEFAULT} runs at once. */
    public VizServer() {
        this(RunBudget.DEFAULT, RUNS_MAX_DEFAULT);
    }

    /** A server whose every run is held to {@code budget}, at most {@code runsMax} of them at once. */
    public VizServer(RunBudget budget, int runsMax) {
        this.budget = budget;
        this.slots = new Slots(runsMax);
        this.streams = new ScenarioStream(scenarios, budget, slots);
    }

    /**
     * Starts listening on {@code host}:{@code port} (0: any free port) and returns at once; the
     * server runs on Jetty's threads until {@link #close()}.
     */
    public VizServer start(String host, int port) {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.staticFiles.add("/public", Location.CLASSPATH);
            config.http.maxRequestSize = REQUEST_BYTES_MAX;
            // Refused on its headers, before a byte of the body is read: the sender learns at once.
            config.routes.before(ctx -> {
                if (ctx.contentLength() > REQUEST_BYTES_MAX) {
                    throw new io.javalin.http.ContentTooLargeResponse();
                }
            });
            // A run request on the socket may carry the same pasted YAML the POST takes.
            config.jetty.modifyWebSocketServletFactory(f -> f.setMaxTextMessageSize(config.http.maxRequestSize));
            config.routes.get("/api/pair", ctx -> ctx.json(HandshakeView.pair(lab(ctx).run())));
            config.routes.get("/api/handshake", ctx -> ctx.json(HandshakeView.of(lab(ctx).run())));
            config.routes.get("/api/routing/table", ctx -> ctx.json(RoutingView.defaultTable()));
            config.routes.post("/api/routing", ctx -> ctx.json(RoutingView.route(ctx.bodyAsClass(RoutingView.Request.class))));
            config.routes.get("/api/journey", ctx -> ctx.json(JourneyView.of(lab(ctx).run(),
                    param(ctx, "dst", "10.0.0.5"), param(ctx, "payload", "GET /status"))));
            config.routes.get("/api/scenarios", ctx -> ctx.json(scenarios.list()));
            config.routes.get("/api/scenarios/{name}", ctx -> ctx.contentType("text/yaml; charset=utf-8")
                    .result(scenarios.yaml(ctx.pathParam("name"))));
            config.routes.post("/api/scenarios/run", ctx -> {
                RunRequest r = ctx.bodyAsClass(RunRequest.class);
                try (Slots.Slot slot = slots.take("scenario run", Slots.WAIT_MILLIS)) {
                    ctx.json(scenarios.run(r.name(), r.yaml(), r.seed(), r.faults(), budget, line -> {}));
                }
            });
            config.routes.ws("/api/scenarios/stream", streams::routes);
            config.routes.post("/api/capture", ctx -> {
                CaptureRequest r = ctx.bodyAsClass(CaptureRequest.class);
                try (Slots.Slot slot = slots.take("capture load", Slots.WAIT_MILLIS)) {
                    ctx.json(CaptureView.load(name(r.pcapName(), "capture.pcap"), base64(r.pcap()), name(r.keylogName(), "keylog"),
                            r.keylog()));
                }
            });
            config.routes.post("/api/scenarios/files/{what}", ctx -> {
                RunRequest r = ctx.bodyAsClass(RunRequest.class);
                String what = ctx.pathParam("what");
                if (!List.of("trace", "pcap", "keylog").contains(what)) {
                    throw new IllegalArgumentException("a run's files are trace, pcap and keylog, not '" + what + "'");
                }
                ScenarioView.RunFiles f;
                try (Slots.Slot slot = slots.take("download (it runs the scenario again)", Slots.WAIT_MILLIS)) {
                    f = scenarios.files(r.name(), r.yaml(), r.seed(), r.faults(), budget);
                }
                switch (what) {
                    case "trace" -> download(ctx, f.baseName() + ".jsonl", "application/x-ndjson", f.trace());
                    case "pcap" -> download(ctx, f.baseName() + ".pcap", "application/vnd.tcpdump.pcap", f.pcap());
                    default -> download(ctx, f.baseName() + ".keys", "text/plain; charset=us-ascii",
                            f.keylog().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            });
            config.routes.get("/api/annotate", ctx -> ctx.json(ScenarioView.annotate(param(ctx, "hex", ""))));
            // Bad input from the page is the user's to fix: say what is wrong, no stack trace.
            config.routes.exception(IllegalArgumentException.class, (e, ctx) -> ctx.status(400).json(error(e)));
            config.routes.exception(CaptureError.class, (e, ctx) -> ctx.status(400).json(error(e)));
            config.routes.exception(ScenarioError.class, (e, ctx) -> ctx.status(400).json(error(e)));
            // A body that is not the JSON an endpoint takes is the sender's to fix.
            config.routes.exception(com.fasterxml.jackson.core.JacksonException.class, (e, ctx) -> ctx.status(400)
                    .json(Map.of("error", "the request body is not the JSON " + ctx.path() + " takes: " + e.getOriginalMessage())));
            // A body over the limit, said in JSON like every other refusal, with the limit.
            config.routes.exception(io.javalin.http.HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(Map.of(
                    "error", e.getStatus() != 413 ? e.getMessage() : "the request is larger than this server takes ("
                            + ctx.contentLength() + " bytes; at most " + REQUEST_BYTES_MAX + "): a capture of at most "
                            + CaptureFile.BYTES_MAX / (1024 * 1024) + " MB, or a smaller scenario")));
            // Busy is no error of the request: come back soon.
            config.routes.exception(Slots.Busy.class, (e, ctx) -> ctx.status(503)
                    .header("Retry-After", Integer.toString(Slots.RETRY_AFTER_SECONDS)).json(error(e)));
        });
        app.start(host, port);
        return this;
    }

    /** The answer to bad input, over HTTP (with a 400) and on the socket alike. */
    static Map<String, String> error(RuntimeException e) {
        return Map.of("error", String.valueOf(e.getMessage()));
    }

    record RunRequest(String name, String yaml, Long seed, LabFaults faults) {}

    record CaptureRequest(String pcapName, String pcap, String keylogName, String keylog) {}

    private static byte[] base64(String text) {
        if (text == null || text.isEmpty()) {
            throw new CaptureError("no capture was sent: choose a pcap or pcapng file");
        }
        try {
            return java.util.Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new CaptureError("the capture did not arrive as base64 (" + e.getMessage() + ")");
        }
    }

    private static void download(Context ctx, String fileName, String type, byte[] body) {
        ctx.contentType(type).header("Content-Disposition", "attachment; filename=\"" + fileName.replaceAll("[^A-Za-z0-9._-]", "_") + "\"")
                .result(body);
    }

    private static String name(String given, String fallback) {
        return given == null || given.isBlank() ? fallback : given.strip();
    }

    /** The port it listens on (the real one when started with 0). */
    public int port() {
        return app.port();
    }

    /** Scenario runs streaming over WebSockets now (tests watch a closed socket's run end). */
    int streamedRuns() {
        return streams.running();
    }

    /** Streamed runs stopped early because their socket closed. */
    long streamedRunsStopped() {
        return streams.stopped();
    }

    /** The page's address, for people: a wildcard host is shown as localhost. */
    public String url(String host) {
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host;
        return "http://" + (shown.contains(":") ? "[" + shown + "]" : shown) + ":" + port() + "/";
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
    }

    /** The lab a request names: its seed (none: a fresh random one), preshared key flag and wall time. */
    private Lab lab(Context ctx) {
        String seed = ctx.queryParam("seed");
        String time = ctx.queryParam("time");
        return new Lab(seed == null || seed.isBlank() ? random.nextLong() : number(seed, "seed"),
                Boolean.parseBoolean(ctx.queryParam("psk")),
                time == null || time.isBlank() ? System.currentTimeMillis() * 1_000_000L : number(time, "time"));
    }

    private static long number(String text, String name) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got \"" + text + "\"");
        }
    }

    private static String param(Context ctx, String name, String fallback) {
        String v = ctx.queryParam(name);
        return v == null ? fallback : v;
    }
}
