package dev.wirelab.conformance;

/** One named conformance check, run against a fresh {@link Lab}. */
public interface Check {
    /** Short kebab-case name, used by --only and in the matrix. */
    String name();

    /** What it checks and how, in one or two sentences, for --help and the Markdown report. */
    String description();

    /** Whether the target should know the harness's endpoint from the start (else it learns it by roaming). */
    default boolean targetKnowsHarness() {
        return true;
    }

    /** Runs the check; returns the verdict and what was measured. */
    Outcome run(Lab lab) throws Exception;

    /**
     * What a check says: status, measured value, and for anything but a pass, why. A DIFFERS outcome
     * names the {@link Differences} key it saw in {@code difference}; the runner keeps it DIFFERS only
     * for a target declared to have it.
     */
    record Outcome(CheckResult.Status status, String measured, String detail, String difference) {
        public Outcome(CheckResult.Status status, String measured, String detail) {
            this(status, measured, detail, "");
        }

        public static Outcome pass(String measured) {
            return new Outcome(CheckResult.Status.PASS, measured, "");
        }

        public static Outcome fail(String measured, String why) {
            return new Outcome(CheckResult.Status.FAIL, measured, why);
        }

        /** The target behaves as {@link Differences} entry {@code difference} says some implementations do. */
        public static Outcome differs(String difference, String measured, String why) {
            return new Outcome(CheckResult.Status.DIFFERS, measured, why, difference);
        }

        /** Pass when {@code ok}, else fail with {@code why}. */
        public static Outcome expect(boolean ok, String measured, String why) {
            return ok ? pass(measured) : fail(measured, why);
        }
    }
}
