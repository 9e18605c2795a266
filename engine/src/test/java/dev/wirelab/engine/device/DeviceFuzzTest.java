package dev.wirelab.engine.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.ip.IpPacket;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.noise.HandshakeState;
import dev.wirelab.engine.transport.Keypair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;

/**
 * Device input from the network and from the tunnel, fuzzed (Jazzer; without JAZZER_FUZZ the
 * committed inputs under DeviceFuzzTestInputs/ run as plain tests).
 *
 * <p>Both targets drive Devices that already hold a session, so the fuzzer reaches the receive and
 * send paths behind the receiver-index lookup, not only the parser. Building that session costs a
 * handshake, so it is built once and reused: sound because the datagram property says exactly that
 * the device does not change, and the outbound target only moves sending counters forward.
 */
class DeviceFuzzTest {
    /**
     * Inputs given to Devices in this JVM: one fuzzer execution of the datagram target runs a script
     * of up to 32 datagrams, so a long run reports both its executions and this.
     */
    private static long datagrams;
    private static long outboundPackets;

    @AfterAll
    static void reportInputs() {
        System.out.println("DeviceFuzzTest: " + datagrams + " datagrams and " + outboundPackets
                + " outbound packets given to Devices");
    }

    /**
     * Any datagrams, from any endpoint, in any order, with time moving forward between them, at a
     * device with an established peer (a), a peer (c) it has sent an initiation to and wait for,
     * and staged packets. The inputs are a script: raw bytes, replays of every genuine message of
     * the session (already delivered, or sent by the device itself) with bytes flipped or cut,
     * and messages aimed at the receiver indices the device holds. None of them can authenticate,
     * so each must produce no datagram, no delivery and no observable change.
     */
    @FuzzTest(maxDuration = "5m")
    void datagramsThatDoNotAuthenticateChangeNothing(byte[] script) {
        Listening fixture = Listening.get();
        Script s = new Script(script);
        // Traced (as the simulator runs it) or not (as the datapath does): both paths must hold.
        boolean tracing = (s.next() & 1) == 1;
        long mono = fixture.mono;
        DeviceSnapshot before = null;
        for (int op = 0; op < 32 && s.hasMore(); op++) {
            int kind = s.next() & 3;
            if (kind == 3) {
                // Up to ~11 minutes in 10 ms steps: past REKEY_TIMEOUT, REKEY_AFTER_TIME, REJECT_AFTER_TIME.
                mono += s.next16() * 10_000_000L;
                before = null; // keypairs may have expired meanwhile
                continue;
            }
            byte[] d = switch (kind) {
                case 0 -> s.bytes(s.next16() % 1600);
                case 1 -> fixture.replay(s);
                default -> fixture.aimed(s);
            };
            Endpoint from = fixture.source(s.next());
            Now now = new Now(mono, DevicePair.T0_WALL + (mono - DevicePair.T0_MONO));
            if (before == null) {
                before = DeviceSnapshot.of(fixture.device, now);
            }
            RecordedEffects out = new RecordedEffects(tracing);
            fixture.device.onDatagram(now, from, d, 0, d.length, out);
            datagrams++;
            int at = op;
            Supplier<String> where = () -> "op " + at + " from " + from + ": " + Bytes.of(d);
            assertEquals(List.of(), out.sent(), () -> "answered an unauthenticated datagram, " + where.get());
            assertEquals(List.of(), out.delivered(), () -> "delivered an unauthenticated datagram, " + where.get());
            assertEquals(before, DeviceSnapshot.of(fixture.device, now), () -> "state changed, " + where.get());
        }
    }

    /**
     * Any bytes as an outbound packet at an established a: what is not IP or has no route is
     * dropped with that reason and sends nothing; what routes to b goes out as exactly one transport
     * message, and b delivers it byte for byte up to its claimed length, or drops it for a dishonest
     * length or a source b does not allow from a. Nothing is ever delivered back into a's tunnel.
     */
    @FuzzTest(maxDuration = "5m")
    void outboundPacketsArriveIntactOrAreDropped(byte[] packet) {
        Established fixture = Established.get();
        Now now = fixture.pair.now();
        RecordedEffects outA = new RecordedEffects(true);
        fixture.pair.a.onOutbound(now, packet, 0, packet.length, outA);
        outboundPackets++;
        assertEquals(List.of(), outA.delivered());
        int version = IpPacket.version(packet, 0, packet.length);
        if (version == 0) {
            assertEquals(List.of(new Effect.Drop(DropReason.INNER_PACKET_MALFORMED, null)), outA.dropped());
            assertEquals(List.of(), outA.sent());
            return;
        }
        boolean toB = version == 4 && Arrays.equals(packet, 16, 20, DevicePair.TUNNEL_B, 0, 4);
        if (!toB) {
            assertEquals(List.of(new Effect.Drop(DropReason.NO_ROUTE, null)), outA.dropped());
            assertEquals(List.of(), outA.sent());
            return;
        }
        assertEquals(List.of(), outA.dropped());
        assertEquals(1, outA.sent().size(), "one transport message per packet");
        Effect.Send sent = outA.sent().get(0);
        assertEquals(DevicePair.ENDPOINT_B, sent.to());
        byte[] d = sent.datagram().toByteArray();
        assertEquals(Protocol.MESSAGE_TRANSPORT_DATA, MessageCodec.readInt(d, 0));

        RecordedEffects outB = new RecordedEffects(true);
        fixture.pair.b.onDatagram(now, DevicePair.ENDPOINT_A, d, 0, d.length, outB);
        assertEquals(List.of(), outB.sent(), "b answers data with nothing (its keepalive timer does that)");
        // b sees the packet with a's zero padding after it, and, like the kernel, takes any length
        // claim that fits in what it decrypted: a claim past the packet's end reaches into the padding.
        byte[] padded = Arrays.copyOf(packet, d.length - Protocol.TRANSPORT_MINIMUM_LENGTH);
        int claimed = IpPacket.claimedLength(padded, 0, padded.length);
        boolean fromA = Arrays.equals(packet, 12, 16, DevicePair.TUNNEL_A, 0, 4);
        if (claimed < 0) {
            assertEquals(List.of(new Effect.Drop(DropReason.INNER_PACKET_MALFORMED, DevicePair.ENDPOINT_A)), outB.dropped());
        } else if (!fromA) {
            assertEquals(List.of(new Effect.Drop(DropReason.INNER_SOURCE_NOT_ALLOWED, DevicePair.ENDPOINT_A)), outB.dropped());
        } else {
            assertEquals(List.of(), outB.dropped());
            assertEquals(1, outB.delivered().size());
            assertArrayEquals(Arrays.copyOf(padded, claimed), outB.delivered().get(0).packet().toByteArray());
        }
    }

    /** Reads a fuzz script; past its end every read is 0, so any prefix is a valid script. */
    static final class Script {
        private final byte[] b;
        private int at;

        Script(byte[] b) {
            this.b = b;
        }

        boolean hasMore() {
            return at < b.length;
        }

        int next() {
            return at < b.length ? b[at++] & 0xff : 0;
        }

        int next16() {
            return next() | next() << 8;
        }

        byte[] bytes(int n) {
            int take = Math.max(0, Math.min(n, b.length - at));
            byte[] out = Arrays.copyOfRange(b, at, at + take);
            at += take;
            return out;
        }
    }

    /** An a-b session, for the outbound target: a sends, b receives. */
    static final class Established {
        private static Established instance;
        final DevicePair pair = new DevicePair(0x0b7b0d);

        private Established() {
            pair.sendFromA(20);
            pair.deliverAll();
            pair.sendFromB(20);
            pair.deliverAll();
        }

        static synchronized Established get() {
            if (instance == null) {
                instance = new Established();
            }
            return instance;
        }
    }

    /**
     * Device b after a session with a (both ways, several packets) and an initiation to a third
     * peer c that was lost, so b holds keypair indices for a and a handshake index for c.
     */
    static final class Listening {
        static final Endpoint ENDPOINT_C = Endpoint.ipv4("203.0.113.7:51820");
        private static Listening instance;
        final Device device;
        final long mono;
        /** Every datagram of the session, both directions, each one already delivered. */
        final List<byte[]> genuine = new ArrayList<>();
        /** The receiver indices b holds: its keypairs' and its pending handshake's. */
        final int[] indices;

        private Listening() {
            DevicePair p = new DevicePair(0xf022);
            for (int i = 0; i < 3; i++) {
                p.sendFromA(40 + i);
                p.deliverAll();
                p.sendFromB(30 + i);
                p.deliverAll();
            }
            PublicKey keyC = Crypto.fastest().x25519().publicKey(PrivateKey.generate(new DeterministicEntropy(0xc)));
            p.b.apply(DeviceEdit.peers(PeerEdit.add(keyC, ENDPOINT_C, Prefix.parse("198.51.100.3/32"))), p.now(), p.outB);
            byte[] toC = DevicePair.ipv4(DevicePair.TUNNEL_B, new byte[] {(byte) 198, 51, 100, 3}, 10);
            p.b.onOutbound(p.now(), toC, 0, toC.length, p.outB);
            for (Effect.Send s : p.outA.sent()) {
                genuine.add(s.datagram().toByteArray());
            }
            for (Effect.Send s : p.outB.sent()) {
                genuine.add(s.datagram().toByteArray());
            }
            List<Integer> held = new ArrayList<>();
            for (Peer peer : p.b.peers()) {
                for (Keypair k : new Keypair[] {peer.keypairs().current(), peer.keypairs().previous(), peer.keypairs().next()}) {
                    if (k != null) {
                        held.add(k.localIndex());
                    }
                }
                if (peer.handshakeState() instanceof HandshakeState.CreatedInitiation c) {
                    held.add(c.localIndex());
                }
            }
            assertTrue(held.size() >= 2, "the fixture holds a keypair and a pending handshake: " + held);
            indices = held.stream().mapToInt(Integer::intValue).toArray();
            device = p.b;
            mono = p.mono;
        }

        static synchronized Listening get() {
            if (instance == null) {
                instance = new Listening();
            }
            return instance;
        }

        /** A genuine datagram again, with up to 7 bytes flipped or the message cut short. */
        byte[] replay(Script s) {
            byte[] d = genuine.get(s.next() % genuine.size()).clone();
            int edits = s.next() % 8;
            for (int i = 0; i < edits && d.length > 0; i++) {
                int position = s.next16() % d.length;
                int value = s.next();
                if (value == 0) {
                    d = Arrays.copyOf(d, position);
                } else {
                    d[position] ^= (byte) value;
                }
            }
            return d;
        }

        /**
         * A message of a chosen type carrying one of b's receiver indices, the rest from the script:
         * handshake messages at their exact length, so they get past the parser to the MACs and AEADs.
         */
        byte[] aimed(Script s) {
            int type = 1 + s.next() % 4;
            int receiver = indices[s.next() % indices.length];
            int length = switch (type) {
                case Protocol.MESSAGE_INITIATION -> Protocol.INITIATION_LENGTH;
                case Protocol.MESSAGE_RESPONSE -> Protocol.RESPONSE_LENGTH;
                case Protocol.MESSAGE_COOKIE_REPLY -> Protocol.COOKIE_REPLY_LENGTH;
                default -> Protocol.TRANSPORT_MINIMUM_LENGTH + s.next16() % 1500;
            };
            byte[] d = new byte[length];
            byte[] body = s.bytes(length);
            System.arraycopy(body, 0, d, 0, body.length);
            MessageCodec.writeInt(d, 0, type);
            // Initiations name no receiver; the other three carry it right after their own fields.
            if (type != Protocol.MESSAGE_INITIATION) {
                MessageCodec.writeInt(d, type == Protocol.MESSAGE_RESPONSE ? 8 : 4, receiver);
            }
            return d;
        }

        /** The source of a datagram: the real peers and b itself, special addresses, or anything. */
        Endpoint source(int selector) {
            return switch (selector) {
                case 0 -> DevicePair.ENDPOINT_A;
                case 1 -> DevicePair.ENDPOINT_B;
                case 2 -> ENDPOINT_C;
                case 3 -> new Endpoint(Bytes.of(new byte[4]), 0);
                case 4 -> new Endpoint(Bytes.of(new byte[] {-1, -1, -1, -1}), 65535);
                case 5 -> new Endpoint(Bytes.fromHex("00000000000000000000000000000001"), 51820);
                case 6 -> new Endpoint(Bytes.fromHex("00000000000000000000ffffc0000201"), 51820); // a's, v4-mapped
                default -> new Endpoint(Bytes.of(new byte[] {10, 0, (byte) selector, 1}), 1024 + selector);
            };
        }
    }
}
