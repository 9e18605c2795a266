package dev.wirelab.engine;

/**
 * The time an engine call happens: the caller's clock, passed in, because the engine never reads one.
 *
 * @param monoNanos monotonic nanoseconds (any origin; only differences matter): timers, ages, rate limits
 * @param wallNanos wall-clock nanoseconds since the Unix epoch: only the TAI64N initiation timestamp
 */
public record Now(long monoNanos, long wallNanos) {
    public Now plusNanos(long nanos) {
        return new Now(monoNanos + nanos, wallNanos + nanos);
    }

    /** Whether at least {@code ageNanos} passed since {@code sinceMonoNanos}. */
    public boolean hasExpired(long sinceMonoNanos, long ageNanos) {
        return monoNanos - sinceMonoNanos >= ageNanos;
    }
}
