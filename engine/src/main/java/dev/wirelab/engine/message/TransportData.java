package dev.wirelab.engine.message;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Protocol;

/**
 * Transport data: 16-byte header, then the padded packet encrypted with its 16-byte tag.
 * <pre>
 *   0      1         4          8             16
 *   | type | reserved | receiver | counter (8) | encrypted packet (padded to 16) + tag (16) |
 * </pre>
 * A keepalive is the 32-byte form with an empty packet.
 */
public record TransportData(int receiver, long counter, Bytes encryptedPacket) implements Message {
    public static final int OFFSET_RECEIVER = 4;
    public static final int OFFSET_COUNTER = 8;
    public static final int OFFSET_PACKET = 16;

    public TransportData {
        if (encryptedPacket.length() < 16) {
            throw new IllegalArgumentException("encrypted packet holds at least the 16-byte tag, got " + encryptedPacket.length());
        }
    }

    @Override
    public int type() {
        return Protocol.MESSAGE_TRANSPORT_DATA;
    }
}
