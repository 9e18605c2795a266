package dev.wirelab.engine.message;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Protocol;

/**
 * Cookie reply, 64 bytes, little-endian integers.
 * <pre>
 *   0      1         4          8            32                 64
 *   | type | reserved | receiver | nonce (24) | cookie (16 + 16) |
 * </pre>
 */
public record CookieReply(int receiver, Bytes nonce, Bytes encryptedCookie) implements Message {
    public static final int OFFSET_RECEIVER = 4;
    public static final int OFFSET_NONCE = 8;
    public static final int OFFSET_COOKIE = 32;

    public CookieReply {
        MessageCodec.requireLength("nonce", nonce, 24);
        MessageCodec.requireLength("encrypted cookie", encryptedCookie, 32);
    }

    @Override
    public int type() {
        return Protocol.MESSAGE_COOKIE_REPLY;
    }
}
