package dev.wirelab.engine.purityfixture;

import java.io.File;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test-only: each method breaks the engine contract in one way, so {@code EnginePurityTest} can
 * show its rule catches it. Lives under dev.wirelab.engine so the rule applies; never called.
 */
public final class Impure {
    private Impure() {}

    static long readsMonotonicClock() {
        return System.nanoTime();
    }

    static Instant readsWallClock() {
        return Instant.now();
    }

    static int usesGlobalRandomness() {
        return new Random().nextInt();
    }

    static Thread startsThread() {
        return Thread.ofPlatform().unstarted(() -> {});
    }

    static ExecutorService makesExecutor() {
        return Executors.newSingleThreadExecutor();
    }

    static InetAddress touchesNetwork() {
        return InetAddress.getLoopbackAddress();
    }

    static boolean touchesFiles() {
        return new File("/etc/wireguard").exists();
    }

    static void logs() {
        System.out.println("handshake done");
    }
}
