package dev.wirelab.sim;

import java.util.List;

/**
 * What one direction of a link does to datagrams. Times in nanoseconds; probabilities exact.
 *
 * @param delayNanos         propagation delay every datagram pays
 * @param jitterNanos        plus a uniform extra delay in [0, jitter]: datagrams may overtake each other
 * @param loss               independent loss per datagram
 * @param burst              Gilbert–Elliott bursty loss, or null
 * @param duplicate          probability a datagram arrives twice (the copy with its own delay)
 * @param reorder            probability a datagram is held back by {@code reorderDelayNanos} more
 * @param reorderDelayNanos  the hold-back of a reordered datagram
 * @param bitsPerSecond      serialisation rate, 0 for unlimited
 * @param queueBytesMax      bytes waiting to be serialised before tail drop (with a rate)
 * @param mtu                largest IP packet (UDP payload + headers) that passes, 0 for unlimited
 * @param partitions         intervals [from, to) of virtual time in which nothing passes
 */
public record LinkSpec(
        long delayNanos,
        long jitterNanos,
        Ratio loss,
        GilbertElliott burst,
        Ratio duplicate,
        Ratio reorder,
        long reorderDelayNanos,
        long bitsPerSecond,
        long queueBytesMax,
        int mtu,
        List<Partition> partitions) {

    public LinkSpec {
        partitions = List.copyOf(partitions);
        if (delayNanos < 0 || jitterNanos < 0 || reorderDelayNanos < 0 || bitsPerSecond < 0 || queueBytesMax < 0 || mtu < 0) {
            throw new IllegalArgumentException("link times, rates and sizes cannot be negative");
        }
    }

    /** A perfect wire with {@code delayNanos} of latency. */
    public static LinkSpec ideal(long delayNanos) {
        return new LinkSpec(delayNanos, 0, Ratio.NEVER, null, Ratio.NEVER, Ratio.NEVER, 0, 0, 0, 0, List.of());
    }

    /**
     * Two-state bursty loss: in state good a datagram is lost with {@code lossGood}, in bad with
     * {@code lossBad}; after each datagram the state flips with {@code goodToBad} / {@code badToGood}.
     */
    public record GilbertElliott(Ratio goodToBad, Ratio badToGood, Ratio lossGood, Ratio lossBad) {}

    /** Nothing crosses the link from {@code fromNanos} (inclusive) to {@code toNanos} (exclusive). */
    public record Partition(long fromNanos, long toNanos) {
        public boolean covers(long t) {
            return t >= fromNanos && t < toNanos;
        }
    }
}
