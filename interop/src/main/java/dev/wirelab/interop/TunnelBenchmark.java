package dev.wirelab.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tunnel throughput side by side: iperf3 TCP through wirelab↔wirelab, wireguard-go↔wireguard-go
 * and both mixed directions, in network namespaces over veth pairs, interleaved round by round so
 * that the machine's noise hits every pair alike. Prints medians, ratios against wireguard-go and
 * the CPU each tunnel process used (share of one core while iperf3 ran). Run by
 * benchmarks/tunnel.sh; needs root.
 */
public final class TunnelBenchmark {
    private record Pair(String name, Implementation sender, Implementation receiver) {}

    private record Sample(double mbits, long retransmits, double senderCpu, double receiverCpu) {}

    private TunnelBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = 3;
        int seconds = 5;
        int warmup = 3;
        List<Integer> streams = List.of(1, 4);
        // Committed, beside RESULTS.md: the latest table is part of the repository (issue 8).
        Path out = Path.of("benchmarks", "TUNNEL.md");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--streams" -> streams = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: TunnelBenchmark [--rounds N] [--seconds S] [--warmup S] [--streams 1,4] [--out FILE.md]");
                    System.exit(2);
                }
            }
        }
        List<Pair> pairs = List.of(
                new Pair("wirelab -> wirelab", Implementation.WIRELAB, Implementation.WIRELAB),
                new Pair("wireguard-go -> wireguard-go", Implementation.WIREGUARD_GO, Implementation.WIREGUARD_GO),
                new Pair("wirelab -> wireguard-go", Implementation.WIRELAB, Implementation.WIREGUARD_GO),
                new Pair("wireguard-go -> wirelab", Implementation.WIREGUARD_GO, Implementation.WIRELAB));
        Path logs = Path.of("benchmarks", "results", "tunnel-logs");
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        String started = Instant.now().toString();
        String load = Files.readString(Path.of("/proc/loadavg")).strip();
        for (int round = 1; round <= rounds; round++) {
            for (Pair p : pairs) {
                // A fresh pair per round: nothing carries over (keys, sessions, JIT state of a device).
                try (TunnelPair t = TunnelPair.start(p.sender(), p.receiver(), logs)) {
                    t.withBothEndpoints();
                    if (Ping.replies(t.nsLeft, TunnelPair.RIGHT_TUNNEL_V4, 2) == 0) {
                        throw new IOException(p.name() + ": no tunnel");
                    }
                    // Steady state is what is compared: a fresh JVM compiles its hot paths during its
                    // first seconds of traffic (Go code is compiled ahead of time), so every pair, Go
                    // or Java, first carries the same unmeasured traffic.
                    if (warmup > 0) {
                        Iperf.tcp(t.nsRight, TunnelPair.RIGHT_TUNNEL_V4, t.nsLeft, warmup, 4, logs);
                    }
                    for (int s : streams) {
                        long[] cpuBefore = {cpuTicks(t.left.process().pid()), cpuTicks(t.right.process().pid())};
                        long t0 = System.nanoTime();
                        Iperf.Result result = Iperf.tcp(t.nsRight, TunnelPair.RIGHT_TUNNEL_V4, t.nsLeft, seconds, s, logs);
                        double mbits = result.mbits();
                        double wall = (System.nanoTime() - t0) / 1e9;
                        double ticks = 100.0; // USER_HZ on Linux
                        double senderCpu = (cpuTicks(t.left.process().pid()) - cpuBefore[0]) / ticks / wall;
                        double receiverCpu = (cpuTicks(t.right.process().pid()) - cpuBefore[1]) / ticks / wall;
                        samples.computeIfAbsent(p.name() + "|" + s, k -> new ArrayList<>())
                                .add(new Sample(mbits, result.retransmits(), senderCpu, receiverCpu));
                        System.err.printf(Locale.ROOT, "round %d/%d  %-30s %d stream(s)  %8.1f Mbit/s  %6d retransmits  cpu %.2f / %.2f%n",
                                round, rounds, p.name(), s, mbits, result.retransmits(), senderCpu, receiverCpu);
                    }
                }
            }
        }
        String report = report(samples, pairs, streams, rounds, seconds, warmup, started, load);
        System.out.print(report);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report);
        System.err.println("written to " + out);
    }

    private static String report(Map<String, List<Sample>> samples, List<Pair> pairs, List<Integer> streams, int rounds,
            int seconds, int warmup, String started, String load) throws IOException {
        StringBuilder sb = new StringBuilder();
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        sb.append("# Tunnel throughput, iperf3 TCP through the tunnel\n\n");
        sb.append("Written by `sudo benchmarks/tunnel.sh` (interop TunnelBenchmark); regenerate with the same command.\n\n");
        sb.append(String.format(Locale.ROOT, "%s, %d cores, %s; started %s, load %s; %d rounds x %d s, interleaved, "
                + "each fresh pair first carrying %d s of unmeasured traffic (4 streams); median of rounds; "
                + "CPU = tunnel process CPU time / wall time (1.00 = one core)%n%n",
                cpu, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), started, load, rounds,
                seconds, warmup));
        sb.append("| pair | streams | Mbit/s (median) | rounds | ratio vs wireguard-go -> wireguard-go | TCP retransmits (median) | sender CPU | receiver CPU |\n");
        sb.append("| --- | --- | --- | --- | --- | --- | --- | --- |\n");
        for (int s : streams) {
            double reference = median(samples.get("wireguard-go -> wireguard-go|" + s).stream().map(Sample::mbits).toList());
            for (Pair p : pairs) {
                List<Sample> ss = samples.get(p.name() + "|" + s);
                double m = median(ss.stream().map(Sample::mbits).toList());
                sb.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %.2fx | %.0f | %.2f | %.2f |%n", p.name(), s, m,
                        ss.stream().map(x -> String.format(Locale.ROOT, "%.0f", x.mbits())).toList(), m / reference,
                        median(ss.stream().map(x -> (double) x.retransmits()).toList()),
                        median(ss.stream().map(Sample::senderCpu).toList()), median(ss.stream().map(Sample::receiverCpu).toList())));
            }
        }
        return sb.toString();
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** utime + stime of a process and its threads, in clock ticks (/proc/PID/stat fields 14 and 15). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
