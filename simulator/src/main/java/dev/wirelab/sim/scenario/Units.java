package dev.wirelab.sim.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The units scenario files write values in: durations ("90s", "2m", "500ms", "1m30s"), bit rates
 * ("10mbit"), byte sizes ("64KiB"), wall-clock instants ("1970-01-01T00:00:00Z"). Exact decimal
 * arithmetic, so "0.1s" is 100,000,000 ns on every machine. Each parser throws
 * IllegalArgumentException with a message saying what to write instead.
 */
final class Units {
    private Units() {}

    static final String DURATION_HINT = "write 90s, 2m, 500ms, 1.5s or 1m30s (units ns, us, ms, s, m, h)";
    static final String RATE_HINT = "write 10mbit, 512kbit, 1gbit or 64000bit (bits per second)";
    static final String SIZE_HINT = "write 1500B, 64KB, 64KiB or 1MB";
    static final String INSTANT_HINT = "write an ISO-8601 instant such as 1970-01-01T00:00:00Z, or a date such as 1970-01-01";

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)(/s)?");

    /** Nanoseconds of a duration, which may be negative when {@code signed}. */
    static long durationNanos(String text, boolean signed) {
        String t = text.strip();
        boolean negative = false;
        if (signed && (t.startsWith("-") || t.startsWith("+"))) {
            negative = t.startsWith("-");
            t = t.substring(1).strip();
        }
        Matcher m = DURATION_PART.matcher(t);
        BigDecimal total = BigDecimal.ZERO;
        int end = 0;
        while (end < t.length() && m.find(end) && m.start() == end) {
            total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (" + DURATION_HINT + ")");
        }
        try {
            long nanos = total.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
            return negative ? -nanos : nanos;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number of nanoseconds, or too long: '" + text + "'");
        }
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalStateException(unit);
        };
    }

    /** Bits per second. */
    static long bitsPerSecond(String text) {
        Matcher m = QUANTITY.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a rate: '" + text + "' (" + RATE_HINT + ")");
        }
        long scale = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "bit", "bps" -> 1L;
            case "kbit", "kbps" -> 1_000L;
            case "mbit", "mbps" -> 1_000_000L;
            case "gbit", "gbps" -> 1_000_000_000L;
            default -> throw new IllegalArgumentException("not a rate: '" + text + "' (" + RATE_HINT + ")");
        };
        return whole(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(scale)), text);
    }

    /** Bytes. */
    static long bytes(String text) {
        Matcher m = QUANTITY.matcher(text.strip());
        if (!m.matches() || m.group(3) != null) {
            throw new IllegalArgumentException("not a size: '" + text + "' (" + SIZE_HINT + ")");
        }
        long scale = switch (m.group(2)) {
            case "B" -> 1L;
            case "KB", "kB" -> 1_000L;
            case "KiB" -> 1_024L;
            case "MB" -> 1_000_000L;
            case "MiB" -> 1_048_576L;
            default -> throw new IllegalArgumentException("not a size: '" + text + "' (" + SIZE_HINT + ")");
        };
        return whole(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(scale)), text);
    }

    private static long whole(BigDecimal value, String text) {
        try {
            return value.setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number, or too large: '" + text + "'");
        }
    }

    /** Nanoseconds since the Unix epoch of an ISO-8601 instant or a date (midnight UTC). */
    static long instantNanos(String text) {
        String t = text.strip();
        try {
            Instant i = t.length() == 10 ? LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(t);
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not an instant: '" + text + "' (" + INSTANT_HINT + ")");
        }
    }

    /** "1.250 s": how checks print virtual times and durations. */
    static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).setScale(3, RoundingMode.HALF_EVEN).toPlainString() + " s";
    }
}
