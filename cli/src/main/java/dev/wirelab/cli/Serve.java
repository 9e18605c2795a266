package dev.wirelab.cli;

import dev.wirelab.viz.VizServer;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wirelab serve}, and {@code wirelab} with no command: the browser visualizer. Prints the
 * page's address and serves until the process is stopped (Ctrl-C).
 */
@Command(
        name = "serve", header = "Start the browser visualizer (the default command).",
        description = {
            "Start the browser visualizer and print its address: WireGuard stepped through with the real "
                    + "engine (a handshake's 11 steps with C and H, cryptokey routing on the real AllowedIPs trie, a "
                    + "packet's journey byte by byte, and the simulator's built-in scenarios as sequence diagrams). "
                    + "Works offline.",
        },
        footer = {"%nExamples:%n  wirelab serve%n  wirelab serve --port 8080%n  wirelab serve --host 0.0.0.0   (reachable from other machines)%n"
            + "  wirelab serve --runs-max 1 --run-seconds-max 10   (a classroom's shared server)"})
final class Serve implements Callable<Integer> {
    /** What to do while the server runs; the command returns (and the server stops) when it does. */
    interface WhileServing {
        void serve(VizServer server, String url) throws InterruptedException;
    }

    /** Until the JVM is stopped: a shutdown hook closes the server, the latch is never counted down. */
    static final WhileServing UNTIL_STOPPED = (server, url) -> new CountDownLatch(1).await();

    @Option(names = "--port", description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one).", defaultValue = "7070")
    int port;

    @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only).",
            defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--runs-max", paramLabel = "N", defaultValue = "" + dev.wirelab.viz.VizServer.RUNS_MAX_DEFAULT,
            description = "Scenario runs and capture loads at once; one more waits 2 s, then is told the server is busy"
                    + " (HTTP 503) (default: ${DEFAULT-VALUE}).")
    int runsMax;

    @Option(names = "--run-records-max", paramLabel = "N", defaultValue = "5000000",
            description = "Trace records a run may write before it is cut and answers with what it has (default: ${DEFAULT-VALUE}).")
    long recordsMax;

    @Option(names = "--run-seconds-max", paramLabel = "S", defaultValue = "60",
            description = "Wall-clock seconds a run may take before it is cut (default: ${DEFAULT-VALUE}).")
    long secondsMax;

    @Option(names = "--heap-percent-max", paramLabel = "P", defaultValue = "85",
            description = "Runs are cut while the server's heap is fuller than this (default: ${DEFAULT-VALUE}).")
    int heapPercentMax;

    @Spec
    private CommandSpec spec;

    private final WhileServing whileServing;

    Serve(WhileServing whileServing) {
        this.whileServing = whileServing;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        VizServer server;
        try {
            server = new VizServer(budget(), runsMax).start(host, port);
        } catch (RuntimeException e) {
            if (causedBy(e, BindException.class)) {
                spec.commandLine().getErr().printf("wirelab serve: cannot listen on %s port %d: %s. Try another --port (0 picks a free one).%n",
                        host, port, e.getMessage());
                return 1;
            }
            throw e;
        }
        if (!loopback(host)) {
            spec.commandLine().getErr().printf("wirelab serve: listening on %s, not only on this machine. The page has no"
                    + " authentication and runs whatever scenario it is sent: anyone who reaches it can use %d runs at a time,"
                    + " %d s each (--runs-max, --run-seconds-max).%n", host, runsMax, secondsMax);
        }
        String url = server.url(host);
        Thread hook = new Thread(server::close, "wirelab-serve-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("wirelab visualizer: " + url);
        out.println("Open it in a browser; Ctrl-C stops the server.");
        out.flush();
        try {
            whileServing.serve(server, url);
        } finally {
            server.close();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return 0;
    }

    private dev.wirelab.viz.RunBudget budget() {
        try {
            return new dev.wirelab.viz.RunBudget(recordsMax, secondsMax * 1000, heapPercentMax / 100.0);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "wirelab serve: " + e.getMessage());
        }
    }

    private static boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false; // Javalin says so when it tries to listen there.
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
