package dev.wirelab.conformance;

import dev.wirelab.capture.WireGuardKeylog;
import dev.wirelab.datapath.SystemClock;
import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Profile;
import dev.wirelab.engine.allowedips.Prefix;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PrivateKey;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.Effects;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.engine.device.TraceEvent;
import dev.wirelab.interop.Netns;
import dev.wirelab.sim.Icmp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The conformance harness's side of the wire: wirelab's engine {@link Device} on plain UDP sockets
 * opened inside a namespace, under the harness's full control. It records every datagram it
 * receives (with the time) and every one it sends; it can stop feeding the Device ({@link Mode#SILENT},
 * to play a dead peer), hold its own sends back, send from another port (roaming), answer pings
 * the target sends through the tunnel, and send any bytes at all (the adversary).
 */
public final class HarnessPeer implements AutoCloseable {
    /**
     * AUTOPILOT: received datagrams reach the Device and it sends what it decides. SILENT: a dead
     * peer; datagrams are only recorded and the Device's own sends (its timers keep running: a
     * keepalive, a new handshake) are discarded, since any of them would reset the target's timers.
     */
    public enum Mode { AUTOPILOT, SILENT }

    /** A datagram that arrived (or left), when, and through which of our ports. */
    public record Datagram(long monoNanos, InetSocketAddress peer, int localPort, byte[] bytes) {
        public int type() {
            return bytes.length >= 4 ? bytes[0] & 0xff : -1;
        }
    }

    private static final Duration TIMER_TICK = Duration.ofMillis(5);

    private final Netns ns;
    private final PrivateKey key;
    private final InetAddress address;
    private final Device device;
    private final ReentrantLock lock = new ReentrantLock();
    private final SystemClock clock = new SystemClock();
    private final PublicKey publicKey;
    private final Map<Integer, DatagramChannel> sockets = new ConcurrentHashMap<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<Datagram> received = new CopyOnWriteArrayList<>();
    private final List<Datagram> sent = new CopyOnWriteArrayList<>();
    private final List<byte[]> delivered = new CopyOnWriteArrayList<>();
    private final List<Datagram> held = new CopyOnWriteArrayList<>();
    /** A block per handshake of the Device (an initiation per REKEY_TIMEOUT at most, a response per initiation received). */
    private final List<WireGuardKeylog> keylog = new CopyOnWriteArrayList<>();
    private final Effects effects = new HarnessEffects();
    private volatile Mode mode = Mode.AUTOPILOT;
    private volatile int sendPort;
    private volatile boolean holdSends;
    private volatile boolean answerPings = true;
    private volatile boolean closing;

    private HarnessPeer(Netns ns, InetAddress address, PrivateKey key) {
        this.key = key;
        this.ns = ns;
        this.address = address;
        this.device = new Device(Profile.REFERENCE, Crypto.fastest(), new dev.wirelab.datapath.SystemEntropy());
        Now now = clock.get();
        device.apply(DeviceEdit.privateKey(key), now, effects);
        this.publicKey = device.publicKey();
    }

    /** A harness peer with a fresh key, listening on {@code address}:{@code port} inside {@code ns}. */
    public static HarnessPeer start(Netns ns, String address, int port) throws Exception {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        HarnessPeer h = new HarnessPeer(ns, InetAddress.getByName(address), PrivateKey.of(k));
        h.openPort(port);
        h.sendPort = port;
        Thread timers = Thread.ofPlatform().name("harness timers").start(h::timerLoop);
        h.threads.add(timers);
        return h;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** The harness's static identity, for crafting messages outside its Device (a test key, never a real one). */
    public dev.wirelab.engine.noise.StaticIdentity identity() {
        return new dev.wirelab.engine.noise.StaticIdentity(key, publicKey);
    }

    /** The engine Device playing the peer; use it under {@link #locked}. */
    public void locked(java.util.function.Consumer<Device> action) {
        lock.lock();
        try {
            action.accept(device);
        } finally {
            lock.unlock();
        }
    }

    /** Adds the target as a peer of the harness. */
    public void addPeer(PublicKey target, InetSocketAddress endpoint, String... allowedIps) {
        List<Prefix> prefixes = new ArrayList<>();
        for (String p : allowedIps) {
            prefixes.add(Prefix.parse(p));
        }
        apply(PeerEdit.add(target, endpoint == null ? null : toEndpoint(endpoint), prefixes.toArray(Prefix[]::new)));
    }

    /** Forgets peer {@code target}: its sessions and AllowedIPs go with it. */
    public void removePeer(PublicKey target) {
        apply(PeerEdit.removal(target));
    }

    /** Gives the harness's peer {@code target} the preshared key {@code psk}. */
    public void presharedKey(PublicKey target, dev.wirelab.engine.crypto.SymmetricKey psk) {
        apply(PeerEdit.add(target, null).withPresharedKey(psk));
    }

    private void apply(PeerEdit edit) {
        lock.lock();
        try {
            device.apply(DeviceEdit.peers(edit), clock.get(), effects);
        } finally {
            lock.unlock();
        }
    }

    /** Opens another UDP port on the harness address (its receive thread starts at once). */
    public void openPort(int port) throws Exception {
        DatagramChannel channel = ns.call(() -> {
            DatagramChannel c = DatagramChannel.open();
            c.bind(new InetSocketAddress(address, port));
            return c;
        });
        sockets.put(port, channel);
        threads.add(Thread.ofPlatform().name("harness udp " + port).start(() -> receiveLoop(port, channel)));
    }

    /** From now on the Device's datagrams leave from {@code port} (roaming, as seen by the target). */
    public void sendFrom(int port) {
        if (!sockets.containsKey(port)) {
            throw new IllegalArgumentException("port " + port + " is not open");
        }
        sendPort = port;
    }

    public void mode(Mode m) {
        mode = m;
    }

    /** Whether echo requests delivered by the Device are answered (as a host's stack would). */
    public void answerPings(boolean on) {
        answerPings = on;
    }

    /** While on, the Device's datagrams are kept in {@link #takeHeld} instead of being sent. */
    public void holdSends(boolean on) {
        holdSends = on;
    }

    public List<Datagram> takeHeld() {
        List<Datagram> h = List.copyOf(held);
        held.clear();
        return h;
    }

    /** Every datagram received so far, in order. */
    public List<Datagram> received() {
        return List.copyOf(received);
    }

    /** Every datagram sent so far, in order. */
    public List<Datagram> sent() {
        return List.copyOf(sent);
    }

    /**
     * A Wireshark key log block for each handshake the harness's Device made, as initiator or
     * responder: what opens them and their sessions in a capture. (Initiations crafted outside the
     * Device keep their keys in {@link Crafter}.)
     */
    public List<WireGuardKeylog> keylog() {
        return List.copyOf(keylog);
    }

    /** The harness's underlay address, where its ports are. */
    public InetAddress address() {
        return address;
    }

    public long now() {
        return System.nanoTime();
    }

    /**
     * Waits up to {@code timeout} for a received datagram at or after {@code sinceNanos} that
     * matches; returns it or null.
     */
    public Datagram await(long sinceNanos, Predicate<Datagram> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Datagram d : received) {
                if (d.monoNanos() - sinceNanos >= 0 && match.test(d)) {
                    return d;
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            Thread.sleep(2);
        }
    }

    /** Received datagrams at or after {@code sinceNanos}. */
    public List<Datagram> receivedSince(long sinceNanos) {
        return received.stream().filter(d -> d.monoNanos() - sinceNanos >= 0).toList();
    }

    /** Hands an inner IP packet to the Device, as if the harness's tunnel interface had routed it. */
    public void sendInner(byte[] packet) {
        lock.lock();
        try {
            device.onOutbound(clock.get(), packet, 0, packet.length, effects);
        } finally {
            lock.unlock();
        }
    }

    /** The ICMP identifier of the harness's own pings. */
    private static final int ECHO_IDENTIFIER = 0x574c; // "WL"

    /**
     * Sends an echo request through the tunnel and waits for its reply.
     *
     * @return whether the reply was delivered within {@code timeout}
     */
    public boolean ping(byte[] source, byte[] destination, int sequence, Duration timeout) throws InterruptedException {
        sendEcho(source, destination, sequence);
        return awaitEchoReply(sequence, timeout);
    }

    /** Sends an echo request through the tunnel without waiting. */
    public void sendEcho(byte[] source, byte[] destination, int sequence) {
        sendInner(Icmp.echoRequest(source, destination, ECHO_IDENTIFIER, sequence, 56));
    }

    /** Waits up to {@code timeout} for the echo reply to the harness's request {@code sequence}. */
    public boolean awaitEchoReply(int sequence, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (byte[] packet : delivered) {
                Icmp.Echo e = Icmp.parse(packet);
                if (e != null && !e.request() && e.identifier() == ECHO_IDENTIFIER && e.sequence() == sequence) {
                    return true;
                }
            }
            Thread.sleep(2);
        } while (System.nanoTime() - deadline < 0);
        return false;
    }

    /** Inner packets the Device delivered (decrypted, authenticated, allowed). */
    public List<byte[]> delivered() {
        return List.copyOf(delivered);
    }

    /** Sends raw bytes from port {@code fromPort} of the harness to {@code to}. */
    public void sendRaw(int fromPort, InetSocketAddress to, byte[] datagram) throws IOException {
        DatagramChannel c = sockets.get(fromPort);
        c.send(ByteBuffer.wrap(datagram), to);
        sent.add(new Datagram(System.nanoTime(), to, fromPort, datagram.clone()));
    }

    /** As {@link #sendRaw} but not recorded: for floods, which would fill memory with copies. */
    public void sendRawQuiet(int fromPort, InetSocketAddress to, byte[] datagram) throws IOException {
        sockets.get(fromPort).send(ByteBuffer.wrap(datagram), to);
    }

    private void receiveLoop(int port, DatagramChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(65_536);
        while (!closing) {
            InetSocketAddress from;
            try {
                buffer.clear();
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue; // ICMP errors surface here; the harness only cares about datagrams.
            }
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            long at = System.nanoTime();
            received.add(new Datagram(at, from, port, bytes));
            if (mode == Mode.AUTOPILOT) {
                handle(from, bytes);
            }
        }
    }

    /**
     * Hands a datagram that arrived while {@link Mode#SILENT} to the Device now, as if it had just
     * come: a check that played dead answers one chosen message.
     */
    public void feed(Datagram d) {
        handle(d.peer(), d.bytes());
    }

    private void handle(InetSocketAddress from, byte[] bytes) {
        lock.lock();
        try {
            device.onDatagram(clock.get(), toEndpoint(from), bytes, 0, bytes.length, effects);
            // Echo replies to what was just delivered: sent after the Device returned, never from
            // inside one of its effects.
            while (!pendingReplies.isEmpty()) {
                byte[] reply = pendingReplies.removeFirst();
                device.onOutbound(clock.get(), reply, 0, reply.length, effects);
            }
        } finally {
            lock.unlock();
        }
    }

    private void timerLoop() {
        while (!closing) {
            lock.lock();
            try {
                Now now = clock.get();
                if (device.nextDeadline() <= now.monoNanos()) {
                    device.onTimer(now, effects);
                }
            } finally {
                lock.unlock();
            }
            try {
                Thread.sleep(TIMER_TICK);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static Endpoint toEndpoint(InetSocketAddress a) {
        return new Endpoint(Bytes.wrap(a.getAddress().getAddress()), a.getPort());
    }

    static InetSocketAddress toSocketAddress(Endpoint e) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(e.address().toByteArray()), e.port());
        } catch (java.net.UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public void close() {
        closing = true;
        for (DatagramChannel c : sockets.values()) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Closing to stop.
            }
        }
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Carries out the Device's effects; called under the lock. */
    private final class HarnessEffects implements Effects {
        @Override
        public void send(Endpoint to, byte[] datagram) {
            if (mode == Mode.SILENT) {
                return;
            }
            InetSocketAddress target = toSocketAddress(to);
            Datagram d = new Datagram(System.nanoTime(), target, sendPort, datagram);
            if (holdSends) {
                held.add(d);
                return;
            }
            try {
                sockets.get(sendPort).send(ByteBuffer.wrap(datagram), target);
                sent.add(d);
            } catch (IOException e) {
                // Lost, as on any network.
            }
        }

        @Override
        public void deliver(byte[] packet) {
            delivered.add(packet);
            if (answerPings) {
                byte[] reply = Icmp.replyTo(packet);
                if (reply != null) {
                    pendingReplies.add(reply);
                }
            }
        }

        @Override
        public void drop(DropReason reason, Endpoint from) {
            drops.merge(reason, 1, Integer::sum);
        }

        /**
         * On for the cell's key log. The Device then also builds its other trace events (C and H per
         * Noise step, a record per transport packet), which are dropped here: microseconds per
         * message, far inside the 100 ms the timing checks allow (Checks.EARLY_SLACK_S).
         */
        @Override
        public boolean tracing() {
            return true;
        }

        @Override
        public void trace(TraceEvent event) {
            WireGuardKeylog.handshake(device, event).ifPresent(keylog::add);
        }
    }

    private final List<byte[]> pendingReplies = new CopyOnWriteArrayList<>();
    private final Map<DropReason, Integer> drops = new ConcurrentHashMap<>();

    /** How often the harness Device dropped something for {@code reason}. */
    public int drops(DropReason reason) {
        return drops.getOrDefault(reason, 0);
    }
}
