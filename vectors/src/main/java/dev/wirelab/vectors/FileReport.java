package dev.wirelab.vectors;

import java.util.List;

/** The verdicts for every case of one vector file, in file order. */
public record FileReport(String file, String source, List<CaseResult> cases) {

    public FileReport {
        cases = List.copyOf(cases);
    }

    public long count(CaseResult.Verdict verdict) {
        return cases.stream().filter(c -> c.verdict() == verdict).count();
    }

    public List<CaseResult> failures() {
        return cases.stream().filter(CaseResult::failed).toList();
    }

    /** One line per case, then a summary line for the file. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (CaseResult c : cases) {
            out.append(c.verdict()).append(' ').append(file).append(' ').append(c.id());
            if (!c.message().isEmpty()) {
                out.append(": ").append(c.message());
            }
            out.append('\n');
        }
        out.append(summary()).append('\n');
        return out.toString();
    }

    public String summary() {
        return "%s: %d cases, %d passed, %d failed, %d skipped".formatted(
                file, cases.size(), count(CaseResult.Verdict.PASS), count(CaseResult.Verdict.FAIL),
                count(CaseResult.Verdict.SKIP));
    }
}
