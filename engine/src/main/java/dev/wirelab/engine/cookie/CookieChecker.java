package dev.wirelab.engine.cookie;

import dev.wirelab.engine.Bytes;
import dev.wirelab.engine.Endpoint;
import dev.wirelab.engine.Entropy;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.crypto.XAead;
import dev.wirelab.engine.message.CookieReply;
import java.util.Arrays;

/**
 * The receiving side of the DoS defence, one per device (kernel cookie_checker): checks mac1 of
 * every handshake message before any expensive work, checks mac2 when under load, rate-limits the
 * sources whose mac2 is valid, and writes cookie replies.
 *
 * <pre>
 *   cookie            = MAC(R_secret, source IP || source port)      R_secret renewed every 120 s
 *   encrypted cookie  = XAEAD(HASH(LABEL_COOKIE || S_pub_ours), nonce, cookie, mac1 of the message)
 * </pre>
 * Not thread-safe.
 */
public final class CookieChecker {
    /** What the macs of an incoming handshake message say. */
    public enum MacState {
        /** mac1 wrong: drop in silence. */
        INVALID_MAC,
        /** mac1 right, mac2 absent or wrong (or not checked): process, unless under load. */
        VALID_MAC_BUT_NO_COOKIE,
        /**
         * mac1 and mac2 right, but the source has used up its share of handshakes (kernel: the
         * rate limiter refused it): drop in silence, without the Diffie-Hellman it came to cost us.
         */
        VALID_MAC_WITH_COOKIE_BUT_RATELIMITED,
        /** mac1 and mac2 right and the rate limiter agrees: the source proved it can receive at its address. */
        VALID_MAC_WITH_COOKIE
    }

    private final Crypto crypto;
    private final Entropy entropy;
    private final RateLimiter rateLimiter;
    private final long secretMaxAgeNanos;
    private final byte[] mac1Key;
    private final byte[] cookieEncryptionKey;
    private final byte[] secret = new byte[32];
    private long secretBirthMonoNanos;
    private boolean haveSecret;

    /** A checker without a rate limiter: a valid mac2 is always {@link MacState#VALID_MAC_WITH_COOKIE}. */
    public CookieChecker(Crypto crypto, Entropy entropy, PublicKey ours) {
        this(crypto, entropy, ours, RateLimiter.UNLIMITED);
    }

    /**
     * A checker that asks {@code rateLimiter} about every source whose mac2 is valid, as the kernel
     * does with its per-source token buckets ({@link TokenBucketRateLimiter}).
     */
    public CookieChecker(Crypto crypto, Entropy entropy, PublicKey ours, RateLimiter rateLimiter) {
        this(crypto, entropy, ours, rateLimiter, Protocol.COOKIE_SECRET_MAX_AGE_NANOS);
    }

    /** As above, renewing the cookie secret every {@code secretMaxAgeNanos} (boringtun: 128 s). */
    public CookieChecker(Crypto crypto, Entropy entropy, PublicKey ours, RateLimiter rateLimiter, long secretMaxAgeNanos) {
        this.secretMaxAgeNanos = secretMaxAgeNanos;
        this.crypto = crypto;
        this.entropy = entropy;
        this.rateLimiter = rateLimiter;
        this.mac1Key = crypto.blake2s().hash(Protocol.LABEL_MAC1, ours.bytes());
        this.cookieEncryptionKey = crypto.blake2s().hash(Protocol.LABEL_COOKIE, ours.bytes());
    }

    /**
     * Checks the macs of an encoded initiation or response received from {@code source}. mac2 is
     * checked only when {@code checkCookie} (under load), since computing the cookie costs a MAC.
     * Only a source with a valid mac2 reaches the rate limiter: before that its address is only what
     * the packet claims, and limiting it would let anyone spend someone else's budget.
     */
    public MacState validate(byte[] message, int length, Endpoint source, Now now, boolean checkCookie) {
        int mac1 = MacOffsets.mac1(message, length);
        if (mac1 < 0) {
            return MacState.INVALID_MAC;
        }
        byte[] expected = crypto.blake2s().mac(mac1Key, Arrays.copyOf(message, mac1));
        if (!CookieGenerator.equalMacs(expected, message, mac1)) {
            return MacState.INVALID_MAC;
        }
        if (!checkCookie) {
            return MacState.VALID_MAC_BUT_NO_COOKIE;
        }
        int mac2 = mac1 + MacOffsets.MAC_LENGTH;
        byte[] cookie = cookieFor(source, now);
        expected = crypto.blake2s().mac(cookie, Arrays.copyOf(message, mac2));
        Arrays.fill(cookie, (byte) 0);
        if (!CookieGenerator.equalMacs(expected, message, mac2)) {
            return MacState.VALID_MAC_BUT_NO_COOKIE;
        }
        return rateLimiter.allow(source, now.monoNanos())
                ? MacState.VALID_MAC_WITH_COOKIE
                : MacState.VALID_MAC_WITH_COOKIE_BUT_RATELIMITED;
    }

    /**
     * The cookie reply to an encoded initiation or response from {@code source}: it goes to the
     * message's sender index, sealed to its mac1 so only the real sender can use it.
     */
    public CookieReply createReply(byte[] message, int senderIndex, Endpoint source, Now now) {
        int mac1 = MacOffsets.mac1(message, message.length);
        if (mac1 < 0) {
            throw new IllegalArgumentException("only initiations and responses are answered with cookies");
        }
        byte[] nonce = new byte[XAead.NONCE_LENGTH];
        entropy.nextBytes(nonce);
        byte[] cookie = cookieFor(source, now);
        byte[] encrypted = crypto.xaead().seal(cookieEncryptionKey, nonce,
                Arrays.copyOfRange(message, mac1, mac1 + MacOffsets.MAC_LENGTH), cookie);
        Arrays.fill(cookie, (byte) 0);
        return new CookieReply(senderIndex, Bytes.wrap(nonce), Bytes.wrap(encrypted));
    }

    private byte[] cookieFor(Endpoint source, Now now) {
        if (!haveSecret || now.hasExpired(secretBirthMonoNanos, secretMaxAgeNanos)) {
            entropy.nextBytes(secret);
            secretBirthMonoNanos = now.monoNanos();
            haveSecret = true;
        }
        return crypto.blake2s().mac(secret, source.cookieInput());
    }
}
