package dev.wirelab.sim;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.device.Device;
import dev.wirelab.engine.device.Effects;
import dev.wirelab.engine.device.TraceEvent;
import dev.wirelab.engine.noise.NoiseStep;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A simulated machine: one engine {@link Device} bound to a UDP endpoint, a wall clock of its own,
 * an uplink into its network segment, and tunnel-side programs (ping, flows) that see the packets
 * the Device delivers. Calls the Device with {@code Now} from the event queue and keeps exactly one
 * timer event scheduled for its {@code nextDeadline()}.
 */
public final class Host implements Receiver {
    private final String name;
    private final EventQueue events;
    private final Trace trace;
    private final WallClock clock;
    private final Effects effects = new HostEffects();
    private final List<Consumer<byte[]>> tunnelListeners = new ArrayList<>();
    private Device device;
    private Endpoint endpoint;
    private Link uplink;
    private long scheduledDeadline = Long.MAX_VALUE;
    private long timerGeneration;
    private boolean down;

    public Host(String name, EventQueue events, Trace trace, WallClock clock) {
        this.name = name;
        this.events = events;
        this.trace = trace;
        this.clock = clock;
    }

    public String name() {
        return name;
    }

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
        if (d.destination().port() != endpoint.port() || !d.destination().address().equals(endpoint.address())) {
            trace.record(name, "host.closed-port", "id", d.id(), "dst", d.destination().toString());
            return;
        }
        trace.record(name, "udp.recv", "id", d.id(), "src", d.source().toString(), "len", d.payload().length(),
                "type", d.payload().length() == 0 ? 0 : d.payload().get(0) & 0xff);
        byte[] bytes = d.payload().toByteArray();
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

        @Override
        public void trace(TraceEvent event) {
            Map<String, Object> f = new LinkedHashMap<>();
            String kind = switch (event) {
                case TraceEvent.HandshakeStep e -> {
                    NoiseStep s = e.step();
                    f.put("peer", e.peer().base64());
                    f.put("step", s.number());
                    f.put("side", s.side().name());
                    f.put("token", s.token());
                    f.put("C", s.chainingKeyAfter().hex());
                    f.put("H", s.hashAfter().hex());
                    yield "wg.handshake-step";
                }
                case TraceEvent.InitiationSent e -> {
                    f.put("peer", e.peer().base64());
                    f.put("index", Integer.toUnsignedString(e.localIndex()));
                    f.put("attempt", e.attempt());
                    f.put("to", e.to().toString());
                    yield "wg.initiation-sent";
                }
                case TraceEvent.InitiatorEphemeral e -> {
                    f.put("peer", e.peer().base64());
                    f.put("index", Integer.toUnsignedString(e.localIndex()));
                    f.put("ephemeralPrivate", e.ephemeralPrivateBase64());
                    yield "wg.ephemeral";
                }
                case TraceEvent.ResponseSent e -> {
                    f.put("peer", e.peer().base64());
                    f.put("index", Integer.toUnsignedString(e.localIndex()));
                    f.put("to", e.to().toString());
                    yield "wg.response-sent";
                }
                case TraceEvent.CookieReplySent e -> {
                    f.put("receiverIndex", Integer.toUnsignedString(e.receiverIndex()));
                    f.put("to", e.to().toString());
                    yield "wg.cookie-sent";
                }
                case TraceEvent.CookieReceived e -> {
                    f.put("peer", e.peer().base64());
                    yield "wg.cookie-received";
                }
                case TraceEvent.SessionStarted e -> {
                    f.put("peer", e.peer().base64());
                    f.put("index", Integer.toUnsignedString(e.localIndex()));
                    f.put("initiator", e.initiator());
                    yield "wg.session";
                }
                case TraceEvent.KeypairConfirmed e -> {
                    f.put("peer", e.peer().base64());
                    yield "wg.confirmed";
                }
                case TraceEvent.TransportSent e -> {
                    f.put("peer", e.peer().base64());
                    f.put("counter", Long.toUnsignedString(e.counter()));
                    f.put("len", e.plaintextLength());
                    yield "wg.data-sent";
                }
                case TraceEvent.TransportReceived e -> {
                    f.put("peer", e.peer().base64());
                    f.put("counter", Long.toUnsignedString(e.counter()));
                    f.put("len", e.plaintextLength());
                    yield "wg.data-received";
                }
                case TraceEvent.EndpointChanged e -> {
                    f.put("peer", e.peer().base64());
                    f.put("from", e.from() == null ? "none" : e.from().toString());
                    f.put("to", e.to().toString());
                    yield "wg.endpoint";
                }
                case TraceEvent.TimerFired e -> {
                    f.put("peer", e.peer().base64());
                    f.put("timer", e.timer().name());
                    yield "wg.timer";
                }
                case TraceEvent.HandshakeGaveUp e -> {
                    f.put("peer", e.peer().base64());
                    f.put("dropped", e.stagedPacketsDropped());
                    yield "wg.gave-up";
                }
                case TraceEvent.KeysZeroed e -> {
                    f.put("peer", e.peer().base64());
                    yield "wg.keys-zeroed";
                }
                case TraceEvent.Routed e -> {
                    f.put("dst", e.destination());
                    f.put("peer", e.peer() == null ? "none" : e.peer().base64());
                    yield "wg.route";
                }
                // Drops are recorded once, by drop() above.
                case TraceEvent.Dropped e -> null;
            };
            if (kind != null) {
                trace.record(name, kind, f);
            }
        }
    }
}
