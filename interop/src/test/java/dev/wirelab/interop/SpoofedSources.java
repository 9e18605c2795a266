package dev.wirelab.interop;

import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Many UDP sources in one namespace without a raw socket: a local route for a whole prefix
 * ({@code ip route add local PREFIX dev lo}, Linux "AnyIP") lets a socket bind to any address in it,
 * so each of thousands of sockets gets its own (address, port), and whatever is sent back to them
 * arrives and can be counted. The other side needs a route back to the prefix.
 *
 * <p>{@link #floodInitiations} sends handshake initiations with a valid mac1 for a target key (anyone
 * who knows a public key can compute it) and random bytes elsewhere, as an attacker would, each
 * source repeating its own: each costs
 * the target a Diffie-Hellman unless it is under load, when it answers with a cookie reply instead.
 * Each source's initiations carry a sender index that names the source, so a reply can be checked to
 * answer the source it reached.
 */
final class SpoofedSources implements AutoCloseable {
    /** A third documentation prefix: neither the underlay (192.0.2.0/24) nor the tunnel (198.51.100.0/24). */
    static final String PREFIX = "203.0.113.0/24";
    private static final int SENDER_MARK = 0x5a000000;

    /** What came back to the sources. */
    record Replies(int cookieReplies, int wellFormedCookieReplies, int otherDatagrams) {}

    private final List<DatagramChannel> channels;

    private SpoofedSources(List<DatagramChannel> channels) {
        this.channels = channels;
    }

    /**
     * Routes {@link #PREFIX} to {@code attacker}'s loopback as local and, in {@code victim}, back
     * through {@code attackerUnderlay}; then opens {@code count} sockets on distinct (address, port)
     * pairs of it inside {@code attacker}.
     */
    static SpoofedSources open(Netns attacker, Netns victim, String attackerUnderlay, int count) throws Exception {
        attacker.run("ip", "route", "add", "local", PREFIX, "dev", "lo");
        victim.run("ip", "route", "add", PREFIX, "via", attackerUnderlay);
        List<DatagramChannel> channels = attacker.call(() -> {
            List<DatagramChannel> opened = new ArrayList<>(count);
            try {
                for (int i = 0; i < count; i++) {
                    DatagramChannel c = DatagramChannel.open();
                    opened.add(c);
                    c.bind(new InetSocketAddress("203.0.113." + (1 + i % 254), 20_000 + i / 254));
                    c.configureBlocking(true);
                }
            } catch (IOException e) {
                for (DatagramChannel c : opened) {
                    c.close();
                }
                throw e;
            }
            return opened;
        });
        return new SpoofedSources(channels);
    }

    int count() {
        return channels.size();
    }

    /**
     * {@code perSecond} initiations for {@code targetKey} at {@code target} for {@code seconds}, from
     * the sources in turn, paced in 10 ms steps; returns how many were sent. Blocking sends: a full
     * send buffer puts this thread to sleep instead of spinning on the core the receiver needs.
     */
    long floodInitiations(InetSocketAddress target, String targetKeyBase64, int perSecond, double seconds, long seed)
            throws IOException, InterruptedException {
        // One initiation per source, made before the flood: the sending loop then costs the machine
        // (which the device under test shares) little more than the send system calls.
        Crypto crypto = Crypto.fastest();
        byte[] mac1Key = crypto.blake2s().hash(Protocol.LABEL_MAC1, PublicKey.fromBase64(targetKeyBase64).bytes());
        Random random = new Random(seed);
        ByteBuffer[] initiations = new ByteBuffer[channels.size()];
        for (int source = 0; source < initiations.length; source++) {
            byte[] m = new byte[Protocol.INITIATION_LENGTH];
            random.nextBytes(m);
            Arrays.fill(m, Initiation.OFFSET_MAC1, m.length, (byte) 0);
            MessageCodec.writeInt(m, 0, Protocol.MESSAGE_INITIATION);
            MessageCodec.writeInt(m, Initiation.OFFSET_SENDER, SENDER_MARK | source);
            byte[] mac1 = crypto.blake2s().mac(mac1Key, Arrays.copyOf(m, Initiation.OFFSET_MAC1));
            System.arraycopy(mac1, 0, m, Initiation.OFFSET_MAC1, mac1.length);
            initiations[source] = ByteBuffer.wrap(m);
        }
        long steps = Math.round(seconds * 100);
        int perStep = perSecond / 100;
        long start = System.nanoTime();
        long sent = 0;
        for (long step = 0; step < steps; step++) {
            for (int i = 0; i < perStep; i++) {
                int source = (int) (sent % channels.size());
                channels.get(source).send(initiations[source].rewind(), target);
                sent++;
            }
            long due = start + (step + 1) * 10_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        return sent;
    }

    /**
     * Reads everything waiting at the sources: cookie replies (type 3, 64 bytes) are well formed when
     * their receiver index is the one this source put in its initiations.
     */
    Replies drain() throws IOException {
        int cookies = 0;
        int wellFormed = 0;
        int other = 0;
        ByteBuffer in = ByteBuffer.allocate(2048);
        for (int source = 0; source < channels.size(); source++) {
            DatagramChannel c = channels.get(source);
            c.configureBlocking(false);
            while (c.receive(in) != null) {
                in.flip();
                byte[] d = new byte[in.remaining()];
                in.get(d);
                in.clear();
                if (d.length >= 4 && MessageCodec.readInt(d, 0) == Protocol.MESSAGE_COOKIE_REPLY) {
                    cookies++;
                    if (d.length == Protocol.COOKIE_REPLY_LENGTH && MessageCodec.readInt(d, 4) == (SENDER_MARK | source)) {
                        wellFormed++;
                    }
                } else {
                    other++;
                }
            }
        }
        return new Replies(cookies, wellFormed, other);
    }

    @Override
    public void close() throws IOException {
        for (DatagramChannel c : channels) {
            c.close();
        }
    }
}
