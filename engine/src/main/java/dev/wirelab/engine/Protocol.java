package dev.wirelab.engine;

import java.nio.charset.StandardCharsets;

/**
 * WireGuard's constants, named as in the whitepaper and the kernel's messages.h. Durations are in
 * nanoseconds, the unit of {@link Now}, with the unit last in the name.
 */
public final class Protocol {
    private Protocol() {}

    /** Noise protocol name, hashed into the initial chaining key. */
    public static final byte[] CONSTRUCTION = ascii("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s");
    /** Noise prologue: mixed into H before the first message. */
    public static final byte[] IDENTIFIER = ascii("WireGuard v1 zx2c4 Jason@zx2c4.com");
    public static final byte[] LABEL_MAC1 = ascii("mac1----");
    public static final byte[] LABEL_COOKIE = ascii("cookie--");

    public static final long REKEY_AFTER_MESSAGES = 1L << 60;
    /**
     * The kernel's REJECT_AFTER_MESSAGES, 2^64 - 1 - 8128 - 1, held as an unsigned long. wireguard-go
     * uses 2^64 - 2^13 - 1 ({@link #REJECT_AFTER_MESSAGES_WIREGUARD_GO}).
     */
    public static final long REJECT_AFTER_MESSAGES = -1L - 8128 - 1;
    public static final long REJECT_AFTER_MESSAGES_WIREGUARD_GO = -(1L << 13) - 1;

    public static final long SECOND_NANOS = 1_000_000_000L;
    public static final long REKEY_AFTER_TIME_NANOS = 120 * SECOND_NANOS;
    public static final long REJECT_AFTER_TIME_NANOS = 180 * SECOND_NANOS;
    public static final long REKEY_ATTEMPT_TIME_NANOS = 90 * SECOND_NANOS;
    public static final long REKEY_TIMEOUT_NANOS = 5 * SECOND_NANOS;
    /** Upper bound (exclusive) of the random jitter added to each handshake retransmission. */
    public static final long REKEY_TIMEOUT_JITTER_MAX_NANOS = SECOND_NANOS / 3;
    public static final long KEEPALIVE_TIMEOUT_NANOS = 10 * SECOND_NANOS;
    public static final int MAX_TIMER_HANDSHAKES = (int) (REKEY_ATTEMPT_TIME_NANOS / REKEY_TIMEOUT_NANOS);
    public static final long COOKIE_SECRET_MAX_AGE_NANOS = 120 * SECOND_NANOS;
    /** A received cookie is used this much less than its secret's age, to allow for flight time. */
    public static final long COOKIE_SECRET_LATENCY_NANOS = 5 * SECOND_NANOS;
    public static final int INITIATIONS_PER_SECOND = 50;
    public static final int MAX_STAGED_PACKETS = 128;

    public static final int MESSAGE_INITIATION = 1;
    public static final int MESSAGE_RESPONSE = 2;
    public static final int MESSAGE_COOKIE_REPLY = 3;
    public static final int MESSAGE_TRANSPORT_DATA = 4;

    public static final int INITIATION_LENGTH = 148;
    public static final int RESPONSE_LENGTH = 92;
    public static final int COOKIE_REPLY_LENGTH = 64;
    /** Transport header: type, reserved, receiver index, counter. */
    public static final int TRANSPORT_HEADER_LENGTH = 16;
    /** A keepalive: the header and the tag of an empty payload. */
    public static final int TRANSPORT_MINIMUM_LENGTH = TRANSPORT_HEADER_LENGTH + 16;
    public static final int MESSAGE_PADDING_MULTIPLE = 16;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
