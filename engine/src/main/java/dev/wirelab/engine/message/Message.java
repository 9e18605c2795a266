package dev.wirelab.engine.message;

/** The four WireGuard messages, as parsed from or encoded to the wire by {@link MessageCodec}. */
public sealed interface Message extends ParseResult permits Initiation, Response, CookieReply, TransportData {
    int type();
}
