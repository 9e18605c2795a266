package dev.wirelab.sim;

/**
 * A host's wall clock as a function of virtual time: an offset from the simulation's epoch, a
 * drift in parts per million, and steps (an NTP correction, or a reboot that resets the clock).
 * Only the TAI64N timestamps of initiations read it, so this is how stale-timestamp cases are made.
 */
public final class WallClock {
    private long baseWallNanos;
    private long baseVirtualNanos;
    private long driftPartsPerMillion;

    /** @param startWallNanos wall time (ns since the Unix epoch) at virtual time 0 */
    public WallClock(long startWallNanos, long driftPartsPerMillion) {
        this.baseWallNanos = startWallNanos;
        this.driftPartsPerMillion = driftPartsPerMillion;
    }

    public long wallAt(long virtualNanos) {
        long elapsed = virtualNanos - baseVirtualNanos;
        return baseWallNanos + elapsed + elapsed / 1_000_000 * driftPartsPerMillion;
    }

    /** From {@code virtualNanos} on, the clock reads {@code wallNanos} (and keeps its drift). */
    public void step(long virtualNanos, long wallNanos) {
        baseVirtualNanos = virtualNanos;
        baseWallNanos = wallNanos;
    }

    public void setDrift(long virtualNanos, long partsPerMillion) {
        step(virtualNanos, wallAt(virtualNanos));
        driftPartsPerMillion = partsPerMillion;
    }
}
