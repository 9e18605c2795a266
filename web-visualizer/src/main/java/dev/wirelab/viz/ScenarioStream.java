package dev.wirelab.viz;

import dev.wirelab.sim.scenario.ScenarioError;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The scenario lab's run over a WebSocket (/api/scenarios/stream), so the page can show a long run
 * moving instead of a request that hangs. The first message is the request POST /api/scenarios/run
 * takes; the scenario then runs on its own virtual thread and the socket carries
 * <pre>
 *   {"progress": trace records so far, "t": virtual time in ns of the latest one}   every 100 ms or 2,000 records
 *   the run, exactly as POST /api/scenarios/run answers it                       once, at the end
 *   {"error": message}                                                           instead, for a bad request
 * </pre>
 * after which the server closes it. Closing it first stops the run at its next trace record: a
 * closed tab must not keep simulating. A run takes one of the server's {@link Slots}, shared with the
 * POST endpoints, at once or not at all: with none free it is refused with the busy error.
 */
final class ScenarioStream {
    /** Progress goes out when this much wall time or this many records passed since the last one. */
    static final long PROGRESS_NANOS = 100_000_000L;
    static final long PROGRESS_RECORDS = 2_000;


    private final ScenarioView scenarios;
    private final RunBudget budget;
    private final Slots slots;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong stopped = new AtomicLong();
    /** Session id → its run's "the socket closed" flag, while the run goes on. */
    private final Map<String, AtomicBoolean> runs = new ConcurrentHashMap<>();

    record Progress(long progress, long t) {}

    /** Thrown from the trace consumer when the socket closed: unwinds the simulator, nobody to tell. */
    private static final class Closed extends RuntimeException {
        Closed() {
            super(null, null, false, false);
        }
    }

    ScenarioStream(ScenarioView scenarios, RunBudget budget, Slots slots) {
        this.scenarios = scenarios;
        this.budget = budget;
        this.slots = slots;
    }

    void routes(WsConfig ws) {
        ws.onMessage(this::start);
        ws.onClose(ctx -> stop(ctx.sessionId()));
        ws.onError(ctx -> stop(ctx.sessionId()));
    }

    /** Runs streaming now. */
    int running() {
        return running.get();
    }

    /** Runs stopped early because their socket closed, since the server started. */
    long stopped() {
        return stopped.get();
    }

    private void stop(String sessionId) {
        AtomicBoolean closed = runs.remove(sessionId);
        if (closed != null) {
            closed.set(true);
        }
    }

    private void start(WsMessageContext ctx) {
        VizServer.RunRequest r;
        try {
            r = ctx.messageAsClass(VizServer.RunRequest.class);
        } catch (Exception e) { // Jackson's checked JsonProcessingException, thrown through Kotlin undeclared

            finish(ctx, Map.of("error", "the first message must be a run request as JSON, {name | yaml, seed, faults}: " + e.getMessage()));
            return;
        }
        AtomicBoolean closed = new AtomicBoolean();
        if (runs.putIfAbsent(ctx.sessionId(), closed) != null) {
            ctx.send(Map.of("error", "this socket is running a scenario already: open another one for another run"));
            return;
        }
        Slots.Slot slot;
        try {
            slot = slots.take("scenario run", 0);
        } catch (Slots.Busy busy) {
            runs.remove(ctx.sessionId());
            finish(ctx, VizServer.error(busy));
            return;
        }
        running.incrementAndGet();
        Thread.ofVirtual().name("scenario-stream-" + ctx.sessionId()).start(() -> {
            try {
                Object answer;
                try {
                    answer = scenarios.run(r.name(), r.yaml(), r.seed(), r.faults(), budget, new Watch(ctx, closed));
                } catch (IllegalArgumentException | ScenarioError e) {
                    answer = VizServer.error(e);
                }
                finish(ctx, answer);
            } catch (Closed e) {
                stopped.incrementAndGet();
            } catch (RuntimeException e) {
                // A bug, not the user's input: the page still hears why its run ended.
                finish(ctx, Map.of("error", "the server failed running the scenario: " + e));
                throw e;
            } finally {
                runs.remove(ctx.sessionId(), closed);
                running.decrementAndGet();
                slot.close();
            }
        });
    }

    /** Sends the last message and closes the socket behind it (Jetty sends frames in order). */
    private static void finish(WsContext ctx, Object last) {
        ctx.send(last);
        ctx.closeSession(WsCloseStatus.NORMAL_CLOSURE, "done");
    }

    /** Sees each trace line: stops the run once the socket closed, reports progress now and then. */
    private static final class Watch implements Consumer<String> {
        private final WsContext ctx;
        private final AtomicBoolean closed;
        private long records;
        private long recordsSent;
        private long sentAt = System.nanoTime();

        Watch(WsContext ctx, AtomicBoolean closed) {
            this.ctx = ctx;
            this.closed = closed;
        }

        @Override
        public void accept(String line) {
            if (closed.get()) {
                throw new Closed();
            }
            records++;
            long now = System.nanoTime();
            if (records - recordsSent >= PROGRESS_RECORDS || now - sentAt >= PROGRESS_NANOS) {
                ctx.send(new Progress(records, ScenarioView.virtualTime(line)));
                recordsSent = records;
                sentAt = now;
            }
        }
    }
}
