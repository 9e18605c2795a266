package dev.wirelab.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a running JVM (a wirelab device this test started) holds: the bytes of the objects still
 * reachable after a full collection, and its thread count from /proc. Memory that stays after a
 * collection is what a leak would grow; heap in use at a random moment mostly measures garbage not
 * yet collected.
 *
 * <p>`jcmd PID GC.class_histogram` collects first and counts the live objects in the same pause, so
 * a busy process allocating meanwhile does not blur the figure (GC.run followed by GC.heap_info
 * would count what it allocated between the two commands).
 */
public final class JvmProbe {
    /** The histogram's last line: "Total    123456    7890123" (instances, bytes). */
    private static final Pattern TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)$");

    /** One look at the process. */
    public record Sample(long heapUsedAfterGcBytes, int threads) {
        @Override
        public String toString() {
            return String.format("%.1f MB heap after GC, %d threads", heapUsedAfterGcBytes / 1048576.0, threads);
        }
    }

    private JvmProbe() {}

    public static Sample sample(long pid) throws IOException {
        return new Sample(heapUsedAfterGc(pid), threads(pid));
    }

    /** The bytes of the objects live in process {@code pid} after a full collection. */
    public static long heapUsedAfterGc(long pid) throws IOException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String histogram = Command.run(jcmd, Long.toString(pid), "GC.class_histogram");
        Matcher m = TOTAL.matcher(histogram);
        if (!m.find()) {
            throw new IOException("jcmd " + pid + " GC.class_histogram printed no Total line: "
                    + histogram.substring(0, Math.min(500, histogram.length())));
        }
        return Long.parseLong(m.group(2));
    }

    /** The process's thread count (/proc/PID/status). */
    public static int threads(long pid) throws IOException {
        Matcher m = THREADS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        if (!m.find()) {
            throw new IOException("/proc/" + pid + "/status has no Threads line");
        }
        return Integer.parseInt(m.group(1));
    }
}
