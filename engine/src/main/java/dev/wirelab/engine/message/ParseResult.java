package dev.wirelab.engine.message;

/** What {@link MessageCodec#parse} makes of a datagram: a typed message, or why it is not one. */
public sealed interface ParseResult permits Message, Malformed {}
