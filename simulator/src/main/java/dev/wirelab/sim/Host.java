package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.DeviceEdit;
import dev.wirelab.engine.device.Effects;
import dev.wirelab.engine.device.PeerEdit;
import dev.wirelab.engine.device.TraceEvent;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.noise.NoiseStep;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A simulated machine: one engine {@link Device} bound to a UDP endpoint, a wall clock of its own,
 * an uplink into its network segment, and tunnel-side programs (ping, flows) that see the packets
 * the Device delivers. Calls the Device with {@code Now} from the event queue and keeps exactly one
 * timer event scheduled for its {@code nextDeadline()}.
 *
 * <p>Handshake load. A real host queues handshake messages (initiation, response, cookie reply)
 * for worker threads, and the Device is under load when that queue is long. The simulated host
 * processes every message at once, so it models only the queue's length, as the load signal: a
 * queue that each handshake message joins and that drains at a steady service rate
 * ({@link #HANDSHAKE_SERVICE_RATE_PER_SECOND_DEFAULT}, or {@link #setHandshakeServiceRate}). Its
 * length when a message arrives, this message included, goes to {@link Device#noteHandshakeBacklog}
 * before the message. The length is bounded by the ring the kernel uses, 8 times the profile's
 * under-load backlog (4096 for the kernel, 1024 for wireguard-go); unlike the kernel, a message that
 * finds the ring full is still processed, not dropped. A flood faster than the service rate thus
 * builds a backlog and puts the Device under load. Crossing the profile's threshold, as arriving
 * messages see it, is traced ("host.under-load", "host.load-normal"); the Device itself stays under
 * load for the profile's underLoadAfter (1 s) once the backlog has drained.
 */
public final class Host implements Receiver {
    /**
     * Handshake messages a host takes off its queue per second: about one core doing the
     * Diffie-Hellman work of an initiation and its response (some 250 µs). A model constant, not a
     * measurement: a flood must exceed it to put a host under load.
     */
    public static final long HANDSHAKE_SERVICE_RATE_PER_SECOND_DEFAULT = 4_000;

    private final String name;
    private final EventQueue events;
    private final Trace trace;
    private final WallClock clock;
    private final Effects effects = new HostEffects();
    private final List<Consumer<byte[]>> tunnelListeners = new ArrayList<>();
    private final List<Wiretap> wiretaps = new ArrayList<>();
    private int extraHandshakeBacklog;
    /**
     * Copies of the non-zero preshared keys given through {@link #configure}, by peer: the engine
     * does not hand secrets back, and a keylog needs them. Copies, because the engine destroys a
     * preshared key it replaces.
     */
    private final Map<PublicKey, SymmetricKey> presharedKeys = new HashMap<>();
    private Device device;
    private Endpoint endpoint;
    private Link uplink;
    private long scheduledDeadline = Long.MAX_VALUE;
    private long timerGeneration;
    private boolean down;
    /** What one handshake message costs the queue, in nanoseconds of service. */
    private long handshakeServiceNanos = Protocol.SECOND_NANOS / HANDSHAKE_SERVICE_RATE_PER_SECOND_DEFAULT;
    /** Service time still queued at {@link #handshakeQueueAtNanos}. */
    private long handshakeQueueNanos;
    private long handshakeQueueAtNanos;
    private boolean underLoad;

    public Host(String name, EventQueue events, Trace trace, WallClock clock) {
        this.name = name;
        this.events = events;
        this.trace = trace;
        this.clock = clock;
    }

    public String name() {
        return name;
    }

    /**
     * The engine Device. Change its configuration through {@link #configure} rather than
     * {@code device().apply}, so that a key log of the simulation knows the preshared keys.
     */
    public Device device() {
        return device;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public WallClock clock() {
        return clock;
    }

    /** The time as this host sees it: virtual monotonic time, its own wall clock. */
    public Now now() {
        return new Now(events.now(), clock.wallAt(events.now()));
    }

    public Effects effects() {
        return effects;
    }

    void attach(Device device, Endpoint endpoint, Link uplink) {
        this.device = device;
        this.endpoint = endpoint;
        this.uplink = uplink;
    }

    /** The host moves to another address or port (Wi-Fi to cellular): new uplink, same Device. */
    void move(Endpoint endpoint, Link uplink) {
        trace.record(name, "host.move", "from", this.endpoint.toString(), "to", endpoint.toString());
        this.endpoint = endpoint;
        this.uplink = uplink;
    }

    /** Replaces the Device (a reboot: all sessions and timers gone, same keys and config). */
    void replaceDevice(Device fresh) {
        this.device = fresh;
        scheduledDeadline = Long.MAX_VALUE;
        timerGeneration++;
        trace.record(name, "host.reboot", "wall", clock.wallAt(events.now()));
        reschedule();
    }

    /** While down, the host neither sends nor receives (power off, or its link is unplugged). */
    public void setDown(boolean down) {
        boolean wasDown = this.down;
        this.down = down;
        trace.record(name, down ? "host.down" : "host.up");
        if (wasDown && !down) {
            // Timer events that came while down were skipped: schedule the Device's deadline afresh.
            scheduledDeadline = Long.MAX_VALUE;
            timerGeneration++;
            reschedule();
        }
    }

    /**
     * Applies a configuration change to the Device now (as {@code wg set} would) and remembers the
     * preshared keys it sets, for {@link Wiretap#initiation}. Invalid changes throw before anything
     * changed, as {@link Device#apply} does.
     */
    public void configure(DeviceEdit edit) {
        device.apply(edit, now(), effects);
        if (edit.replacePeers()) {
            presharedKeys.clear();
        }
        for (PeerEdit pe : edit.peers()) {
            if (pe.remove()) {
                presharedKeys.remove(pe.publicKey());
            } else if (pe.presharedKey() != null) {
                if (pe.presharedKey().isZero()) {
                    presharedKeys.remove(pe.publicKey());
                } else {
                    presharedKeys.put(pe.publicKey(), SymmetricKey.of(pe.presharedKey().secretBytes().clone()));
                }
            }
        }
        // Peers the Device did not create (updateOnly, our own key) have no preshared key.
        presharedKeys.keySet().removeIf(k -> device.peer(k) == null);
        reschedule();
    }

    /** From now on {@code tap} sees this host's datagrams and initiations. */
    public void addWiretap(Wiretap tap) {
        wiretaps.add(tap);
    }

    /** How many handshake messages per second this host's queue drains (the load model above). */
    public void setHandshakeServiceRate(long perSecond) {
        if (perSecond <= 0 || perSecond > Protocol.SECOND_NANOS) {
            throw new IllegalArgumentException("handshake service rate must be 1 to 10^9 per second, got " + perSecond);
        }
        handshakeServiceNanos = Protocol.SECOND_NANOS / perSecond;
    }

    /**
     * Handshake messages the queue holds beyond those this simulation delivers, from now on: load
     * from traffic the scenario does not model packet by packet (a scenario timeline sets it). The
     * Device sees modelled queue + this.
     */
    public void setExtraHandshakeBacklog(int queued) {
        extraHandshakeBacklog = queued;
        reportBacklog(handshakeBacklog());
    }

    /** The modelled handshake queue's length now, without adding to it. */
    public int handshakeBacklog() {
        long queued = Math.max(0, handshakeQueueNanos - (events.now() - handshakeQueueAtNanos));
        return (int) ((queued + handshakeServiceNanos - 1) / handshakeServiceNanos);
    }

    /** A handshake message joins the queue: drain what was served since the last one, add this one. */
    private void queueHandshake() {
        long now = events.now();
        long capacity = 8L * device.profile().underLoadBacklog();
        long served = now - handshakeQueueAtNanos;
        handshakeQueueNanos = Math.min(Math.max(0, handshakeQueueNanos - served) + handshakeServiceNanos,
                capacity * handshakeServiceNanos);
        handshakeQueueAtNanos = now;
        reportBacklog((int) ((handshakeQueueNanos + handshakeServiceNanos - 1) / handshakeServiceNanos));
    }

    private void reportBacklog(int modelled) {
        int backlog = (int) Math.min(Integer.MAX_VALUE, (long) modelled + extraHandshakeBacklog);
        device.noteHandshakeBacklog(backlog);
        boolean over = backlog >= device.profile().underLoadBacklog();
        if (over != underLoad) {
            underLoad = over;
            trace.record(name, over ? "host.under-load" : "host.load-normal", "backlog", backlog);
        }
    }

    /** Whether a datagram is one the kernel puts on its handshake queue: type and length of a handshake message. */
    private static boolean isHandshakeMessage(byte[] b) {
        if (b.length < 4) {
            return false;
        }
        int type = MessageCodec.readInt(b, 0);
        return type == Protocol.MESSAGE_INITIATION && b.length == Protocol.INITIATION_LENGTH
                || type == Protocol.MESSAGE_RESPONSE && b.length == Protocol.RESPONSE_LENGTH
                || type == Protocol.MESSAGE_COOKIE_REPLY && b.length == Protocol.COOKIE_REPLY_LENGTH;
    }

    public void onTunnel(Consumer<byte[]> listener) {
        tunnelListeners.add(listener);
    }

    /** An IP packet from this host's tunnel side (an application sent it). */
    public void sendTunnel(byte[] packet) {
        if (down) {
            return;
        }
        device.onOutbound(now(), packet, 0, packet.length, effects);
        reschedule();
    }

    @Override
    public void receive(Datagram d) {
        if (down) {
            trace.record(name, "host.lost", "id", d.id(), "cause", "host-down");
            return;
        }
        for (Wiretap tap : wiretaps) {
            tap.arrived(this, d, events.now());
        }
        if (d.destination().port() != endpoint.port() || !d.destination().address().equals(endpoint.address())) {
            trace.record(name, "host.closed-port", "id", d.id(), "dst", d.destination().toString());
            return;
        }
        trace.record(name, "udp.recv", "id", d.id(), "src", d.source().toString(), "len", d.payload().length(),
                "type", d.payload().length() == 0 ? 0 : d.payload().get(0) & 0xff);
        byte[] bytes = d.payload().toByteArray();
        if (isHandshakeMessage(bytes)) {
            queueHandshake();
        }
        device.onDatagram(now(), d.source(), bytes, 0, bytes.length, effects);
        reschedule();
    }

    /** Keeps one timer event at the Device's next deadline; a newer one makes older ones stale. */
    public void reschedule() {
        long deadline = device.nextDeadline();
        if (deadline == scheduledDeadline) {
            return;
        }
        scheduledDeadline = deadline;
        long generation = ++timerGeneration;
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        events.at(Math.max(deadline, events.now()), () -> {
            if (generation != timerGeneration || down) {
                return;
            }
            scheduledDeadline = Long.MAX_VALUE;
            device.onTimer(now(), effects);
            reschedule();
        });
    }

    /** Carries the Device's effects into the simulation and the trace. */
    private final class HostEffects implements Effects {
        @Override
        public void send(Endpoint to, byte[] datagram) {
            Datagram d = new Datagram(events.nextDatagramId(), endpoint, to, Bytes.wrap(datagram), 0);
            trace.record(name, "udp.send", "id", d.id(), "dst", to.toString(), "len", datagram.length, "type", datagram[0] & 0xff);
            for (Wiretap tap : wiretaps) {
                tap.departed(Host.this, d, events.now());
            }
            uplink.transmit(d);
        }

        @Override
        public void deliver(byte[] packet) {
            trace.record(name, "tunnel.deliver", "len", packet.length);
            for (Consumer<byte[]> l : List.copyOf(tunnelListeners)) {
                l.accept(packet);
            }
        }

        @Override
        public void drop(DropReason reason, Endpoint from) {
            trace.record(name, "wg.drop", "reason", reason.name(), "from", from == null ? "tunnel" : from.toString());
        }

        @Override
        public boolean tracing() {
            return true;
        }

        private void tapInitiation(TraceEvent.InitiatorEphemeral e) {
            if (wiretaps.isEmpty()) {
                return;
            }
            // An initiation is only made with a private key set, so identity() is not null here.
            SymmetricKey psk = presharedKeys.get(e.peer());
            Wiretap.InitiatorKeys keys = new Wiretap.InitiatorKeys(e.peer(), e.localIndex(),
                    device.identity().privateKey().base64(), e.ephemeralPrivateBase64(),
                    psk == null ? null : Base64.getEncoder().encodeToString(psk.secretBytes()));
            for (Wiretap tap : wiretaps) {
                tap.initiation(Host.this, keys, events.now());
            }
        }

        @Override
        public void trace(TraceEvent event) {
            switch (event) {
                case TraceEvent.HandshakeStep e -> {
                    NoiseStep s = e.step();
                    record("wg.handshake-step", "peer", e.peer().base64(), "step", s.number(), "side", s.side().name(),
                            "token", s.token(), "C", s.chainingKeyAfter().hex(), "H", s.hashAfter().hex());
                }
                case TraceEvent.InitiationSent e -> record("wg.initiation-sent", "peer", e.peer().base64(),
                        "index", Integer.toUnsignedString(e.localIndex()), "attempt", e.attempt(), "to", e.to().toString());
                case TraceEvent.InitiatorEphemeral e -> {
                    tapInitiation(e);
                    record("wg.ephemeral", "peer", e.peer().base64(), "index", Integer.toUnsignedString(e.localIndex()),
                            "ephemeralPrivate", e.ephemeralPrivateBase64());
                }
                // The initiator's keys already decrypt every simulated session: not in the trace.
                case TraceEvent.ResponderEphemeral e -> { }
                case TraceEvent.ResponseSent e -> record("wg.response-sent", "peer", e.peer().base64(),
                        "index", Integer.toUnsignedString(e.localIndex()), "to", e.to().toString());
                case TraceEvent.CookieReplySent e -> record("wg.cookie-sent",
                        "receiverIndex", Integer.toUnsignedString(e.receiverIndex()), "to", e.to().toString());
                case TraceEvent.CookieReceived e -> record("wg.cookie-received", "peer", e.peer().base64());
                case TraceEvent.SessionStarted e -> record("wg.session", "peer", e.peer().base64(),
                        "index", Integer.toUnsignedString(e.localIndex()), "initiator", e.initiator());
                case TraceEvent.KeypairConfirmed e -> record("wg.confirmed", "peer", e.peer().base64());
                case TraceEvent.TransportSent e -> record("wg.data-sent", "peer", e.peer().base64(),
                        "counter", Long.toUnsignedString(e.counter()), "len", e.plaintextLength());
                case TraceEvent.TransportReceived e -> record("wg.data-received", "peer", e.peer().base64(),
                        "counter", Long.toUnsignedString(e.counter()), "len", e.plaintextLength());
                case TraceEvent.EndpointChanged e -> record("wg.endpoint", "peer", e.peer().base64(),
                        "from", e.from() == null ? "none" : e.from().toString(), "to", e.to().toString());
                case TraceEvent.TimerFired e -> record("wg.timer", "peer", e.peer().base64(), "timer", e.timer().name());
                case TraceEvent.HandshakeGaveUp e -> record("wg.gave-up", "peer", e.peer().base64(),
                        "dropped", e.stagedPacketsDropped());
                case TraceEvent.KeysZeroed e -> record("wg.keys-zeroed", "peer", e.peer().base64());
                case TraceEvent.Routed e -> record("wg.route", "dst", e.destination(),
                        "peer", e.peer() == null ? "none" : e.peer().base64());
                // Drops are recorded once, by drop() above.
                case TraceEvent.Dropped e -> { }
            }
        }

        private void record(String kind, Object... keyValues) {
            trace.record(name, kind, keyValues);
        }
    }
}
