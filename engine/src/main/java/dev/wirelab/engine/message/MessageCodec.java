package dev.wirelab.engine.message;

import static dev.wirelab.engine.Protocol.COOKIE_REPLY_LENGTH;
import static dev.wirelab.engine.Protocol.INITIATION_LENGTH;
import static dev.wirelab.engine.Protocol.MESSAGE_COOKIE_REPLY;
import static dev.wirelab.engine.Protocol.MESSAGE_INITIATION;
import static dev.wirelab.engine.Protocol.MESSAGE_RESPONSE;
import static dev.wirelab.engine.Protocol.MESSAGE_TRANSPORT_DATA;
import static dev.wirelab.engine.Protocol.RESPONSE_LENGTH;
import static dev.wirelab.engine.Protocol.TRANSPORT_HEADER_LENGTH;
import static dev.wirelab.engine.Protocol.TRANSPORT_MINIMUM_LENGTH;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.DropReason;

/**
 * Reads and writes the four message types. {@link #parse} never throws, whatever the bytes;
 * {@link #encode} is its exact inverse.
 *
 * <p>The type is read as a little-endian 32-bit word, as the kernel and wireguard-go do, so a
 * message with non-zero reserved bytes has no known type. Handshake messages must have their exact
 * length; transport data at least header plus tag.
 */
public final class MessageCodec {
    private MessageCodec() {}

    public static ParseResult parse(byte[] datagram) {
        return parse(datagram, 0, datagram.length);
    }

    public static ParseResult parse(byte[] d, int offset, int length) {
        if (length <= 0) {
            return new Malformed(DropReason.EMPTY_DATAGRAM, 0);
        }
        if (length < 4) {
            return new Malformed(DropReason.BAD_MESSAGE_LENGTH, length);
        }
        int type = readInt(d, offset);
        return switch (type) {
            case MESSAGE_INITIATION -> length != INITIATION_LENGTH
                    ? new Malformed(DropReason.BAD_MESSAGE_LENGTH, length)
                    : new Initiation(
                            readInt(d, offset + Initiation.OFFSET_SENDER),
                            Bytes.of(d, offset + Initiation.OFFSET_EPHEMERAL, 32),
                            Bytes.of(d, offset + Initiation.OFFSET_STATIC, 48),
                            Bytes.of(d, offset + Initiation.OFFSET_TIMESTAMP, 28),
                            Bytes.of(d, offset + Initiation.OFFSET_MAC1, 16),
                            Bytes.of(d, offset + Initiation.OFFSET_MAC2, 16));
            case MESSAGE_RESPONSE -> length != RESPONSE_LENGTH
                    ? new Malformed(DropReason.BAD_MESSAGE_LENGTH, length)
                    : new Response(
                            readInt(d, offset + Response.OFFSET_SENDER),
                            readInt(d, offset + Response.OFFSET_RECEIVER),
                            Bytes.of(d, offset + Response.OFFSET_EPHEMERAL, 32),
                            Bytes.of(d, offset + Response.OFFSET_EMPTY, 16),
                            Bytes.of(d, offset + Response.OFFSET_MAC1, 16),
                            Bytes.of(d, offset + Response.OFFSET_MAC2, 16));
            case MESSAGE_COOKIE_REPLY -> length != COOKIE_REPLY_LENGTH
                    ? new Malformed(DropReason.BAD_MESSAGE_LENGTH, length)
                    : new CookieReply(
                            readInt(d, offset + CookieReply.OFFSET_RECEIVER),
                            Bytes.of(d, offset + CookieReply.OFFSET_NONCE, 24),
                            Bytes.of(d, offset + CookieReply.OFFSET_COOKIE, 32));
            case MESSAGE_TRANSPORT_DATA -> length < TRANSPORT_MINIMUM_LENGTH
                    ? new Malformed(DropReason.BAD_MESSAGE_LENGTH, length)
                    : new TransportData(
                            readInt(d, offset + TransportData.OFFSET_RECEIVER),
                            readLong(d, offset + TransportData.OFFSET_COUNTER),
                            Bytes.of(d, offset + TRANSPORT_HEADER_LENGTH, length - TRANSPORT_HEADER_LENGTH));
            default -> new Malformed(DropReason.UNKNOWN_MESSAGE_TYPE, length);
        };
    }

    public static byte[] encode(Message message) {
        return switch (message) {
            case Initiation m -> {
                byte[] b = new byte[INITIATION_LENGTH];
                writeInt(b, 0, MESSAGE_INITIATION);
                writeInt(b, Initiation.OFFSET_SENDER, m.sender());
                m.ephemeral().copyTo(b, Initiation.OFFSET_EPHEMERAL);
                m.encryptedStatic().copyTo(b, Initiation.OFFSET_STATIC);
                m.encryptedTimestamp().copyTo(b, Initiation.OFFSET_TIMESTAMP);
                m.mac1().copyTo(b, Initiation.OFFSET_MAC1);
                m.mac2().copyTo(b, Initiation.OFFSET_MAC2);
                yield b;
            }
            case Response m -> {
                byte[] b = new byte[RESPONSE_LENGTH];
                writeInt(b, 0, MESSAGE_RESPONSE);
                writeInt(b, Response.OFFSET_SENDER, m.sender());
                writeInt(b, Response.OFFSET_RECEIVER, m.receiver());
                m.ephemeral().copyTo(b, Response.OFFSET_EPHEMERAL);
                m.encryptedNothing().copyTo(b, Response.OFFSET_EMPTY);
                m.mac1().copyTo(b, Response.OFFSET_MAC1);
                m.mac2().copyTo(b, Response.OFFSET_MAC2);
                yield b;
            }
            case CookieReply m -> {
                byte[] b = new byte[COOKIE_REPLY_LENGTH];
                writeInt(b, 0, MESSAGE_COOKIE_REPLY);
                writeInt(b, CookieReply.OFFSET_RECEIVER, m.receiver());
                m.nonce().copyTo(b, CookieReply.OFFSET_NONCE);
                m.encryptedCookie().copyTo(b, CookieReply.OFFSET_COOKIE);
                yield b;
            }
            case TransportData m -> {
                byte[] b = new byte[TRANSPORT_HEADER_LENGTH + m.encryptedPacket().length()];
                writeTransportHeader(b, 0, m.receiver(), m.counter());
                m.encryptedPacket().copyTo(b, TRANSPORT_HEADER_LENGTH);
                yield b;
            }
        };
    }

    /** Writes the 16-byte transport header in place, for the zero-copy seal path. */
    public static void writeTransportHeader(byte[] b, int offset, int receiver, long counter) {
        writeInt(b, offset, MESSAGE_TRANSPORT_DATA);
        writeInt(b, offset + TransportData.OFFSET_RECEIVER, receiver);
        writeLong(b, offset + TransportData.OFFSET_COUNTER, counter);
    }

    public static int readInt(byte[] b, int offset) {
        return (b[offset] & 0xff) | (b[offset + 1] & 0xff) << 8 | (b[offset + 2] & 0xff) << 16 | (b[offset + 3] & 0xff) << 24;
    }

    public static long readLong(byte[] b, int offset) {
        return (readInt(b, offset) & 0xffffffffL) | ((long) readInt(b, offset + 4)) << 32;
    }

    public static void writeInt(byte[] b, int offset, int v) {
        b[offset] = (byte) v;
        b[offset + 1] = (byte) (v >>> 8);
        b[offset + 2] = (byte) (v >>> 16);
        b[offset + 3] = (byte) (v >>> 24);
    }

    public static void writeLong(byte[] b, int offset, long v) {
        writeInt(b, offset, (int) v);
        writeInt(b, offset + 4, (int) (v >>> 32));
    }

    static void requireLength(String field, Bytes value, int length) {
        if (value.length() != length) {
            throw new IllegalArgumentException(field + " is " + length + " bytes, got " + value.length());
        }
    }
}
