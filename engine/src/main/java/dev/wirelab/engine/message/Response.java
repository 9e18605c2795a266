package dev.wirelab.engine.message;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Protocol;

/**
 * Handshake response, 92 bytes, little-endian integers.
 * <pre>
 *   0      1         4        8          12              44             60     76     92
 *   | type | reserved | sender | receiver | ephemeral (32) | empty (0+16) | mac1 | mac2 |
 * </pre>
 */
public record Response(int sender, int receiver, Bytes ephemeral, Bytes encryptedNothing, Bytes mac1, Bytes mac2)
        implements Message {
    public static final int OFFSET_SENDER = 4;
    public static final int OFFSET_RECEIVER = 8;
    public static final int OFFSET_EPHEMERAL = 12;
    public static final int OFFSET_EMPTY = 44;
    public static final int OFFSET_MAC1 = 60;
    public static final int OFFSET_MAC2 = 76;

    public Response {
        MessageCodec.requireLength("ephemeral", ephemeral, 32);
        MessageCodec.requireLength("encrypted nothing", encryptedNothing, 16);
        MessageCodec.requireLength("mac1", mac1, 16);
        MessageCodec.requireLength("mac2", mac2, 16);
    }

    @Override
    public int type() {
        return Protocol.MESSAGE_RESPONSE;
    }
}
