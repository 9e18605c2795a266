package dev.wirelab.engine.purityfixture;

import java.util.Arrays;

/**
 * Test-only: code in the engine's style (time and bytes come in as arguments), which the purity
 * rule must accept; guards against a rule so broad that it flags everything.
 */
public final class Pure {
    private Pure() {}

    static long deadline(long nowNanos, long timeoutNanos) {
        return Math.addExact(nowNanos, timeoutNanos);
    }

    static byte[] wiped(byte[] secret) {
        byte[] copy = secret.clone();
        Arrays.fill(copy, (byte) 0);
        return copy;
    }
}
