package dev.wirelab.engine.message;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Protocol;

/**
 * Handshake initiation, 148 bytes, little-endian integers.
 * <pre>
 *   0      1         4        8               40                  88                 116    132    148
 *   | type | reserved | sender | ephemeral (32) | static (32 + 16) | timestamp (12+16) | mac1 | mac2 |
 * </pre>
 */
public record Initiation(int sender, Bytes ephemeral, Bytes encryptedStatic, Bytes encryptedTimestamp, Bytes mac1, Bytes mac2)
        implements Message {
    public static final int OFFSET_SENDER = 4;
    public static final int OFFSET_EPHEMERAL = 8;
    public static final int OFFSET_STATIC = 40;
    public static final int OFFSET_TIMESTAMP = 88;
    public static final int OFFSET_MAC1 = 116;
    public static final int OFFSET_MAC2 = 132;

    public Initiation {
        MessageCodec.requireLength("ephemeral", ephemeral, 32);
        MessageCodec.requireLength("encrypted static", encryptedStatic, 48);
        MessageCodec.requireLength("encrypted timestamp", encryptedTimestamp, 28);
        MessageCodec.requireLength("mac1", mac1, 16);
        MessageCodec.requireLength("mac2", mac2, 16);
    }

    @Override
    public int type() {
        return Protocol.MESSAGE_INITIATION;
    }
}
