package dev.wirelab.engine.transport;

/**
 * A peer's three keypair slots, as in the kernel's noise_keypairs: {@code current} sends,
 * {@code previous} still receives packets in flight from before the last rotation, and
 * {@code next} holds a responder's new keypair until the initiator proves it has it (key
 * confirmation: the first data packet that arrives on it). A keypair that leaves all three slots
 * is destroyed. Not thread-safe.
 */
public final class Keypairs {
    private Keypair current;
    private Keypair previous;
    private Keypair next;

    /** Installs the keypair of a handshake just completed (kernel add_new_keypair). */
    public void add(Keypair fresh) {
        if (fresh.isInitiator()) {
            // The initiator may send at once. If a responder-side keypair was waiting in next, it
            // was never confirmed, but packets may still arrive on it: keep it as previous.
            if (next != null) {
                destroy(previous);
                previous = next;
                next = null;
                destroy(current);
            } else {
                destroy(previous);
                previous = current;
            }
            current = fresh;
        } else {
            // The responder must wait for confirmation: current keeps sending meanwhile.
            destroy(next);
            next = fresh;
            destroy(previous);
            previous = null;
        }
    }

    /**
     * Called after a data packet authenticated on {@code keypair}. Returns true when that confirmed
     * the waiting {@code next} keypair and rotated it into {@code current}.
     */
    public boolean receivedWith(Keypair keypair) {
        if (keypair != null && keypair == next) {
            destroy(previous);
            previous = current;
            current = next;
            next = null;
            return true;
        }
        return false;
    }

    /** The keypair in any slot whose local index is {@code localIndex}, or null. */
    public Keypair byLocalIndex(int localIndex) {
        if (current != null && current.localIndex() == localIndex) {
            return current;
        }
        if (next != null && next.localIndex() == localIndex) {
            return next;
        }
        if (previous != null && previous.localIndex() == localIndex) {
            return previous;
        }
        return null;
    }

    public Keypair current() {
        return current;
    }

    public Keypair previous() {
        return previous;
    }

    public Keypair next() {
        return next;
    }

    /** Destroys all three (on key change, peer removal, or 3 x REJECT_AFTER_TIME of silence). */
    public void clear() {
        destroy(current);
        destroy(previous);
        destroy(next);
        current = previous = next = null;
    }

    private static void destroy(Keypair keypair) {
        if (keypair != null) {
            keypair.destroy();
        }
    }
}
