package dev.wirelab.engine.cookie;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Crypto;
import dev.wirelab.engine.crypto.PublicKey;
import dev.wirelab.engine.message.CookieReply;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The sending side of WireGuard's DoS defence for one peer (whitepaper §5.4.4, kernel cookie.c):
 * puts mac1 on every handshake message we send to the peer, mac2 while we hold a fresh cookie from
 * it, and takes in the cookie replies it sends us.
 *
 * <pre>
 *   mac1 = MAC(HASH(LABEL_MAC1 || S_pub_peer), msg[0 : offset of mac1])
 *   mac2 = MAC(cookie, msg[0 : offset of mac2])          or 16 zero bytes without a cookie
 * </pre>
 * Not thread-safe.
 */
public final class CookieGenerator {
    private final Crypto crypto;
    private final byte[] mac1Key;
    private final byte[] cookieDecryptionKey;
    private final byte[] cookie = new byte[MacOffsets.MAC_LENGTH];
    private long cookieBirthMonoNanos;
    private boolean haveCookie;
    private final byte[] lastMac1Sent = new byte[MacOffsets.MAC_LENGTH];
    private boolean haveSentMac1;

    public CookieGenerator(Crypto crypto, PublicKey peer) {
        this.crypto = crypto;
        this.mac1Key = crypto.blake2s().hash(Protocol.LABEL_MAC1, peer.bytes());
        this.cookieDecryptionKey = crypto.blake2s().hash(Protocol.LABEL_COOKIE, peer.bytes());
    }

    /** Writes mac1 and mac2 into an encoded initiation or response, in place. */
    public void addMacs(byte[] message, Now now) {
        int mac1 = MacOffsets.mac1(message, message.length);
        if (mac1 < 0) {
            throw new IllegalArgumentException("only initiations and responses carry macs");
        }
        byte[] m1 = crypto.blake2s().mac(mac1Key, Arrays.copyOf(message, mac1));
        System.arraycopy(m1, 0, message, mac1, m1.length);
        System.arraycopy(m1, 0, lastMac1Sent, 0, m1.length);
        haveSentMac1 = true;

        int mac2 = mac1 + MacOffsets.MAC_LENGTH;
        // A cookie is used a little less long than its secret lives, to allow for flight time.
        if (haveCookie && !now.hasExpired(cookieBirthMonoNanos,
                Protocol.COOKIE_SECRET_MAX_AGE_NANOS - Protocol.COOKIE_SECRET_LATENCY_NANOS)) {
            byte[] m2 = crypto.blake2s().mac(cookie, Arrays.copyOf(message, mac2));
            System.arraycopy(m2, 0, message, mac2, m2.length);
        } else {
            Arrays.fill(message, mac2, mac2 + MacOffsets.MAC_LENGTH, (byte) 0);
        }
    }

    /**
     * Takes a cookie reply from the peer: it must decrypt with the mac1 we last sent as associated
     * data, which proves it answers our own message. Never moves the peer's endpoint.
     */
    public Outcome<Void> consumeReply(CookieReply reply, Now now) {
        if (!haveSentMac1) {
            return Outcome.dropped(DropReason.BAD_COOKIE_REPLY);
        }
        byte[] plain = crypto.xaead().open(cookieDecryptionKey, reply.nonce().toByteArray(), lastMac1Sent,
                reply.encryptedCookie().toByteArray());
        if (plain == null) {
            return Outcome.dropped(DropReason.BAD_COOKIE_REPLY);
        }
        System.arraycopy(plain, 0, cookie, 0, cookie.length);
        Arrays.fill(plain, (byte) 0);
        cookieBirthMonoNanos = now.monoNanos();
        haveCookie = true;
        haveSentMac1 = false;
        return Outcome.ok(null);
    }

    /** Whether the last message we sent carried mac1 (a cookie reply may then answer it). */
    public boolean hasSentMac1() {
        return haveSentMac1;
    }

    /** The mac1 we last sent, for matching cookie replies in traces. */
    public byte[] lastMac1Sent() {
        return lastMac1Sent.clone();
    }

    static boolean equalMacs(byte[] a, byte[] message, int offset) {
        return MessageDigest.isEqual(a, Arrays.copyOfRange(message, offset, offset + MacOffsets.MAC_LENGTH));
    }
}
