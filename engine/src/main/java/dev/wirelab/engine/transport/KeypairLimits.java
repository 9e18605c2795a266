package dev.wirelab.engine.transport;

import dev.wirelab.engine.Protocol;

/**
 * How many messages a keypair may send before a new handshake is due, and before it must stop
 * (unsigned values). Passed in rather than read from {@link Protocol} so a profile can carry
 * wireguard-go's REJECT_AFTER_MESSAGES and tests can reach the limits without 2^60 packets.
 */
public record KeypairLimits(long rekeyAfterMessages, long rejectAfterMessages) {
    /** The kernel's limits. */
    public static final KeypairLimits REFERENCE = new KeypairLimits(Protocol.REKEY_AFTER_MESSAGES, Protocol.REJECT_AFTER_MESSAGES);
}
