package dev.wirelab.engine.transport;

import dev.wirelab.engine.DropReason;
import dev.wirelab.engine.Now;
import dev.wirelab.engine.Outcome;
import dev.wirelab.engine.Protocol;
import dev.wirelab.engine.crypto.Aead;
import dev.wirelab.engine.crypto.SymmetricKey;
import dev.wirelab.engine.message.MessageCodec;

/**
 * The transport keys of one completed handshake (whitepaper §5.4.6): a sending key with its
 * counter, a receiving key with its replay window, and the two session indices.
 *
 * <p>Nothing is sent or accepted once the keypair is older than REJECT_AFTER_TIME, or once its
 * counters reach REJECT_AFTER_MESSAGES. Not thread-safe.
 */
public final class Keypair {
    private final SymmetricKey sendingKey;
    private final SymmetricKey receivingKey;
    private final ReplayWindow replayWindow;
    private final KeypairLimits limits;
    private final int localIndex;
    private final int remoteIndex;
    private final boolean initiator;
    private final long birthMonoNanos;
    private long sendingCounter;
    private boolean valid = true;
    /** Cleared when sending failed (expired, counter used up): receiving may go on meanwhile. */
    private boolean sendingValid = true;

    public Keypair(SymmetricKey sendingKey, SymmetricKey receivingKey, int localIndex, int remoteIndex,
            boolean initiator, long birthMonoNanos, KeypairLimits limits) {
        this.sendingKey = sendingKey;
        this.receivingKey = receivingKey;
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.birthMonoNanos = birthMonoNanos;
        this.limits = limits;
        this.replayWindow = new ReplayWindow(limits.rejectAfterMessages());
    }

    /**
     * Encrypts {@code packet} (an IP packet, or empty for a keepalive) into a complete transport
     * data message: header, padded ciphertext, tag.
     */
    public Outcome<byte[]> seal(Aead aead, Now now, byte[] packet, int offset, int length, int mtu) {
        if (!canSend() || now.hasExpired(birthMonoNanos, Protocol.REJECT_AFTER_TIME_NANOS)
                || Long.compareUnsigned(sendingCounter, limits.rejectAfterMessages()) >= 0) {
            return Outcome.dropped(DropReason.KEYPAIR_EXPIRED);
        }
        long counter = sendingCounter++;
        int padded = length + Padding.paddingFor(length, mtu);
        byte[] out = new byte[Protocol.TRANSPORT_HEADER_LENGTH + padded + Aead.TAG_LENGTH];
        MessageCodec.writeTransportHeader(out, 0, remoteIndex, counter);
        // Plaintext and its zero padding are laid out in place, then sealed over themselves.
        System.arraycopy(packet, offset, out, Protocol.TRANSPORT_HEADER_LENGTH, length);
        byte[] nonce = new byte[Aead.NONCE_LENGTH];
        Aead.counterNonce(counter, nonce);
        aead.seal(sendingKey.secretBytes(), nonce, EMPTY, out, Protocol.TRANSPORT_HEADER_LENGTH, padded,
                out, Protocol.TRANSPORT_HEADER_LENGTH);
        return Outcome.ok(out);
    }

    /**
     * Decrypts the payload of a transport message addressed to this keypair. Returns the padded
     * plaintext; the replay window moves only after the tag verified.
     */
    public Outcome<byte[]> open(Aead aead, Now now, long counter, byte[] ciphertext, int offset, int length) {
        if (!valid || now.hasExpired(birthMonoNanos, Protocol.REJECT_AFTER_TIME_NANOS)) {
            valid = false;
            return Outcome.dropped(DropReason.KEYPAIR_EXPIRED);
        }
        if (!replayWindow.wouldAccept(counter)) {
            return Outcome.dropped(DropReason.REPLAYED_COUNTER);
        }
        byte[] nonce = new byte[Aead.NONCE_LENGTH];
        Aead.counterNonce(counter, nonce);
        byte[] plaintext = new byte[length - Aead.TAG_LENGTH];
        if (aead.open(receivingKey.secretBytes(), nonce, EMPTY, ciphertext, offset, length, plaintext, 0) < 0) {
            return Outcome.dropped(DropReason.TRANSPORT_DECRYPTION_FAILED);
        }
        if (!replayWindow.accept(counter)) {
            return Outcome.dropped(DropReason.REPLAYED_COUNTER);
        }
        return Outcome.ok(plaintext);
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * Whether sending on this keypair should start a new handshake (kernel keep_key_fresh, send
     * side): after REKEY_AFTER_MESSAGES by either side, or REKEY_AFTER_TIME for the initiator only,
     * so both ends do not start handshakes at the same moment.
     */
    public boolean shouldRekeyAfterSending(Now now) {
        return valid && (Long.compareUnsigned(sendingCounter, limits.rekeyAfterMessages()) > 0
                || (initiator && now.hasExpired(birthMonoNanos, Protocol.REKEY_AFTER_TIME_NANOS)));
    }

    /**
     * Whether receiving on this keypair should start a new handshake (receive side): the initiator
     * renews a keypair that will soon be rejected even if it has nothing to send, leaving one
     * keepalive and one handshake timeout of margin before REJECT_AFTER_TIME.
     */
    public boolean shouldRekeyAfterReceiving(Now now) {
        return valid && initiator && now.hasExpired(birthMonoNanos, Protocol.REJECT_AFTER_TIME_NANOS
                - Protocol.KEEPALIVE_TIMEOUT_NANOS - Protocol.REKEY_TIMEOUT_NANOS);
    }

    public int localIndex() {
        return localIndex;
    }

    public int remoteIndex() {
        return remoteIndex;
    }

    public boolean isInitiator() {
        return initiator;
    }

    public long birthMonoNanos() {
        return birthMonoNanos;
    }

    /** The counter the next sealed message will carry. */
    public long sendingCounter() {
        return sendingCounter;
    }

    /** Zeroes both keys; the keypair refuses all further use. */
    public void destroy() {
        valid = false;
        sendingKey.destroy();
        receivingKey.destroy();
    }

    public boolean isValid() {
        return valid;
    }

    /**
     * Whether {@link #destroy()} ran and both keys are zeroed. Not the same as {@code !isValid()}: a
     * keypair past REJECT_AFTER_TIME stops being valid at once but keeps its keys until its slot is
     * reused or the peer's key material is zeroed (3 x REJECT_AFTER_TIME), which a soak test checks.
     */
    public boolean isDestroyed() {
        return sendingKey.isDestroyed() && receivingKey.isDestroyed();
    }

    /** Whether this keypair may still seal (kernel sending.is_valid). */
    public boolean canSend() {
        return valid && sendingValid;
    }

    /** Stops sending on this keypair after a seal was refused; a new handshake replaces it. */
    public void invalidateSending() {
        sendingValid = false;
    }

    @Override
    public String toString() {
        return "Keypair[local=" + Integer.toUnsignedString(localIndex) + ", remote=" + Integer.toUnsignedString(remoteIndex)
                + (initiator ? ", initiator" : ", responder") + ", sent=" + Long.toUnsignedString(sendingCounter) + "]";
    }
}
