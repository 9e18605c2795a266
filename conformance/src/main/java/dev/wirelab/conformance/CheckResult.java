package dev.wirelab.conformance;

/**
 * One cell of the matrix.
 *
 * @param measured  what was seen, in the check's units ("5.21 s, 5.13 s"), for the table
 * @param detail    why it failed or differs; empty when it passed
 * @param evidence  the cell's capture and key log; null when its lab did not start (or they could not be
 *                  written, which detail then says)
 */
public record CheckResult(String check, String target, Status status, String measured, String detail, long millis,
        Evidence evidence) {
    public enum Status {
        /** Behaves as the protocol (and the kernel) requires. */
        PASS,
        /** Behaves differently in a way its implementation is known for (a profile difference), said in detail. */
        DIFFERS,
        /** Does not conform. */
        FAIL,
        /** The check itself could not run (setup failed): not a verdict on the target. */
        ERROR
    }
}
