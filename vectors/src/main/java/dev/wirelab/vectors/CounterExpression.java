package dev.wirelab.vectors;

import java.math.BigInteger;
import java.util.Map;

/**
 * The tiny expression form of replay-window.json: decimal integers, names, + - * and parentheses,
 * with the usual precedence, evaluated exactly. The kernel and wireguard-go tables write counters
 * relative to constants that differ between them (REJECT_AFTER_MESSAGES), so the file keeps the
 * expressions and the runner evaluates them once per constant.
 *
 * <pre>
 *   expression = term { ("+" | "-") term }
 *   term       = factor { "*" factor }
 *   factor     = integer | name | "(" expression ")"
 * </pre>
 */
final class CounterExpression {
    static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private final String text;
    private final Map<String, BigInteger> names;
    private int position;

    private CounterExpression(String text, Map<String, BigInteger> names) {
        this.text = text;
        this.names = names;
    }

    /** Evaluates {@code text}; throws IllegalArgumentException naming the expression and the position. */
    static BigInteger evaluate(String text, Map<String, BigInteger> names) {
        CounterExpression e = new CounterExpression(text, names);
        BigInteger value = e.expression();
        e.skipSpaces();
        if (e.position != text.length()) {
            throw e.error("unexpected '" + text.charAt(e.position) + "'");
        }
        return value;
    }

    /** Evaluates {@code text} as an unsigned 64-bit counter, held in a long as Java holds u64. */
    static long counter(String text, Map<String, BigInteger> names) {
        BigInteger value = evaluate(text, names);
        if (value.signum() < 0 || value.compareTo(TWO_TO_64) >= 0) {
            throw new IllegalArgumentException("counter " + text + " = " + value + " is outside 0 .. 2^64 - 1");
        }
        return value.longValue();
    }

    private BigInteger expression() {
        BigInteger value = term();
        while (true) {
            skipSpaces();
            if (accept('+')) {
                value = value.add(term());
            } else if (accept('-')) {
                value = value.subtract(term());
            } else {
                return value;
            }
        }
    }

    private BigInteger term() {
        BigInteger value = factor();
        while (true) {
            skipSpaces();
            if (!accept('*')) {
                return value;
            }
            value = value.multiply(factor());
        }
    }

    private BigInteger factor() {
        skipSpaces();
        if (accept('(')) {
            BigInteger value = expression();
            skipSpaces();
            if (!accept(')')) {
                throw error("expected ')'");
            }
            return value;
        }
        int start = position;
        if (position < text.length() && Character.isDigit(text.charAt(position))) {
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            return new BigInteger(text.substring(start, position));
        }
        while (position < text.length()
                && (Character.isLetterOrDigit(text.charAt(position)) || text.charAt(position) == '_')) {
            position++;
        }
        if (start == position) {
            throw error(position < text.length() ? "unexpected '" + text.charAt(position) + "'" : "unexpected end");
        }
        String name = text.substring(start, position);
        BigInteger value = names.get(name);
        if (value == null) {
            throw error("unknown name " + name + " (known: " + names.keySet() + ")");
        }
        return value;
    }

    private boolean accept(char c) {
        if (position < text.length() && text.charAt(position) == c) {
            position++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (position < text.length() && text.charAt(position) == ' ') {
            position++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("expression \"" + text + "\" at " + position + ": " + what);
    }
}
