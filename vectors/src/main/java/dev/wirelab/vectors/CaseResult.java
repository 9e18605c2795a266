package dev.wirelab.vectors;

import java.util.Objects;

/**
 * The verdict on one vector case. {@code message} says what differed (expected and actual hex) when
 * the case failed, and why it did not run when it was skipped; it is empty for a pass.
 */
public record CaseResult(String id, Verdict verdict, String message) {

    public enum Verdict { PASS, FAIL, SKIP }

    public CaseResult {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
    }

    static CaseResult pass(String id) {
        return new CaseResult(id, Verdict.PASS, "");
    }

    static CaseResult fail(String id, String message) {
        return new CaseResult(id, Verdict.FAIL, message);
    }

    static CaseResult skip(String id, String reason) {
        return new CaseResult(id, Verdict.SKIP, reason);
    }

    public boolean passed() {
        return verdict == Verdict.PASS;
    }

    public boolean failed() {
        return verdict == Verdict.FAIL;
    }
}
