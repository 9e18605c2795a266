package dev.wirelab.engine.message;

import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Aead;
import java.util.ArrayList;
import java.util.List;

/**
 * Every byte of a WireGuard message, named and explained: the layouts the message records carry as
 * ASCII comments, as data, for tools that show messages to people (the `wirelab handshake`
 * walk-through, the browser visualizer). The fields of a message cover it exactly once, in order,
 * with no gap: no byte is left unexplained.
 */
public final class MessageLayout {
    private MessageLayout() {}

    /** {@code length} bytes at {@code offset}, what they are called and why they are there. */
    public record Field(int offset, int length, String name, String meaning) {
        public int end() {
            return offset + length;
        }
    }

    /**
     * The fields of a message of {@code type} (1..4) that is {@code length} bytes long: handshake
     * messages and cookie replies have one length; transport data is 32 bytes or more.
     *
     * @throws IllegalArgumentException for an unknown type or a length the type cannot have
     */
    public static List<Field> of(int type, int length) {
        List<Field> f = new ArrayList<>();
        f.add(new Field(0, 1, "type", typeMeaning(type)));
        f.add(new Field(1, 3, "reserved", "three zero bytes: receivers read the type as a little-endian 32-bit word,"
                + " so a message with anything here has no known type and is dropped"));
        switch (type) {
            case Protocol.MESSAGE_INITIATION -> {
                requireLength(type, length, Protocol.INITIATION_LENGTH);
                f.add(new Field(Initiation.OFFSET_SENDER, 4, "sender index", "the initiator's index for this handshake"
                        + " (little-endian, random): the responder sends it back as receiver index, so replies find the"
                        + " session without any key lookup"));
                f.add(new Field(Initiation.OFFSET_EPHEMERAL, 32, "ephemeral", "E_pub_i in the clear: the initiator's"
                        + " fresh ephemeral public key (step 1), used for this one handshake, then forgotten"));
                f.add(new Field(Initiation.OFFSET_STATIC, 32 + Aead.TAG_LENGTH, "encrypted static", "AEAD(k, 0, S_pub_i, H):"
                        + " the initiator's static public key (32 bytes) and a 16-byte tag (step 3); only the responder can"
                        + " read who is calling"));
                f.add(new Field(Initiation.OFFSET_TIMESTAMP, 12 + Aead.TAG_LENGTH, "encrypted timestamp", "AEAD(k, 0,"
                        + " TAI64N, H): a 12-byte timestamp and its tag (step 5); the responder refuses one not newer than"
                        + " the last it saw from this peer, so a recorded initiation cannot be replayed"));
                macs(f, Initiation.OFFSET_MAC1, "responder");
            }
            case Protocol.MESSAGE_RESPONSE -> {
                requireLength(type, length, Protocol.RESPONSE_LENGTH);
                f.add(new Field(Response.OFFSET_SENDER, 4, "sender index", "the responder's index for this session"
                        + " (little-endian, random): the initiator puts it in every transport message it sends"));
                f.add(new Field(Response.OFFSET_RECEIVER, 4, "receiver index", "the initiator's sender index, sent back:"
                        + " which handshake this response answers"));
                f.add(new Field(Response.OFFSET_EPHEMERAL, 32, "ephemeral", "E_pub_r in the clear: the responder's fresh"
                        + " ephemeral public key (step 7)"));
                f.add(new Field(Response.OFFSET_EMPTY, Aead.TAG_LENGTH, "encrypted nothing", "AEAD(k, 0, empty, H): an"
                        + " empty plaintext, so only the 16-byte tag (step 11); it verifies only if both sides derived the"
                        + " same keys"));
                macs(f, Response.OFFSET_MAC1, "initiator");
            }
            case Protocol.MESSAGE_COOKIE_REPLY -> {
                requireLength(type, length, Protocol.COOKIE_REPLY_LENGTH);
                f.add(new Field(CookieReply.OFFSET_RECEIVER, 4, "receiver index", "the sender index of the handshake"
                        + " message this reply answers"));
                f.add(new Field(CookieReply.OFFSET_NONCE, 24, "nonce", "24 random bytes: the XChaCha20-Poly1305 nonce"));
                f.add(new Field(CookieReply.OFFSET_COOKIE, 16 + Aead.TAG_LENGTH, "encrypted cookie", "XAEAD(HASH(LABEL_COOKIE"
                        + " || S_pub), nonce, cookie, mac1): the 16-byte cookie and its tag; the cookie goes into mac2 of the"
                        + " next handshake message"));
            }
            case Protocol.MESSAGE_TRANSPORT_DATA -> {
                if (length < Protocol.TRANSPORT_MINIMUM_LENGTH) {
                    throw new IllegalArgumentException("transport data is at least " + Protocol.TRANSPORT_MINIMUM_LENGTH
                            + " bytes, got " + length);
                }
                f.add(new Field(TransportData.OFFSET_RECEIVER, 4, "receiver index", "the index the receiving side chose"
                        + " in the handshake: it picks the keypair to decrypt with, without trying keys"));
                f.add(new Field(TransportData.OFFSET_COUNTER, 8, "counter", "64-bit little-endian counter: the AEAD nonce"
                        + " and the replay window's sequence number in one; never reused under one key"));
                int encrypted = length - Protocol.TRANSPORT_MINIMUM_LENGTH;
                if (encrypted > 0) {
                    f.add(new Field(TransportData.OFFSET_PACKET, encrypted, "encrypted packet", "the inner IP packet, zero-padded"
                            + " to a multiple of 16 (never past the MTU), encrypted with ChaCha20"));
                }
                f.add(new Field(length - Aead.TAG_LENGTH, Aead.TAG_LENGTH, "tag", "Poly1305 tag over the ciphertext: any"
                        + " changed bit and the receiver drops the packet"
                        + (encrypted == 0 ? "; with nothing before it this message is a keepalive" : "")));
            }
            default -> throw new IllegalArgumentException("no WireGuard message has type " + type);
        }
        return List.copyOf(f);
    }

    private static String typeMeaning(int type) {
        return switch (type) {
            case Protocol.MESSAGE_INITIATION -> "1: handshake initiation";
            case Protocol.MESSAGE_RESPONSE -> "2: handshake response";
            case Protocol.MESSAGE_COOKIE_REPLY -> "3: cookie reply";
            case Protocol.MESSAGE_TRANSPORT_DATA -> "4: transport data";
            default -> throw new IllegalArgumentException("no WireGuard message has type " + type);
        };
    }

    private static void macs(List<Field> f, int mac1Offset, String receiver) {
        f.add(new Field(mac1Offset, 16, "mac1", "MAC(HASH(LABEL_MAC1 || S_pub of the " + receiver + "), msg[0:" + mac1Offset
                + "]): proves the sender knows the " + receiver + "'s public key; checked before any Diffie-Hellman, and a"
                + " message without it gets no answer at all"));
        f.add(new Field(mac1Offset + 16, 16, "mac2", "MAC(cookie, msg[0:" + (mac1Offset + 16) + "]), or 16 zero bytes"
                + " without a cookie: checked only when the " + receiver + " is under load"));
    }

    private static void requireLength(int type, int length, int expected) {
        if (length != expected) {
            throw new IllegalArgumentException("a message of type " + type + " is " + expected + " bytes, got " + length);
        }
    }
}
