package dev.wirelab.interop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Marks an interop test class that keeps both cores busy (iperf3 bulk traffic, floods). The classes
 * run concurrently; these share one resource lock so that no two of them overlap: a flood beside a
 * bulk transfer would starve the handshake it checks, and every throughput figure would drop.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ResourceLock("wirelab.interop.cores")
@interface LoadHeavy {}
