package dev.wirelab.interop;

/**
 * The lock name of the interop tests that keep both cores busy (iperf3 bulk traffic, floods). The
 * classes run concurrently; these take the lock so that no two of them overlap: a flood beside a
 * bulk transfer would starve the handshake it checks, and every throughput figure would drop.
 */
final class LoadHeavy {
    static final String CORES = "wirelab.interop.cores";

    private LoadHeavy() {}
}
