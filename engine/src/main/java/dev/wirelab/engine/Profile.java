package dev.wirelab.engine;

import dev.wirelab.engine.crypto.Tai64n;

/**
 * The constants and models on which real WireGuard implementations differ (docs/PROTOCOL.md), so
 * that the engine can behave like each of them. Everything else is the protocol and is fixed.
 *
 * @param name                     "reference" (the Linux kernel), "wireguard-go" or "boringtun"
 * @param timestampFormat          TAI64N base and nanosecond whitening of our initiations
 * @param rejectAfterMessages      REJECT_AFTER_MESSAGES as an unsigned value
 * @param cookieSecretMaxAgeNanos  how long the responder's cookie secret lives
 * @param maxPeers                 the most peers a device accepts
 * @param underLoadBacklog         handshake messages waiting at which the device is under load
 * @param underLoadAfterNanos      how long it stays under load after the backlog drops
 * @param rateLimiter              the model of the handshake rate limiter under load
 */
public record Profile(
        String name,
        Tai64n.Format timestampFormat,
        long rejectAfterMessages,
        long cookieSecretMaxAgeNanos,
        int maxPeers,
        int underLoadBacklog,
        long underLoadAfterNanos,
        RateLimiterModel rateLimiter) {

    public enum RateLimiterModel {
        /** Kernel and wireguard-go: per source address (IPv6 per /64), 20 packets/s, burst 5. */
        PER_SOURCE_TOKEN_BUCKET,
        /** boringtun: one count of handshakes per interval for the whole device. */
        GLOBAL_COUNT
    }

    /**
     * The Linux kernel (drivers/net/wireguard): messages.h, cookie.h, ratelimiter.c, receive.c
     * (under load at MAX_QUEUED_INCOMING_HANDSHAKES / 8 = 4096 / 8, for 1 s after).
     */
    public static final Profile REFERENCE = new Profile("reference", Tai64n.Format.KERNEL,
            Protocol.REJECT_AFTER_MESSAGES, 120 * Protocol.SECOND_NANOS, 1 << 20, 4096 / 8,
            Protocol.SECOND_NANOS, RateLimiterModel.PER_SOURCE_TOKEN_BUCKET);

    /**
     * wireguard-go (device/constants.go): RejectAfterMessages = 2^64 - 2^13 - 1, MaxPeers = 2^16,
     * under load at QueueHandshakeSize / 8 = 1024 / 8, UnderLoadAfterTime = 1 s.
     */
    public static final Profile WIREGUARD_GO = new Profile("wireguard-go", Tai64n.Format.KERNEL,
            Protocol.REJECT_AFTER_MESSAGES_WIREGUARD_GO, 120 * Protocol.SECOND_NANOS, 1 << 16, 1024 / 8,
            Protocol.SECOND_NANOS, RateLimiterModel.PER_SOURCE_TOKEN_BUCKET);

    /**
     * boringtun (src/noise): TAI64N base 2^62 + 37 without whitening, cookie secret renewed every
     * 128 s (COOKIE_REFRESH), a global handshake counter instead of per-source buckets. It has no
     * peer limit of its own; the kernel's bound is used so memory stays bounded.
     */
    public static final Profile BORINGTUN = new Profile("boringtun", Tai64n.Format.BORINGTUN,
            Protocol.REJECT_AFTER_MESSAGES, 128 * Protocol.SECOND_NANOS, 1 << 20, 4096 / 8,
            Protocol.SECOND_NANOS, RateLimiterModel.GLOBAL_COUNT);

    /** The keypair limits under this profile: the protocol's rekey point, the profile's reject point. */
    public dev.wirelab.engine.transport.KeypairLimits keypairLimits() {
        return new dev.wirelab.engine.transport.KeypairLimits(Protocol.REKEY_AFTER_MESSAGES, rejectAfterMessages);
    }

    /** The profile named {@code name}, or IllegalArgumentException listing the known ones. */
    public static Profile named(String name) {
        return switch (name) {
            case "reference", "kernel" -> REFERENCE;
            case "wireguard-go" -> WIREGUARD_GO;
            case "boringtun" -> BORINGTUN;
            default -> throw new IllegalArgumentException("unknown profile '" + name + "': use reference, wireguard-go or boringtun");
        };
    }
}
