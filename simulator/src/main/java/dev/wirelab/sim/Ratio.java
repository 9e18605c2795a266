package dev.wirelab.sim;

import dev.wirelab.engine.Entropy;

/**
 * A probability as an exact fraction: draws compare an integer from the seeded entropy with the
 * numerator, so a run gives the same outcome on every platform (no floating point).
 */
public record Ratio(long numerator, long denominator) {
    public static final Ratio NEVER = new Ratio(0, 1);
    public static final Ratio ALWAYS = new Ratio(1, 1);

    public Ratio {
        if (denominator <= 0 || numerator < 0 || numerator > denominator) {
            throw new IllegalArgumentException("a probability is between 0 and 1, got " + numerator + "/" + denominator);
        }
    }

    /**
     * Parses "30%", "12.5%", "1/3", "0", "1" or a decimal like "0.25" (exact: 25/100).
     * Throws IllegalArgumentException saying what was expected.
     */
    public static Ratio parse(String text) {
        String t = text.strip();
        try {
            if (t.endsWith("%")) {
                long[] r = decimal(t.substring(0, t.length() - 1).strip());
                return new Ratio(r[0], r[1] * 100);
            }
            int slash = t.indexOf('/');
            if (slash >= 0) {
                return new Ratio(Long.parseLong(t.substring(0, slash).strip()), Long.parseLong(t.substring(slash + 1).strip()));
            }
            long[] r = decimal(t);
            return new Ratio(r[0], r[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a probability: '" + text + "' (write 30%, 12.5%, 1/3 or 0.25)");
        }
    }

    /** {numerator, denominator} of a plain decimal number, exactly. */
    private static long[] decimal(String t) {
        int dot = t.indexOf('.');
        if (dot < 0) {
            return new long[] {Long.parseLong(t), 1};
        }
        String digits = t.substring(dot + 1);
        long den = 1;
        for (int i = 0; i < digits.length(); i++) {
            den *= 10;
        }
        return new long[] {Long.parseLong(t.substring(0, dot) + digits), den};
    }

    /** True with exactly this probability, drawing from {@code entropy}. */
    public boolean draw(Entropy entropy) {
        if (numerator == 0) {
            return false;
        }
        if (numerator == denominator) {
            return true;
        }
        return entropy.nextLong(denominator) < numerator;
    }

    @Override
    public String toString() {
        return numerator + "/" + denominator;
    }
}
