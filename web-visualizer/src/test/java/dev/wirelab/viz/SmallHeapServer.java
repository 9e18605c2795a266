package dev.wirelab.viz;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A visualizer server in its own JVM, for {@link ServerUnderLoadTest}: started with a small heap, it
 * prints its port, then answers lines on standard input: "heap" with the heap in use after a full
 * GC, in bytes; "cpu" with the CPU time its threads used so far, in ns. End of input stops it.
 */
public final class SmallHeapServer {
    private SmallHeapServer() {
    }

    public static void main(String[] args) throws Exception {
        RunBudget budget = new RunBudget(Long.parseLong(args[0]), Long.parseLong(args[1]), RunBudget.DEFAULT.heapShareMax());
        try (VizServer server = new VizServer(budget, VizServer.RUNS_MAX_DEFAULT).start("127.0.0.1", 0)) {
            System.out.println("port " + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.strip()) {
                    case "heap" -> {
                        System.gc();
                        Runtime rt = Runtime.getRuntime();
                        System.out.println("heap " + (rt.totalMemory() - rt.freeMemory()) + " of " + rt.maxMemory());
                    }
                    case "cpu" -> {
                        long sum = 0;
                        for (long id : threads.getAllThreadIds()) {
                            sum += Math.max(0, threads.getThreadCpuTime(id));
                        }
                        System.out.println("cpu " + sum);
                    }
                    default -> System.out.println("? " + line);
                }
                System.out.flush();
            }
        }
    }
}
