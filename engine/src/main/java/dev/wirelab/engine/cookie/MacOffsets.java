package dev.wirelab.engine.cookie;

import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.message.Initiation;
import dev.wirelab.engine.message.MessageCodec;
import dev.wirelab.engine.message.Response;

/** Where mac1 sits in the two messages that carry macs; mac2 follows it, 16 bytes later. */
final class MacOffsets {
    private MacOffsets() {}

    static final int MAC_LENGTH = 16;

    /** The mac1 offset for an encoded initiation or response, or -1 for anything else. */
    static int mac1(byte[] message, int length) {
        if (length < 4) {
            return -1;
        }
        int type = MessageCodec.readInt(message, 0);
        if (type == Protocol.MESSAGE_INITIATION && length == Protocol.INITIATION_LENGTH) {
            return Initiation.OFFSET_MAC1;
        }
        if (type == Protocol.MESSAGE_RESPONSE && length == Protocol.RESPONSE_LENGTH) {
            return Response.OFFSET_MAC1;
        }
        return -1;
    }
}
