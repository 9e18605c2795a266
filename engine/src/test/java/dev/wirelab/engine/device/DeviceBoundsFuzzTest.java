package dev.wirelab.engine.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.cookie.RateLimiter;
import dev.wirelab.engine.cookie.TokenBucketRateLimiter;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Bounded memory, fuzzed: whatever a peer, the tunnel, the network and the clock do, in any order,
 * a Device's state stays within fixed bounds. Per peer: at most MAX_STAGED_PACKETS staged packets,
 * and receiver indices for exactly its pending handshake and its keypairs (so at most 4); per
 * device: an index table holding exactly the peers' indices (none leaked), and a rate-limiter
 * table within its bound. The other state has fixed size by construction (three keypair slots,
 * one handshake, one cookie per peer).
 *
 * <p>The script drives a live pair a-b plus a third peer c of a that never answers: packets for
 * b, a and c from the tunnels, delivery or loss of everything in flight, time jumps with timers,
 * initiations with a valid mac1 from any source (a flood, under load or not) and random datagrams.
 */
class DeviceBoundsFuzzTest {
    private static final Endpoint ENDPOINT_C = Endpoint.ipv4("203.0.113.9:51820");
    private static final byte[] TUNNEL_C = {(byte) 198, 51, 100, 3};
    private static final PublicKey KEY_C = Crypto.fastest().x25519().publicKey(PrivateKey.generate(new DeterministicEntropy(0xc)));

    @FuzzTest(maxDuration = "5m")
    void stateStaysWithinBoundsWhateverHappens(byte[] script) {
        DeviceFuzzTest.Script s = new DeviceFuzzTest.Script(script);
        DevicePair p = new DevicePair(0xb0);
        p.a.apply(DeviceEdit.peers(PeerEdit.add(KEY_C, ENDPOINT_C, Prefix.parse("198.51.100.3/32"))), p.now(), p.outA);
        byte[] mac1KeyB = Crypto.fastest().blake2s().hash(Protocol.LABEL_MAC1, p.keyB.bytes());
        for (int op = 0; op < 64 && s.hasMore(); op++) {
            int kind = s.next() & 7;
            switch (kind) {
                case 0 -> p.sendFromA(s.next16() % 1400);
                case 1 -> p.sendFromB(s.next16() % 1400);
                case 2 -> {
                    // Staged for c, who never answers: the queue must stop at its bound.
                    int n = 1 + s.next();
                    for (int i = 0; i < n; i++) {
                        byte[] toC = DevicePair.ipv4(DevicePair.TUNNEL_A, TUNNEL_C, s.next() % 64);
                        p.a.onOutbound(p.now(), toC, 0, toC.length, p.outA);
                    }
                }
                case 3 -> p.deliverAll();
                case 4 -> p.loseAll();
                case 5 -> {
                    // Up to ~11 minutes in 10 ms steps: past every timer of whitepaper §6.
                    p.advance(s.next16() * 10_000_000L);
                    p.timers();
                }
                case 6 -> {
                    // A burst of initiations with a valid mac1 at b from spoofed sources, with b
                    // told its handshake queue is this deep (under load from 512 on).
                    p.b.noteHandshakeBacklog(s.next16());
                    int n = 1 + s.next();
                    for (int i = 0; i < n; i++) {
                        byte[] m = new byte[Protocol.INITIATION_LENGTH];
                        byte[] body = s.bytes(Initiation.OFFSET_MAC1);
                        System.arraycopy(body, 0, m, 0, body.length);
                        MessageCodec.writeInt(m, 0, Protocol.MESSAGE_INITIATION);
                        byte[] mac1 = Crypto.fastest().blake2s().mac(mac1KeyB, Arrays.copyOf(m, Initiation.OFFSET_MAC1));
                        System.arraycopy(mac1, 0, m, Initiation.OFFSET_MAC1, mac1.length);
                        Endpoint from = new Endpoint(Bytes.of(new byte[] {10, (byte) s.next(), (byte) s.next(), (byte) i}), s.next16());
                        p.b.onDatagram(p.now(), from, m, 0, m.length, p.outB);
                    }
                }
                default -> {
                    byte[] d = s.bytes(s.next16() % 1600);
                    Endpoint from = new Endpoint(Bytes.of(new byte[] {(byte) 203, 0, 113, (byte) s.next()}), s.next16());
                    if ((s.next() & 1) == 0) {
                        p.a.onDatagram(p.now(), from, d, 0, d.length, p.outA);
                    } else {
                        p.b.onDatagram(p.now(), from, d, 0, d.length, p.outB);
                    }
                }
            }
            int at = op;
            assertBounded(p.a, () -> "a after op " + at + " (kind " + kind + ")");
            assertBounded(p.b, () -> "b after op " + at + " (kind " + kind + ")");
        }
    }

    static void assertBounded(Device device, Supplier<String> where) {
        int held = 0;
        for (Peer peer : device.peers()) {
            assertTrue(peer.stagedPackets() <= Protocol.MAX_STAGED_PACKETS,
                    () -> where.get() + ": " + peer.stagedPackets() + " staged packets for " + peer);
            assertEquals(peer.liveIndices(), peer.indices, () -> where.get() + ": indices held for " + peer
                    + " other than its handshake's and keypairs'");
            held += peer.indices.size();
        }
        int heldByPeers = held;
        assertEquals(heldByPeers, indexTable(device).size(), () -> where.get() + ": the index table holds indices no peer owns");
        if (rateLimiter(device) instanceof TokenBucketRateLimiter t) {
            assertTrue(t.size() <= TokenBucketRateLimiter.MAX_ENTRIES, () -> where.get() + ": rate limiter table " + t.size());
        }
    }

    // The Device keeps these private and offers no read-back for them (nothing but this bound needs
    // them); reading them here keeps the engine's API as it is.
    private static Map<?, ?> indexTable(Device device) {
        return (Map<?, ?>) field(device, "indices");
    }

    private static RateLimiter rateLimiter(Device device) {
        return (RateLimiter) field(device, "rateLimiter");
    }

    private static Object field(Device device, String name) {
        try {
            Field f = Device.class.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(device);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Device." + name + " is gone: update DeviceBoundsFuzzTest", e);
        }
    }
}
