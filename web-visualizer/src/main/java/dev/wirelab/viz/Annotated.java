package dev.wirelab.viz;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.message.MessageLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes with every byte explained: what the page draws as a byte grid where hovering a field
 * highlights it. The fields cover the bytes exactly once (the tests check it for every message the
 * API returns).
 *
 * @param name   what these bytes are ("handshake initiation", "outer UDP/IP datagram")
 * @param hex    all of them
 * @param fields in order, each with its own bytes as hex and the layer it belongs to
 */
record Annotated(String name, String hex, List<Field> fields) {
    /** One field; {@code layer} groups fields for colour ("wireguard", "ipv4", "udp", "payload"). */
    record Field(int offset, int length, String name, String meaning, String hex, String layer) {}

    /** A WireGuard message as {@link MessageLayout} explains it, shifted by {@code base} inside a larger datagram. */
    static List<Field> wireguard(byte[] bytes, int base, int length) {
        List<Field> out = new ArrayList<>();
        for (MessageLayout.Field f : MessageLayout.of(bytes[base], length)) {
            out.add(new Field(base + f.offset(), f.length(), f.name(), f.meaning(),
                    Bytes.of(bytes, base + f.offset(), f.length()).hex(), "wireguard"));
        }
        return out;
    }

    static Annotated message(String name, byte[] wire) {
        return new Annotated(name, Bytes.of(wire).hex(), wireguard(wire, 0, wire.length));
    }
}
