package dev.wirelab.sim.scenario;

/**
 * A scenario file that cannot be run: a YAML syntax error, an unknown key, a bad value, or a
 * reference to something that does not exist. The message reads
 * {@code basic.yaml:12:5: hosts[1].links.up.loss: not a probability: '30 percent' (write 30%, ...)}
 * and says what was expected, so a user can fix the file without a stack trace.
 */
public final class ScenarioError extends RuntimeException {
    private final String file;
    private final int line;
    private final int column;
    private final String path;
    private final String problem;

    public ScenarioError(String file, int line, int column, String path, String problem) {
        super(file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + problem, null, false, false);
        this.file = file;
        this.line = line;
        this.column = column;
        this.path = path;
        this.problem = problem;
    }

    public String file() {
        return file;
    }

    /** 1-based; 0 when unknown. */
    public int line() {
        return line;
    }

    /** 1-based; 0 when unknown. */
    public int column() {
        return column;
    }

    /** The field path in the document ("hosts[1].links.up.loss"), "" for the whole file. */
    public String path() {
        return path;
    }

    /** What is wrong and what was expected, without the location. */
    public String problem() {
        return problem;
    }
}
