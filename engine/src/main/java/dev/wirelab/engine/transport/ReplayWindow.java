package dev.wirelab.engine.transport;

/**
 * The receive-side replay filter of one keypair (RFC 6479 style, as in the kernel's
 * counter_validate and wireguard-go's replay.Filter).
 *
 * <p>A bitmap of 8192 bits in 64-bit words; the newest word may be partly ahead of the greatest
 * counter, so only 8192 - 64 = 8128 counters behind the greatest are usable: the window. A counter
 * is accepted at most once, never when older than the window, never at or past
 * REJECT_AFTER_MESSAGES. Counters are unsigned 64-bit values held in a {@code long}.
 *
 * <p>Call {@link #accept} only after the packet's tag verified: a forged packet must not move the
 * window. {@link #wouldAccept} is the cheap pre-check before decryption. Not thread-safe.
 */
public final class ReplayWindow {
    public static final int BITS_TOTAL = 8192;
    public static final int WINDOW_SIZE = BITS_TOTAL - Long.SIZE;
    private static final int WORDS = BITS_TOTAL / Long.SIZE;

    private final long rejectAfterMessages;
    private final long[] bitmap = new long[WORDS];
    /** One more than the greatest accepted counter; 0 before any is accepted. */
    private long next;

    /** @param rejectAfterMessages REJECT_AFTER_MESSAGES as an unsigned value (kernel and wireguard-go differ) */
    public ReplayWindow(long rejectAfterMessages) {
        this.rejectAfterMessages = rejectAfterMessages;
    }

    /** Accepts {@code counter} and records it, or rejects it (already seen, too old, too large). */
    public boolean accept(long counter) {
        if (!inRange(counter)) {
            return false;
        }
        // Shift by one so that 0 can mean "nothing seen yet".
        long c = counter + 1;
        long index = c >>> 6;
        if (Long.compareUnsigned(c, next) > 0) {
            long indexCurrent = next >>> 6;
            long top = Math.min(index - indexCurrent, WORDS);
            for (long i = 1; i <= top; i++) {
                bitmap[(int) ((i + indexCurrent) & (WORDS - 1))] = 0;
            }
            next = c;
        }
        int word = (int) (index & (WORDS - 1));
        long bit = 1L << (c & 63);
        boolean seen = (bitmap[word] & bit) != 0;
        bitmap[word] |= bit;
        return !seen;
    }

    /** Whether {@link #accept} would accept {@code counter} now; changes nothing. */
    public boolean wouldAccept(long counter) {
        if (!inRange(counter)) {
            return false;
        }
        long c = counter + 1;
        if (Long.compareUnsigned(c, next) > 0) {
            return true;
        }
        return (bitmap[(int) ((c >>> 6) & (WORDS - 1))] & (1L << (c & 63))) == 0;
    }

    private boolean inRange(long counter) {
        if (Long.compareUnsigned(next, rejectAfterMessages + 1) >= 0
                || Long.compareUnsigned(counter, rejectAfterMessages) >= 0) {
            return false;
        }
        return Long.compareUnsigned(WINDOW_SIZE + counter + 1, next) >= 0;
    }

    /** The greatest accepted counter, or -1 (as unsigned: none) before the first. */
    public long greatestAccepted() {
        return next - 1;
    }
}
