package dev.wirelab.engine.device;

import dev.wirelab.engine.Now;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.transport.Keypair;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything about a Device that a peer, `wg show` or the timers could notice: its key, port,
 * fwmark, next deadline, and per peer the endpoint, counters, handshake state, accepted timestamp,
 * staged packets, the five timers, the keypairs present and the AllowedIPs. Two snapshots taken at
 * the same {@link Now} are equal exactly when nothing observable changed; printed, they say what.
 *
 * <p>Values, not text: the fuzz target takes one after every input, so it must be cheap.
 *
 * <p>A keypair shows as usable or not at {@code now} rather than by its raw valid flag: the engine,
 * like the kernel, clears that flag when a packet arrives for a keypair already past
 * REJECT_AFTER_TIME, which changes nothing a peer could see since time alone already retired it.
 */
record DeviceSnapshot(Object publicKey, int listenPort, int fwmark, long nextDeadline, List<PeerSnapshot> peers) {

    record PeerSnapshot(Object publicKey, Object endpoint, int keepaliveSeconds, long rxBytes, long txBytes,
            long lastHandshakeWallNanos, String handshakeState, Object latestTimestamp, int stagedPackets,
            List<Long> timers, List<String> keypairs, Object allowedIps) {}

    static DeviceSnapshot of(Device device, Now now) {
        List<PeerSnapshot> peers = new ArrayList<>();
        for (Peer p : device.peers()) {
            List<Long> timers = new ArrayList<>(TraceEvent.Timer.values().length);
            for (TraceEvent.Timer t : TraceEvent.Timer.values()) {
                timers.add(p.deadline(t));
            }
            List<String> keypairs = new ArrayList<>(3);
            for (Keypair k : new Keypair[] {p.keypairs().current(), p.keypairs().previous(), p.keypairs().next()}) {
                keypairs.add(keypair(k, now));
            }
            peers.add(new PeerSnapshot(p.publicKey(), p.endpoint(), p.persistentKeepaliveSeconds(), p.rxBytes(),
                    p.txBytes(), p.lastHandshakeWallNanos(), String.valueOf(p.handshakeState()),
                    p.latestTimestamp(), p.stagedPackets(), timers, keypairs, device.allowedIps(p)));
        }
        return new DeviceSnapshot(device.publicKey(), device.listenPort(), device.fwmark(), device.nextDeadline(), peers);
    }

    private static String keypair(Keypair k, Now now) {
        if (k == null) {
            return "none";
        }
        boolean usable = k.isValid() && !now.hasExpired(k.birthMonoNanos(), Protocol.REJECT_AFTER_TIME_NANOS);
        return k + (usable ? " usable" : " retired") + (usable && k.canSend() ? " can-send" : "");
    }
}
