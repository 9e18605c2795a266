package dev.wirelab.engine.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wirelab.engine.DeterministicEntropy;
import dev.wirelab.engine.Protocol;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The replay window against a reference model: a set of every counter ever accepted plus the rule
 * "accept iff unseen, not older than WINDOW_SIZE behind the greatest, below REJECT_AFTER_MESSAGES".
 * The table of kernel cases lives in the vectors module; this explores random sequences.
 */
class ReplayWindowModelTest {
    private static final long SEED = 0x7e91a7L;

    @Test
    void matchesTheModelOnRandomSequences() {
        DeterministicEntropy e = new DeterministicEntropy(SEED);
        for (int run = 0; run < 200; run++) {
            ReplayWindow window = new ReplayWindow(Protocol.REJECT_AFTER_MESSAGES);
            Set<Long> seen = new HashSet<>();
            long greatest = -1;
            long base = e.nextLong(4) == 0 ? 0 : e.nextLong(1L << 40);
            for (int step = 0; step < 2_000; step++) {
                // Mostly near the front, sometimes far ahead, sometimes deep behind the window.
                long counter = switch ((int) e.nextLong(4)) {
                    case 0 -> base + e.nextLong(20_000);
                    case 1 -> Math.max(0, greatest - e.nextLong(ReplayWindow.WINDOW_SIZE + 200));
                    case 2 -> greatest + 1 + e.nextLong(3);
                    default -> greatest < 0 ? 0 : Math.max(0, greatest - e.nextLong(64));
                };
                boolean expected = !seen.contains(counter) && (greatest < 0 || counter + ReplayWindow.WINDOW_SIZE >= greatest);
                boolean wouldAccept = window.wouldAccept(counter);
                boolean accepted = window.accept(counter);
                String where = "seed " + SEED + " run " + run + " step " + step + " counter " + counter + " greatest " + greatest;
                assertEquals(expected, accepted, where);
                assertEquals(accepted, wouldAccept, "wouldAccept agrees with accept: " + where);
                if (accepted) {
                    seen.add(counter);
                    greatest = Math.max(greatest, counter);
                }
            }
        }
    }

    @Test
    void wouldAcceptChangesNothing() {
        ReplayWindow window = new ReplayWindow(Protocol.REJECT_AFTER_MESSAGES);
        for (int i = 0; i < 10; i++) {
            window.wouldAccept(5);
        }
        assertEquals(true, window.accept(5));
        assertEquals(false, window.accept(5));
    }
}
