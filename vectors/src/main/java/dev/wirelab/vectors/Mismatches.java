package dev.wirelab.vectors;

import dev.wirelab.engine.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * What one case found wrong. A case keeps checking after the first difference so that its
 * message shows every output that is off, not only the first.
 */
final class Mismatches {
    private static final HexFormat HEX = HexFormat.of();

    private final List<String> problems = new ArrayList<>();

    /**
     * Runs {@code body} as case {@code id}. An exception from the implementation under test fails
     * the case with its message instead of ending the run: the other cases still say something.
     */
    static CaseResult check(String id, Consumer<Mismatches> body) {
        Mismatches m = new Mismatches();
        try {
            body.accept(m);
        } catch (RuntimeException e) {
            m.add("threw " + e);
        }
        return m.problems.isEmpty() ? CaseResult.pass(id) : CaseResult.fail(id, String.join("; ", m.problems));
    }

    void bytes(String what, Bytes expected, byte[] actual) {
        if (actual == null) {
            add(what + ": expected " + hexOrEmpty(expected.hex()) + " but got null");
        } else if (!Arrays.equals(expected.toByteArray(), actual)) {
            add(what + ": expected " + hexOrEmpty(expected.hex()) + " but was " + hexOrEmpty(HEX.formatHex(actual)));
        }
    }

    void equal(String what, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            add(what + ": expected " + expected + " but was " + actual);
        }
    }

    void add(String problem) {
        problems.add(problem);
    }

    private static String hexOrEmpty(String hex) {
        return hex.isEmpty() ? "(empty)" : hex;
    }
}
