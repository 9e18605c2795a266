package dev.wirelab.sim;

import dev.wirelab.engine.allowedips.Prefix;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Tunnel-side UDP programs in real IPv4/IPv6 packets with UDP headers and checksums (as
 * {@link Icmp} builds echoes): a constant-rate one-way flow, and request/response where the
 * receiver answers each request with a response of a chosen size. Every host runs the receiving
 * side ({@link #receive}) for its own tunnel addresses.
 *
 * <p>The UDP payload starts with a 12-byte header: flow (4 bytes), sequence (4), kind (1: 0
 * one-way, 1 request, 2 response), reserved (1), response size (2); then bytes 0, 1, 2, ...
 *
 * <p>Records: at the sender "flow.send" (flow, seq, dst, kind: oneway or request); at the receiver
 * "flow.recv" (flow, seq, src, kind, latencyNanos) once per sequence and "flow.duplicate" (flow,
 * seq, src, kind) for a copy; at the requester "flow.response" (flow, seq, dst, rttNanos) and
 * "flow.duplicate" (kind response) for a second response. Flow numbers are the caller's: give
 * each flow of a simulation its own.
 */
public final class UdpFlow {
    /** The 12-byte header every flow datagram's payload starts with. */
    public static final int HEADER = 12;
    static final int ONE_WAY = 0;
    static final int REQUEST = 1;
    static final int RESPONSE = 2;

    private UdpFlow() {}

    /** A parsed flow packet. */
    public record Packet(byte[] source, byte[] destination, int sourcePort, int destinationPort, int flow, int sequence, int kind,
            int responseSize) {}

    /** Makes {@code host} receive flow datagrams to {@code tunnelAddress} and answer requests. */
    public static void receive(Simulation sim, Host host, byte[] tunnelAddress) {
        Set<String> seen = new HashSet<>();
        host.onTunnel(packet -> {
            Packet p = parse(packet);
            if (p == null || p.kind() == RESPONSE || !java.util.Arrays.equals(p.destination(), tunnelAddress)) {
                return;
            }
            String src = Prefix.of(p.source(), p.source().length * 8).toString();
            String kind = p.kind() == REQUEST ? "request" : "oneway";
            if (!seen.add(src + " " + p.flow() + " " + p.sequence())) {
                sim.trace().record(host.name(), "flow.duplicate", "flow", p.flow(), "seq", p.sequence(), "src", src, "kind", kind);
                return;
            }
            sim.trace().record(host.name(), "flow.recv", "flow", p.flow(), "seq", p.sequence(), "src", src, "kind", kind);
            if (p.kind() == REQUEST) {
                host.sendTunnel(packet(p.destination(), p.source(), p.destinationPort(), p.sourcePort(), p.flow(), p.sequence(),
                        RESPONSE, 0, p.responseSize()));
            }
        });
    }

    /**
     * From {@code startNanos}, {@code count} datagrams every {@code intervalNanos} from
     * {@code source} to {@code destination}:{@code port}, {@code size} UDP payload bytes each (at
     * least the header). {@code responseSize} below 0: one-way; otherwise each is a request the
     * receiver answers with that many payload bytes.
     */
    public static void start(Simulation sim, Host host, int flow, byte[] source, byte[] destination, int port, long startNanos,
            long intervalNanos, int count, int size, int responseSize) {
        boolean request = responseSize >= 0;
        int sourcePort = 1024 + (int) sim.entropy("flow:" + host.name() + ":" + flow).nextLong(64512);
        String dst = Prefix.of(destination, destination.length * 8).toString();
        Map<Integer, Long> sentAt = new HashMap<>();
        if (request) {
            Set<Integer> answered = new HashSet<>();
            host.onTunnel(packet -> {
                Packet p = parse(packet);
                if (p == null || p.kind() != RESPONSE || p.flow() != flow || p.destinationPort() != sourcePort
                        || !java.util.Arrays.equals(p.source(), destination) || !sentAt.containsKey(p.sequence())) {
                    return;
                }
                if (!answered.add(p.sequence())) {
                    sim.trace().record(host.name(), "flow.duplicate", "flow", flow, "seq", p.sequence(), "src", dst, "kind", "response");
                    return;
                }
                sim.trace().record(host.name(), "flow.response", "flow", flow, "seq", p.sequence(), "dst", dst,
                        "rttNanos", sim.events().now() - sentAt.get(p.sequence()));
            });
        }
        for (int i = 0; i < count; i++) {
            int sequence = i;
            sim.events().at(startNanos + i * intervalNanos, () -> {
                sentAt.put(sequence, sim.events().now());
                sim.trace().record(host.name(), "flow.send", "flow", flow, "seq", sequence, "dst", dst, "kind",
                        request ? "request" : "oneway");
                host.sendTunnel(packet(source, destination, sourcePort, port, flow, sequence, request ? REQUEST : ONE_WAY,
                        Math.max(0, responseSize), size));
            });
        }
    }

    /** An IPv4 or IPv6 packet carrying a UDP datagram with a flow header and {@code size} payload bytes (at least the header). */
    public static byte[] packet(byte[] source, byte[] destination, int sourcePort, int destinationPort, int flow, int sequence, int kind,
            int responseSize, int size) {
        byte[] payload = new byte[Math.max(HEADER, size)];
        putInt(payload, 0, flow);
        putInt(payload, 4, sequence);
        payload[8] = (byte) kind;
        putShort(payload, 10, responseSize);
        for (int i = HEADER; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        return udp(source, destination, sourcePort, destinationPort, payload);
    }

    /**
     * An IPv4 (20-byte header, TTL 64) or IPv6 (hop limit 64) packet carrying one UDP datagram with
     * {@code payload}, header and UDP checksums filled in: what a host's stack would send.
     */
    public static byte[] udp(byte[] source, byte[] destination, int sourcePort, int destinationPort, byte[] payload) {
        boolean v4 = source.length == 4;
        int header = v4 ? 20 : 40;
        int udpLength = 8 + payload.length;
        byte[] p = new byte[header + udpLength];
        if (v4) {
            p[0] = 0x45;
            putShort(p, 2, p.length);
            p[8] = 64;
            p[9] = 17;
            System.arraycopy(source, 0, p, 12, 4);
            System.arraycopy(destination, 0, p, 16, 4);
            putShort(p, 10, Icmp.checksum(p, 0, 20, 0));
        } else {
            p[0] = 0x60;
            putShort(p, 4, udpLength);
            p[6] = 17;
            p[7] = 64;
            System.arraycopy(source, 0, p, 8, 16);
            System.arraycopy(destination, 0, p, 24, 16);
        }
        putShort(p, header, sourcePort);
        putShort(p, header + 2, destinationPort);
        putShort(p, header + 4, udpLength);
        System.arraycopy(payload, 0, p, header + 8, payload.length);
        int sum = Icmp.checksum(p, header, udpLength, pseudoHeaderSum(source, destination, udpLength));
        // 0 means "no checksum" in UDP over IPv4 (and is illegal over IPv6): a computed 0 is sent as all ones.
        putShort(p, header + 6, sum == 0 ? 0xffff : sum);
        return p;
    }

    /** The flow datagram in {@code packet}, or null when it is not UDP with a flow header and valid checksums. */
    public static Packet parse(byte[] packet) {
        int header;
        byte[] source;
        byte[] destination;
        if (packet.length >= 20 && (packet[0] & 0xf0) == 0x40 && packet[9] == 17) {
            header = (packet[0] & 0x0f) * 4;
            if (Icmp.checksum(packet, 0, header, 0) != 0) {
                return null;
            }
            source = java.util.Arrays.copyOfRange(packet, 12, 16);
            destination = java.util.Arrays.copyOfRange(packet, 16, 20);
        } else if (packet.length >= 40 && (packet[0] & 0xf0) == 0x60 && packet[6] == 17) {
            header = 40;
            source = java.util.Arrays.copyOfRange(packet, 8, 24);
            destination = java.util.Arrays.copyOfRange(packet, 24, 40);
        } else {
            return null;
        }
        if (packet.length < header + 8 + HEADER) {
            return null;
        }
        int udpLength = getShort(packet, header + 4);
        if (udpLength < 8 + HEADER || header + udpLength > packet.length
                || Icmp.checksum(packet, header, udpLength, pseudoHeaderSum(source, destination, udpLength)) != 0) {
            return null;
        }
        int d = header + 8;
        return new Packet(source, destination, getShort(packet, header), getShort(packet, header + 2), getInt(packet, d),
                getInt(packet, d + 4), packet[d + 8] & 0xff, getShort(packet, d + 10));
    }

    /** The UDP pseudo-header's sum (RFC 768 for IPv4, RFC 8200 8.1 for IPv6). */
    static int pseudoHeaderSum(byte[] source, byte[] destination, int udpLength) {
        int sum = 0;
        for (int i = 0; i < source.length; i += 2) {
            sum += (source[i] & 0xff) << 8 | (source[i + 1] & 0xff);
            sum += (destination[i] & 0xff) << 8 | (destination[i + 1] & 0xff);
        }
        return sum + udpLength + 17;
    }

    private static void putShort(byte[] b, int offset, int v) {
        b[offset] = (byte) (v >>> 8);
        b[offset + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int offset, int v) {
        putShort(b, offset, v >>> 16);
        putShort(b, offset + 2, v);
    }

    private static int getShort(byte[] b, int offset) {
        return (b[offset] & 0xff) << 8 | (b[offset + 1] & 0xff);
    }

    private static int getInt(byte[] b, int offset) {
        return getShort(b, offset) << 16 | getShort(b, offset + 2);
    }
}
