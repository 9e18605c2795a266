package dev.wirelab.viz;

import java.util.function.Consumer;

/**
 * What one scenario run from the page or the API may spend: trace records (one per simulated event
 * the trace shows), wall time, and the server's heap. The host count is bounded by the scenario
 * format; the work a run does (duration x traffic x hosts) is bounded here. A run that reaches a
 * limit stops there and answers with what it has, marked as cut, and says which limit and where.
 *
 * @param recordsMax   trace records a run may write
 * @param wallMillisMax wall-clock milliseconds a run may take
 * @param heapShareMax the share of the maximum heap in use above which runs are cut (0.0-1.0)
 */
public record RunBudget(long recordsMax, long wallMillisMax, double heapShareMax) {
    /** A page's run of any built-in scenario fits in it many times over; a pasted 20,000-host day does not. */
    public static final RunBudget DEFAULT = new RunBudget(5_000_000, 60_000, 0.85);

    public RunBudget {
        if (recordsMax < 1 || wallMillisMax < 1 || heapShareMax <= 0 || heapShareMax > 1) {
            throw new IllegalArgumentException("a run budget needs at least one record, one millisecond and a heap share in"
                    + " (0, 1]: " + recordsMax + ", " + wallMillisMax + " ms, " + heapShareMax);
        }
    }

    /** Thrown through the simulator by {@link Meter} when a limit is reached; the run answers with what it has. */
    static final class Reached extends RuntimeException {
        Reached(String why) {
            super(why, null, false, false);
        }
    }

    /** A new meter for one run, passing each trace line on to {@code next}. */
    Meter meter(Consumer<String> next) {
        return new Meter(this, next, System.nanoTime());
    }

    /**
     * Counts a run's trace lines and watches its clock and the heap; throws {@link Reached} with the
     * limit's name and the virtual time of the last record when one is passed.
     */
    static final class Meter implements Consumer<String> {
        /** How often the clock and heap are read: every this many records (reading them costs about as much as one). */
        private static final int CHECK_EVERY = 256;
        private final RunBudget budget;
        private final Consumer<String> next;
        private final long startNanos;
        private long records;
        private String last;

        private Meter(RunBudget budget, Consumer<String> next, long startNanos) {
            this.budget = budget;
            this.next = next;
            this.startNanos = startNanos;
        }

        @Override
        public void accept(String line) {
            if (records == budget.recordsMax()) {
                throw new Reached("reached the budget of " + budget.recordsMax() + " trace records" + where());
            }
            records++;
            last = line;
            if (records % CHECK_EVERY == 0) {
                long millis = (System.nanoTime() - startNanos) / 1_000_000;
                if (millis >= budget.wallMillisMax()) {
                    throw new Reached("reached the budget of " + budget.wallMillisMax() / 1000.0 + " s of wall time after "
                            + records + " trace records" + where());
                }
                Runtime rt = Runtime.getRuntime();
                double used = (double) (rt.totalMemory() - rt.freeMemory()) / rt.maxMemory();
                if (used > budget.heapShareMax()) {
                    throw new Reached("stopped with the server's heap " + Math.round(used * 100) + "% full after " + records
                            + " trace records" + where());
                }
            }
            next.accept(line);
        }

        long records() {
            return records;
        }

        /** Where the run stood: the virtual time of its last trace record, once one past the header (which has none) came. */
        private String where() {
            return records <= 1 ? "" : String.format(java.util.Locale.ROOT, ", at t = %.3f s virtual",
                    ScenarioView.virtualTime(last) / 1e9);
        }
    }
}
