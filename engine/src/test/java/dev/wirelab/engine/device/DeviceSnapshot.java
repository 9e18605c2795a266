package dev.wirelab.engine.device;

import dev.wirelab.engine.Now;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.transport.Keypair;

/**
 * Everything about a Device that a peer, `wg show` or the timers could notice, as text: its key,
 * port, fwmark, next deadline, and per peer the endpoint, counters, handshake state, accepted
 * timestamp, staged packets, the five timers, the keypairs present and the AllowedIPs. Two
 * snapshots taken at the same {@link Now} are equal exactly when nothing observable changed.
 *
 * <p>A keypair shows as usable or not at {@code now} rather than by its raw valid flag: the engine,
 * like the kernel, clears that flag when a packet arrives for a keypair already past
 * REJECT_AFTER_TIME, which changes nothing a peer could see since time alone already retired it.
 */
final class DeviceSnapshot {
    private DeviceSnapshot() {}

    static String of(Device device, Now now) {
        StringBuilder sb = new StringBuilder();
        sb.append("device ").append(device.publicKey()).append(" port ").append(device.listenPort())
                .append(" fwmark ").append(device.fwmark()).append(" next ").append(device.nextDeadline()).append('\n');
        for (Peer p : device.peers()) {
            sb.append("peer ").append(p.publicKey()).append(" @ ").append(p.endpoint())
                    .append(" keepalive ").append(p.persistentKeepaliveSeconds())
                    .append(" rx ").append(p.rxBytes()).append(" tx ").append(p.txBytes())
                    .append(" handshake@ ").append(p.lastHandshakeWallNanos())
                    .append(" state ").append(p.handshakeState())
                    .append(" timestamp ").append(p.latestTimestamp())
                    .append(" staged ").append(p.stagedPackets()).append('\n');
            for (TraceEvent.Timer t : TraceEvent.Timer.values()) {
                sb.append("  timer ").append(t).append(' ').append(p.deadline(t)).append('\n');
            }
            keypair(sb, "current", p.keypairs().current(), now);
            keypair(sb, "previous", p.keypairs().previous(), now);
            keypair(sb, "next", p.keypairs().next(), now);
            sb.append("  allowed ").append(device.allowedIps(p)).append('\n');
        }
        return sb.toString();
    }

    private static void keypair(StringBuilder sb, String slot, Keypair k, Now now) {
        sb.append("  ").append(slot).append(' ');
        if (k == null) {
            sb.append("none\n");
            return;
        }
        boolean usable = k.isValid() && !now.hasExpired(k.birthMonoNanos(), Protocol.REJECT_AFTER_TIME_NANOS);
        sb.append(k).append(usable ? " usable" : " retired").append(usable && k.canSend() ? " can-send" : "").append('\n');
    }
}
