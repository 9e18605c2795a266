package dev.wirelab.engine.cookie;

import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Protocol;

/**
 * boringtun's limiter (boringtun/src/noise/rate_limiter.rs): one counter of handshake messages for
 * the whole device, reset to zero when {@link #RESET_PERIOD_NANOS} has passed since the last reset.
 * The first {@code limit} messages of a period are allowed, the rest refused; the source is
 * ignored. In boringtun a refusal does not drop anything: it means "under load", and from then on
 * a message needs a valid mac2 or it gets a cookie reply (see {@link RateLimiter}).
 *
 * <p>boringtun resets from a timer that fires about every second and resets only if a whole second
 * has passed since the last reset; here the reset happens lazily, at the first call at least a
 * second after the last one, and the first call starts the first period (boringtun starts it when
 * the limiter is built). Not thread-safe.
 */
public final class GlobalRateLimiter implements RateLimiter {
    /** boringtun device/mod.rs: handshakes per second a device takes before it asks for cookies. */
    public static final long HANDSHAKE_RATE_LIMIT = 100;
    /** boringtun noise/mod.rs: the limit of a tunnel built without a device's shared limiter. */
    public static final long PEER_HANDSHAKE_RATE_LIMIT = 10;
    /** boringtun RESET_PERIOD: 1 s. */
    public static final long RESET_PERIOD_NANOS = Protocol.SECOND_NANOS;

    private final long limit;
    private long count;
    private long lastResetMonoNanos;
    private boolean started;

    /** A device-wide limiter with boringtun's {@link #HANDSHAKE_RATE_LIMIT}. */
    public GlobalRateLimiter() {
        this(HANDSHAKE_RATE_LIMIT);
    }

    public GlobalRateLimiter(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        this.limit = limit;
    }

    @Override
    public boolean allow(Endpoint source, long monoNanos) {
        if (!started || monoNanos - lastResetMonoNanos >= RESET_PERIOD_NANOS) {
            started = true;
            count = 0;
            lastResetMonoNanos = monoNanos;
        }
        // boringtun counts every call (fetch_add) and compares the count before it; stopping at the
        // limit gives the same answers without a counter that could ever wrap.
        if (count >= limit) {
            return false;
        }
        count++;
        return true;
    }
}
