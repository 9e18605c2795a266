package dev.wirelab.sim;

import dev.wirelab.engine.message.MessageCodec;

/**
 * The soak's inner packets: an IPv4 header (protocol 253, reserved for experiments, so nothing
 * mistakes it for ICMP) and an 8-byte id, unique in the run, that the invariants follow from
 * sender to delivery.
 */
final class SoakTraffic {
    static final int LENGTH = 20 + 8;
    private static final int PROTOCOL_EXPERIMENTAL = 253;

    private SoakTraffic() {}

    static byte[] packet(byte[] source, byte[] destination, long id) {
        byte[] p = new byte[LENGTH];
        p[0] = 0x45;
        p[2] = (byte) (LENGTH >>> 8);
        p[3] = (byte) LENGTH;
        p[8] = 64;
        p[9] = (byte) PROTOCOL_EXPERIMENTAL;
        System.arraycopy(source, 0, p, 12, 4);
        System.arraycopy(destination, 0, p, 16, 4);
        MessageCodec.writeInt(p, 20, (int) id);
        MessageCodec.writeInt(p, 24, (int) (id >>> 32));
        return p;
    }

    /** The id of a soak packet, or -1 for anything else. */
    static long id(byte[] p) {
        if (p.length != LENGTH || (p[9] & 0xff) != PROTOCOL_EXPERIMENTAL) {
            return -1;
        }
        return (MessageCodec.readInt(p, 20) & 0xffffffffL) | (long) MessageCodec.readInt(p, 24) << 32;
    }
}
