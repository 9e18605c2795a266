package dev.wirelab.vectors;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;

/**
 * replay-window.json: the kernel's counter self-test and wireguard-go's TestReplay. Each sequence is
 * one case per REJECT_AFTER_MESSAGES value (kernel, wireguard-go), because the same table must hold
 * for both and an implementation takes the limit as a parameter.
 */
final class ReplayWindowVectors {
    static final String FILE = "replay-window.json";
    /** How many wrong steps a failure message lists before it only counts. */
    private static final int STEPS_SHOWN_MAX = 5;

    record File(String source, String format, Map<String, String> constants, Map<String, String> rejectAfterMessages,
            List<Sequence> sequences) {}

    record Sequence(String id, String source, List<Step> steps, List<String> holdsFor) {}

    /** A single check, or with {@code repeat} one check per value of the loop variable. */
    record Step(@MayBeAbsent Integer n, @MayBeAbsent Repeat repeat, String counter, Boolean accepted) {}

    record Repeat(String var, String from, String to, Integer step) {}

    private ReplayWindowVectors() {}

    static FileReport run(ReplayWindows windows) {
        File file = VectorFile.load(FILE, File.class);
        Map<String, BigInteger> constants = new LinkedHashMap<>();
        // In file order: T_LIM is defined in terms of WINDOW_SIZE.
        file.constants().forEach((name, expression) -> constants.put(name, CounterExpression.evaluate(expression, constants)));
        List<CaseResult> results = new ArrayList<>();
        for (Map.Entry<String, String> limit : file.rejectAfterMessages().entrySet()) {
            Map<String, BigInteger> names = new LinkedHashMap<>(constants);
            long rejectAfterMessages = CounterExpression.counter(limit.getValue(), constants);
            names.put("REJECT_AFTER_MESSAGES", new BigInteger(Long.toUnsignedString(rejectAfterMessages)));
            for (Sequence s : file.sequences()) {
                String id = s.id() + " @" + limit.getKey() + " REJECT_AFTER_MESSAGES=" + Long.toUnsignedString(rejectAfterMessages);
                if (!s.holdsFor().contains(limit.getKey())) {
                    results.add(CaseResult.skip(id, "the file says this table does not hold for " + limit.getKey()));
                    continue;
                }
                results.add(Mismatches.check(id, m -> sequence(windows.newWindow(rejectAfterMessages), s, names, m)));
            }
        }
        return new FileReport(FILE, file.source(), results);
    }

    private static void sequence(LongPredicate window, Sequence s, Map<String, BigInteger> names, Mismatches m) {
        int number = 0;
        int wrong = 0;
        for (Step step : s.steps()) {
            List<Map<String, BigInteger>> bindings = new ArrayList<>();
            if (step.repeat() == null) {
                bindings.add(names);
            } else {
                Repeat r = step.repeat();
                if (r.step() != 1 && r.step() != -1) {
                    throw new IllegalArgumentException("repeat step must be 1 or -1, was " + r.step());
                }
                BigInteger from = CounterExpression.evaluate(r.from(), names);
                BigInteger to = CounterExpression.evaluate(r.to(), names);
                BigInteger step1 = BigInteger.valueOf(r.step());
                for (BigInteger i = from; i.subtract(to).signum() != r.step(); i = i.add(step1)) {
                    Map<String, BigInteger> bound = new LinkedHashMap<>(names);
                    bound.put(r.var(), i);
                    bindings.add(bound);
                }
            }
            for (Map<String, BigInteger> binding : bindings) {
                number++;
                long counter = CounterExpression.counter(step.counter(), binding);
                boolean accepted = window.test(counter);
                if (accepted != step.accepted()) {
                    wrong++;
                    if (wrong <= STEPS_SHOWN_MAX) {
                        String label = step.n() != null ? "test " + step.n() : "step " + number;
                        String value = step.repeat() != null
                                ? step.repeat().var() + " = " + binding.get(step.repeat().var())
                                : step.counter();
                        m.add(label + " (counter " + value + " = " + Long.toUnsignedString(counter) + "): expected "
                                + (step.accepted() ? "accepted" : "rejected") + " but was " + (accepted ? "accepted" : "rejected"));
                    }
                }
            }
        }
        if (wrong > STEPS_SHOWN_MAX) {
            m.add((wrong - STEPS_SHOWN_MAX) + " more of " + number + " steps wrong");
        }
    }
}
