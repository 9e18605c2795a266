package dev.wirelab.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CounterExpressionTest {
    private static final Map<String, BigInteger> NAMES = Map.of(
            "T_LIM", BigInteger.valueOf(8129),
            "REJECT_AFTER_MESSAGES", new BigInteger("18446744073709543486"));

    @Test
    void multiplicationBindsTighterThanAdditionAndParenthesesGroup() {
        assertEquals(BigInteger.valueOf(8129 * 4 - 8128), CounterExpression.evaluate("T_LIM * 4 - (T_LIM - 1)", NAMES));
        assertEquals(BigInteger.valueOf(8129 * 4 + 1 - 8129), CounterExpression.evaluate("T_LIM * 4 + 1 - T_LIM", NAMES));
        assertEquals(BigInteger.valueOf(14), CounterExpression.evaluate("2+3*4", NAMES));
        assertEquals(BigInteger.valueOf(20), CounterExpression.evaluate("(2 + 3) * 4", NAMES));
        assertEquals(BigInteger.valueOf(-4), CounterExpression.evaluate("1 - 2 - 3", NAMES), "left associative");
    }

    @Test
    void countersAreUnsigned64BitValuesInALong() {
        assertEquals(-8130L, CounterExpression.counter("REJECT_AFTER_MESSAGES", NAMES));
        assertEquals(-1L, CounterExpression.counter("18446744073709551616 - 1", NAMES));
        assertThrows(IllegalArgumentException.class, () -> CounterExpression.counter("18446744073709551616", NAMES));
        assertThrows(IllegalArgumentException.class, () -> CounterExpression.counter("0 - 1", NAMES));
    }

    @Test
    void badExpressionsAreRejectedWithTheirText() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> CounterExpression.evaluate("WINDOW + 1", NAMES));
        assertTrue(unknown.getMessage().contains("unknown name WINDOW"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CounterExpression.evaluate("1 +", NAMES));
        assertThrows(IllegalArgumentException.class, () -> CounterExpression.evaluate("(1 + 2", NAMES));
        assertThrows(IllegalArgumentException.class, () -> CounterExpression.evaluate("1 2", NAMES));
        assertThrows(IllegalArgumentException.class, () -> CounterExpression.evaluate("2 ^ 64", NAMES));
    }
}
