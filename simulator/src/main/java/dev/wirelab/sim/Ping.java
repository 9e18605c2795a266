package dev.wirelab.sim;

import dev.wirelab.engine.allowedips.Prefix;
import java.util.HashMap;
import java.util.Map;

/**
 * Tunnel-side programs: a responder that answers echo requests for the host's tunnel address, and
 * a pinger that sends echo requests at a fixed interval and records each reply and its round trip.
 * Records: "ping.request" (flow, seq, dst), "ping.reply" (flow, seq, dst, rttNanos), "ping.duplicate" (flow, seq, dst),
 * where flow is the echo identifier that tells one pinger's packets from another's.
 */
public final class Ping {
    private Ping() {}

    /** Makes {@code host} answer echo requests addressed to {@code tunnelAddress}. */
    public static void respond(Host host, byte[] tunnelAddress) {
        host.onTunnel(packet -> {
            Icmp.Echo echo = Icmp.parse(packet);
            if (echo != null && echo.request() && java.util.Arrays.equals(echo.destination(), tunnelAddress)) {
                host.sendTunnel(Icmp.echoReply(echo, packet.length - (tunnelAddress.length == 4 ? 28 : 48)));
            }
        });
    }

    /**
     * From {@code startNanos}, {@code count} echo requests every {@code intervalNanos} from
     * {@code source} to {@code destination} (tunnel addresses), {@code payload} bytes each.
     */
    public static void start(Simulation sim, Host host, byte[] source, byte[] destination, long startNanos, long intervalNanos,
            int count, int payload) {
        start(sim, host, "ping:" + host.name(), source, destination, startNanos, intervalNanos, count, payload);
    }

    /**
     * As above, with the echo identifier drawn from the stream named {@code flow}: give each of a
     * host's ping flows its own name, so two flows do not share an identifier.
     */
    public static void start(Simulation sim, Host host, String flow, byte[] source, byte[] destination, long startNanos,
            long intervalNanos, int count, int payload) {
        int identifier = (int) sim.entropy(flow).nextLong(65536);
        Map<Integer, Long> sentAt = new HashMap<>();
        Map<Integer, Boolean> answered = new HashMap<>();
        String dst = Prefix.of(destination, destination.length * 8).toString();
        host.onTunnel(packet -> {
            Icmp.Echo echo = Icmp.parse(packet);
            // A reply counts only from the address pinged: another flow's replies are not ours.
            if (echo == null || echo.request() || echo.identifier() != identifier || !sentAt.containsKey(echo.sequence())
                    || !java.util.Arrays.equals(echo.source(), destination)) {
                return;
            }
            if (answered.put(echo.sequence(), true) != null) {
                sim.trace().record(host.name(), "ping.duplicate", "flow", identifier, "seq", echo.sequence(), "dst", dst);
                return;
            }
            sim.trace().record(host.name(), "ping.reply", "flow", identifier, "seq", echo.sequence(), "dst", dst,
                    "rttNanos", sim.events().now() - sentAt.get(echo.sequence()));
        });
        for (int i = 0; i < count; i++) {
            int sequence = i;
            sim.events().at(startNanos + i * intervalNanos, () -> {
                sentAt.put(sequence, sim.events().now());
                sim.trace().record(host.name(), "ping.request", "flow", identifier, "seq", sequence, "dst", dst);
                host.sendTunnel(Icmp.echoRequest(source, destination, identifier, sequence, payload));
            });
        }
    }
}
