package dev.wirelab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The simulator soak: 100 peers of one hub under churn, roaming and loss, with the invariants of
 * {@link SoakInvariants} checked throughout (see {@link Soak} for the workload).
 *
 * <p>The default run covers one simulated hour (about 10 s of wall time on a 2-core machine). The
 * long run is the same test with more hours and, if wanted, another seed:
 * <pre>
 * ./mvnw -B test -pl simulator -am -Dtest=SoakTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dwirelab.soak.hours=24 [-Dwirelab.soak.seed=N]
 * </pre>
 * It prints the figures (wall time, events, deliveries, sessions, checks) on one line; the ones of
 * the last long run are in docs/reliability.md.
 */
class SoakTest {
    @Test
    void hundredPeersWithChurnRoamingAndLossKeepEveryInvariant() {
        double hours = Double.parseDouble(System.getProperty("wirelab.soak.hours", "1"));
        long seed = Long.parseLong(System.getProperty("wirelab.soak.seed", "9"));
        Soak.Result r = new Soak(seed, 100, (long) (hours * 3600) * Soak.S).run();
        System.out.println(r.report());
        assertEquals(0, r.violations(), () -> "seed " + seed + ": " + r.violations() + " violations, the first: "
                + String.join("\n  ", r.firstViolations()));
        assertEquals(java.util.List.of(), r.quietSpokes(), () -> "seed " + seed + ": spokes cut off at the end");
        // The run must have exercised what it checks, or its silence proves nothing.
        assertTrue(r.roams() > 0 && r.removals() > 0 && r.spokeKeyChanges() > 0, r::report);
        assertTrue(r.sessions() > 100 * hours * 20, r::report); // rekeys: a session every few minutes per spoke
        assertTrue(r.keypairsZeroed() > r.sessions() / 2, r::report);
        assertTrue(r.transportChecked() > r.deliveries(), r::report);
        assertTrue(r.deliveries() > 0.8 * r.packetsSent(), r::report);
    }
}
