package dev.wirelab.interop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** iperf3 TCP between two namespaces: a one-shot server, a client, the receiver's rate. */
public final class Iperf {
    private static final Pattern RECEIVER = Pattern.compile("([\\d.]+) Mbits/sec\\s+receiver");
    /** The sender's summary line: rate, then TCP retransmissions (segments the sender had to send again). */
    private static final Pattern SENDER = Pattern.compile("[\\d.]+ Mbits/sec\\s+(\\d+)\\s+sender");

    /** What one run measured: the receiver's rate and the sender's TCP retransmissions. */
    public record Result(double mbits, long retransmits) {}

    private Iperf() {}

    /**
     * Runs {@code seconds} of TCP from {@code client} to a server at {@code serverAddress} in
     * {@code server}, with {@code streams} parallel streams.
     *
     * @return the rate the receiver measured, in Mbit/s
     */
    public static double tcpMbits(Netns server, String serverAddress, Netns client, int seconds, int streams, Path logDir)
            throws IOException, InterruptedException {
        return tcp(server, serverAddress, client, seconds, streams, logDir).mbits();
    }

    /** As {@link #tcpMbits}, with the sender's retransmission count (-1 when iperf3 did not print one). */
    public static Result tcp(Netns server, String serverAddress, Netns client, int seconds, int streams, Path logDir)
            throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(logDir);
        Proc s = server.start(List.of("iperf3", "-s", "-1", "-B", serverAddress), logDir.resolve("iperf3-server-"
                + Names.unique("", 8) + ".log"));
        try {
            // The server listens within milliseconds; retry the client briefly instead of sleeping blindly.
            Command.Result r = null;
            for (int attempt = 0; attempt < 20; attempt++) {
                r = client.tryRun("iperf3", "-c", serverAddress, "-t", Integer.toString(seconds), "-P",
                        Integer.toString(streams), "-f", "m");
                if (r.ok() || !r.err().contains("Connection refused") && !r.out().contains("Connection refused")) {
                    break;
                }
                Thread.sleep(100);
            }
            Matcher m = RECEIVER.matcher(r.out());
            String last = null;
            while (m.find()) {
                last = m.group(1); // With several streams the [SUM] line comes last.
            }
            if (!r.ok() || last == null) {
                throw new IOException("iperf3 to " + serverAddress + " failed: " + r.out() + r.err());
            }
            Matcher retr = SENDER.matcher(r.out());
            long retransmits = -1;
            while (retr.find()) {
                retransmits = Long.parseLong(retr.group(1)); // With several streams the [SUM] line comes last.
            }
            return new Result(Double.parseDouble(last), retransmits);
        } finally {
            s.awaitExit(5, TimeUnit.SECONDS);
            s.stop();
        }
    }
}
