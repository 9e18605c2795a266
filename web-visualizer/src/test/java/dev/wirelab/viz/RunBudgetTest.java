package dev.wirelab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A run's meter: passes records on until a limit, then stops the run saying which limit and where. */
class RunBudgetTest {
    @Test
    void theRecordLimitCutsAtTheLimitAndSaysTheVirtualTime() {
        List<String> passed = new ArrayList<>();
        RunBudget.Meter meter = new RunBudget(3, 60_000, 1.0).meter(passed::add);
        meter.accept("{\"wirelab-trace\":1}");
        meter.accept("{\"t\":1000000000,\"kind\":\"a\"}");
        meter.accept("{\"t\":2500000000,\"kind\":\"b\"}");
        RunBudget.Reached cut = assertThrows(RunBudget.Reached.class, () -> meter.accept("{\"t\":3000000000}"));
        assertEquals("reached the budget of 3 trace records, at t = 2.500 s virtual", cut.getMessage());
        assertEquals(3, passed.size());
        assertEquals(3, meter.records());
    }

    @Test
    void theWallClockLimitCutsALongRun() throws Exception {
        RunBudget.Meter meter = new RunBudget(1_000_000, 1, 1.0).meter(line -> { });
        Thread.sleep(5);
        RunBudget.Reached cut = assertThrows(RunBudget.Reached.class, () -> {
            for (int i = 0; i < 1_000; i++) {
                meter.accept("{\"t\":" + i + "}");
            }
        });
        assertTrue(cut.getMessage().startsWith("reached the budget of 0.001 s of wall time after 256 trace records"), cut.getMessage());
    }

    @Test
    void aBudgetThatAllowsNothingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RunBudget(0, 1000, 0.5));
        assertTrue(e.getMessage().startsWith("a run budget needs at least one record"), e.getMessage());
    }
}
