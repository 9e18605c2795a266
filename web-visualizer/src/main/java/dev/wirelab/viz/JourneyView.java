package dev.wirelab.viz;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.EnginePair;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.AllowedIps;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Aead;
import dev.wirelab.engine.ip.IpPacket;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.noise.NoiseStep;
import dev.wirelab.engine.transport.Keypair;
import dev.wirelab.engine.transport.Padding;
import dev.wirelab.sim.UdpFlow;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Section 4: one packet's journey from the laptop's tunnel to the server's, in eight steps, over
 * the session the lab's handshake made. Every value is the engine's: the trie picks the peer, the
 * initiator's keypair seals, the responder finds its keypair by receiver index, opens, checks the
 * replay window (sending the same datagram twice) and the inner source against its AllowedIPs.
 */
final class JourneyView {
    private JourneyView() {}

    /** The tunnel MTU the laptop pads for (wg-quick's default). */
    static final int MTU = 1420;
    /** Longest payload the page may ask for: the journey stays one readable screen of bytes. */
    static final int PAYLOAD_BYTES_MAX = 256;
    static final int INNER_SOURCE_PORT = 40000;
    static final int INNER_DESTINATION_PORT = 7;

    record Value(String name, String text) {}

    /** One step: who acts, what happened, the values that decided it, and the bytes as they are now (may be null). */
    record Step(int number, String title, String actor, String summary, List<Value> values, Annotated bytes) {}

    record Journey(String seed, String destination, boolean delivered, List<Step> steps) {}

    static Journey of(Lab.Run run, String destination, String payloadText) {
        byte[] payload = payloadText.getBytes(StandardCharsets.UTF_8);
        if (payload.length > PAYLOAD_BYTES_MAX) {
            throw new IllegalArgumentException("payload is " + payload.length + " bytes; at most " + PAYLOAD_BYTES_MAX);
        }
        byte[] dst = RoutingView.address(destination);
        EnginePair pair = run.pair();
        // The laptop sends from its tunnel address of the destination's family.
        boolean v4 = dst.length == 4;
        byte[] src = Prefix.parse(v4 ? Lab.LAPTOP_TUNNEL : Lab.LAPTOP_TUNNEL6).address().toByteArray();
        List<Step> steps = new ArrayList<>();

        // 1: what an application hands to the tunnel interface.
        byte[] inner = UdpFlow.udp(src, dst, INNER_SOURCE_PORT, INNER_DESTINATION_PORT, payload);
        Annotated innerBytes = new Annotated("inner IP packet", Bytes.of(inner).hex(),
                IpLayout.packet(inner, "inner", "\"" + payloadText + "\": the application's data"));
        steps.add(new Step(1, "Inner IP packet", "initiator",
                "An application on the laptop sends a UDP datagram to " + destination + ". The kernel routes it into the"
                        + " WireGuard interface: this plaintext IP packet is what WireGuard receives.",
                List.of(new Value("length", inner.length + " bytes")), innerBytes));

        // 2: cryptokey routing on the laptop's table (one peer: the server).
        AllowedIps<String> laptopTable = new AllowedIps<>();
        laptopTable.insert(Prefix.parse(Lab.SERVER_ALLOWED_IPS), "VPN server");
        laptopTable.insert(Prefix.parse(Lab.SERVER_ALLOWED_IPS6), "VPN server");
        String peer = laptopTable.lookupDestination(inner, 0, inner.length);
        Keypair sending = run.exchange().initiatorKeypair();
        if (peer == null) {
            steps.add(new Step(2, "Peer lookup", "initiator", "No AllowedIPs entry holds " + destination
                    + ": no peer, no key. WireGuard drops the packet (and may answer with ICMP unreachable).",
                    List.of(new Value("table", "VPN server: " + Lab.SERVER_ALLOWED_IPS + ", " + Lab.SERVER_ALLOWED_IPS6), new Value("result", "no route")), null));
            return new Journey(Long.toString(run.lab().seed()), destination, false, steps);
        }
        steps.add(new Step(2, "Peer lookup", "initiator", "The destination " + destination + " falls in the server's AllowedIPs "
                + (v4 ? Lab.SERVER_ALLOWED_IPS : Lab.SERVER_ALLOWED_IPS6) + ", so the packet belongs to that peer and is encrypted with its current session.",
                List.of(new Value("destination", destination), new Value("peer", peer),
                        new Value("session's receiver index", hexIndex(sending.remoteIndex()))), null));

        // 3: seal with the sending key and the next counter.
        long counter = sending.sendingCounter();
        byte[] wire = EnginePair.ok(sending.seal(pair.cryptoI.aead(), run.now(), inner, 0, inner.length, MTU));
        byte[] nonce = new byte[Aead.NONCE_LENGTH];
        Aead.counterNonce(counter, nonce);
        int padding = Padding.paddingFor(inner.length, MTU);
        steps.add(new Step(3, "Encrypt", "initiator", "ChaCha20-Poly1305 with the session's sending key. The nonce is the"
                + " counter, so each packet under this key gets a fresh one; the packet is zero-padded to a multiple of 16"
                + " so its length says less.",
                List.of(new Value("counter", Long.toUnsignedString(counter)),
                        new Value("nonce", Bytes.of(nonce).hex() + " (4 zero bytes, then the counter little-endian)"),
                        new Value("key T_i->r", split(run).get("T_i->r")),
                        new Value("padding", padding + " zero bytes: " + inner.length + " → " + (inner.length + padding)),
                        new Value("ciphertext + tag", (wire.length - Protocol.TRANSPORT_HEADER_LENGTH) + " bytes")), null));

        // 4: the transport message.
        steps.add(new Step(4, "WireGuard header", "initiator", "Sixteen bytes go in front: type 4, the receiver index the"
                + " server chose during the handshake, and the counter. Nothing else: no key id, no flags.",
                List.of(new Value("message length", wire.length + " bytes")), Annotated.message("transport data message", wire)));

        // 5: the outer UDP/IP datagram, from the laptop's endpoint to the server's.
        byte[] outer = UdpFlow.udp(EnginePair.ENDPOINT_I.address().toByteArray(), EnginePair.ENDPOINT_R.address().toByteArray(),
                EnginePair.ENDPOINT_I.port(), EnginePair.ENDPOINT_R.port(), wire);
        int wg = IpLayout.IPV4_HEADER + IpLayout.UDP_HEADER;
        List<Annotated.Field> outerFields = new ArrayList<>(IpLayout.ipv4(outer, 0, "outer"));
        outerFields.addAll(IpLayout.udp(outer, IpLayout.IPV4_HEADER, "outer", null));
        outerFields.addAll(Annotated.wireguard(outer, wg, wire.length));
        Annotated outerBytes = new Annotated("outer UDP/IP datagram", Bytes.of(outer).hex(), outerFields);
        steps.add(new Step(5, "UDP/IP", "initiator", "The message becomes the payload of an ordinary UDP datagram from the"
                + " laptop's endpoint " + EnginePair.ENDPOINT_I + " to the server's " + EnginePair.ENDPOINT_R + ".",
                List.of(new Value("datagram length", outer.length + " bytes"),
                        new Value("overhead", (outer.length - inner.length) + " bytes over the inner packet")), outerBytes));

        // 6: on the wire.
        steps.add(new Step(6, "On the wire", "network", "To every router on the way this is plain UDP. An observer sees the"
                + " addresses, the ports, the length, the type, the receiver index and the counter; the inner packet,"
                + " its addresses included, is ciphertext.",
                List.of(new Value("visible", "outer addresses and ports, length, type, receiver index, counter"),
                        new Value("hidden", "inner addresses, ports and data")), outerBytes));

        // 7: the server picks the keypair by the receiver index alone.
        int receiver = MessageCodec.readInt(wire, 4);
        Keypair receiving = pair.keypairsR.byLocalIndex(receiver);
        steps.add(new Step(7, "Receiver index lookup", "responder", receiving != null
                ? "The server reads the receiver index and finds its session from the handshake directly: no trial decryption."
                : "No session has this index: the datagram is dropped without an answer.",
                List.of(new Value("receiver index", hexIndex(receiver)),
                        new Value("session", receiving == null ? "none" : "found (the one the handshake made)")), null));

        // 8: open (tag, then replay window), strip padding, check the source, deliver.
        Outcome<byte[]> opened = pair.receive(true, wire, run.now());
        List<Value> checks = new ArrayList<>();
        boolean delivered = false;
        Annotated deliveredBytes = null;
        String summary;
        switch (opened) {
            case Outcome.Ok<byte[]>(var padded) -> {
                int length = IpPacket.claimedLength(padded, 0, padded.length);
                AllowedIps<String> serverTable = new AllowedIps<>();
                serverTable.insert(Prefix.parse(Lab.LAPTOP_TUNNEL), "your laptop");
                serverTable.insert(Prefix.parse(Lab.LAPTOP_TUNNEL6), "your laptop");
                String owner = serverTable.lookupSource(padded, 0, length);
                delivered = "your laptop".equals(owner);
                checks.add(new Value("decrypt", "tag verified with T_i->r"));
                checks.add(new Value("replay window", "counter " + Long.toUnsignedString(counter) + " not seen before: accepted"));
                checks.add(new Value("padding", (padded.length - length) + " bytes stripped (the IP header says " + length + ")"));
                int version = v4 ? 4 : 6;
                checks.add(new Value("source check", IpLayout.text(padded, IpPacket.sourceOffset(version), IpPacket.addressLength(version))
                        + " is in the laptop's AllowedIPs " + Lab.LAPTOP_TUNNEL + ", " + Lab.LAPTOP_TUNNEL6 + ": "
                        + (delivered ? "accepted" : "refused")));
                byte[] packet = java.util.Arrays.copyOf(padded, length);
                deliveredBytes = new Annotated("delivered IP packet", Bytes.of(packet).hex(),
                        IpLayout.packet(packet, "inner", "\"" + payloadText + "\", as sent"));
                summary = "The tag verifies, the counter is new, the padding goes, and the inner source belongs to the peer the"
                        + " packet came from: the server's tunnel interface receives exactly the packet the laptop sent.";
            }
            case Outcome.Dropped<byte[]>(var reason) -> {
                checks.add(new Value("dropped", reason + ": " + reason.description()));
                summary = "The server drops the datagram: " + reason.description() + ".";
            }
        }
        String replay = switch (pair.receive(true, wire, run.now())) {
            case Outcome.Ok<byte[]> ignored -> "accepted again (a bug)";
            case Outcome.Dropped<byte[]>(var reason) -> "dropped, " + reason;
        };
        checks.add(new Value("the same datagram again", replay));
        steps.add(new Step(8, "Decrypt, check, deliver", "responder", summary, List.copyOf(checks), deliveredBytes));
        return new Journey(Long.toString(run.lab().seed()), destination, delivered, List.copyOf(steps));
    }

    private static java.util.Map<String, String> split(Lab.Run run) {
        NoiseStep split = run.initiatorSteps().getLast();
        java.util.Map<String, String> keys = new java.util.LinkedHashMap<>();
        split.values().forEach((k, v) -> keys.put(k, v.hex()));
        return keys;
    }

    private static String hexIndex(int index) {
        return String.format("0x%08x", index);
    }
}
