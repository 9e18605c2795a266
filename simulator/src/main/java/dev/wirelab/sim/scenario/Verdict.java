package dev.wirelab.sim.scenario;

/**
 * The outcome of one expectation: which check ({@code check}, as it reads in the file with its
 * parameters), whether it held, and what was measured (always, pass or fail, so a report shows how
 * close a passing check came).
 */
public record Verdict(String check, boolean passed, String measured) {
    @Override
    public String toString() {
        return (passed ? "PASS " : "FAIL ") + check + ": " + measured;
    }
}
