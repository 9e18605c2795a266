package dev.wirelab.interop;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** `ping` inside a namespace, reduced to how many replies came back. */
public final class Ping {
    private static final Pattern RECEIVED = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    private Ping() {}

    /**
     * Sends {@code count} echo requests 0.2 s apart to {@code address} (IPv4 or IPv6) from {@code ns},
     * waiting at most 2 s for each reply; optionally from source address {@code source}.
     *
     * @return the number of replies
     */
    public static int replies(Netns ns, String address, int count, String source) throws IOException {
        Command.Result r = source == null
                ? ns.tryRun("ping", "-n", "-c", Integer.toString(count), "-i", "0.2", "-W", "2", address)
                : ns.tryRun("ping", "-n", "-c", Integer.toString(count), "-i", "0.2", "-W", "2", "-I", source, address);
        Matcher m = RECEIVED.matcher(r.out());
        if (!m.find()) {
            throw new IOException("ping " + address + " in " + ns + " printed no summary: " + r.out() + r.err());
        }
        return Integer.parseInt(m.group(2));
    }

    public static int replies(Netns ns, String address, int count) throws IOException {
        return replies(ns, address, count, null);
    }
}
