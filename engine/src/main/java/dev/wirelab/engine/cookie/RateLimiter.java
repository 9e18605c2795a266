package dev.wirelab.engine.cookie;

import dev.wirelab.engine.Endpoint;

/**
 * Decides whether a handshake message from {@code source} may cost us a Diffie-Hellman now. Time
 * comes in as the caller's monotonic nanoseconds (any origin, only differences matter), so a
 * limiter is as deterministic as the engine that holds it: same calls, same answers.
 *
 * <p>What a refusal means is the caller's policy, and the two implementations differ there:
 * <ul>
 *   <li>kernel and wireguard-go ({@link TokenBucketRateLimiter}): asked only under load, after mac2
 *       proved the source owns its address; a refusal drops the message
 *       ({@link CookieChecker.MacState#VALID_MAC_WITH_COOKIE_BUT_RATELIMITED}).
 *   <li>boringtun ({@link GlobalRateLimiter}): asked for every message with a valid mac1; a refusal
 *       means "under load", so mac2 becomes mandatory and a message without it earns a cookie reply.
 * </ul>
 *
 * <p>Security guarantees: none about who the source is. An address is only worth limiting after a
 * valid mac2 has shown the sender can receive there; before that it is whatever the packet claims.
 * Implementations are not thread-safe.
 */
public interface RateLimiter {
    /** Never refuses: the behaviour of a {@link CookieChecker} built without a limiter. */
    RateLimiter UNLIMITED = (source, monoNanos) -> true;

    /** Whether one more handshake message from {@code source} is allowed at {@code monoNanos}. */
    boolean allow(Endpoint source, long monoNanos);
}
