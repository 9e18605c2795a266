package dev.wirelab.vectors;

import java.util.List;

/** The verdicts of one conformance run over several vector files. */
public record Report(List<FileReport> files) {

    public Report {
        files = List.copyOf(files);
    }

    public long count(CaseResult.Verdict verdict) {
        return files.stream().mapToLong(f -> f.count(verdict)).sum();
    }

    public boolean passed() {
        return count(CaseResult.Verdict.FAIL) == 0;
    }

    /** Every case on its own line, a summary per file, and a total. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        files.forEach(f -> out.append(f.describe()));
        files.forEach(f -> out.append(f.summary()).append('\n'));
        long cases = files.stream().mapToLong(f -> f.cases().size()).sum();
        out.append("total: %d cases in %d files, %d passed, %d failed, %d skipped%n".formatted(
                cases, files.size(), count(CaseResult.Verdict.PASS), count(CaseResult.Verdict.FAIL),
                count(CaseResult.Verdict.SKIP)));
        return out.toString();
    }
}
