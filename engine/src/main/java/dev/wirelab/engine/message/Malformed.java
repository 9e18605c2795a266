package dev.wirelab.engine.message;

import dev.wirelab.engine.DropReason;

/** A datagram that is not a WireGuard message; it is dropped without reply. */
public record Malformed(DropReason reason, int length) implements ParseResult {}
