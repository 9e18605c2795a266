package dev.wirelab.cli;

import dev.wirelab.sim.scenario.ScenarioRun;
import dev.wirelab.sim.scenario.Verdict;
import java.io.PrintWriter;
import java.math.BigDecimal;

/** How `wirelab run` and `wirelab suite` show a scenario's result. */
final class Reports {
    private Reports() {}

    /**
     * The full report: what ran, each expectation with PASS or FAIL and what it measured, the
     * trace hash and the command that repeats the run.
     */
    static void print(PrintWriter out, ScenarioRun.Result r) {
        out.println("scenario " + r.scenario().name() + " (" + r.scenario().file() + "), seed " + r.seed() + ", "
                + seconds(r.scenario().durationNanos()) + " simulated, " + r.events() + " events, " + r.traceRecords() + " trace records");
        for (Verdict v : r.verdicts()) {
            out.println("  " + v);
        }
        out.println(r.passed() ? "all " + r.verdicts().size() + " expectations hold"
                : r.failures().size() + " of " + r.verdicts().size() + " expectations FAILED");
        out.println("trace-sha256: " + r.traceSha256());
        out.println("reproduce: " + r.reproduce());
    }

    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString() + " s";
    }
}
