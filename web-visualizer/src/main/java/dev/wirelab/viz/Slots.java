package dev.wirelab.viz;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many simulations and capture loads the server runs at once, over every endpoint (the POSTs and
 * the stream alike): a request waits a moment for a slot, then is told the server is busy (HTTP 503
 * with Retry-After) instead of queueing without end. Two cores run two runs; more only share them.
 */
final class Slots {
    /** How long a request waits for a slot before it is told to come back. */
    static final long WAIT_MILLIS = 2_000;
    /** What Retry-After says, in seconds: about one short run. */
    static final int RETRY_AFTER_SECONDS = 5;

    /** No slot came free in time. */
    static final class Busy extends RuntimeException {
        Busy(String message) {
            super(message, null, false, false);
        }
    }

    /** A slot held; closing gives it back. */
    interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final int max;
    private final Semaphore permits;

    Slots(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("the server needs at least one run at a time, not " + max);
        }
        this.max = max;
        this.permits = new Semaphore(max, true);
    }

    /** A slot for {@code what} (a run, a capture load), waiting up to {@code waitMillis}; {@link Busy} when none came. */
    Slot take(String what, long waitMillis) {
        boolean got;
        try {
            got = permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            throw new Busy("the server is busy: it runs at most " + max + " scenario runs and capture loads at once (`wirelab"
                    + " serve --runs-max`), and they are all taken. Your " + what + " did not start; try again in a few seconds.");
        }
        return permits::release;
    }
}
