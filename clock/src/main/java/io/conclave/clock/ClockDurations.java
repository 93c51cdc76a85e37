package io.conclave.clock;

import java.math.BigInteger;

/**
 * Durations as the command line spells them: {@code 750ms}, {@code -2s}, {@code 500us},
 * {@code 1m}, {@code 1m30s}, {@code 1.5s}. The node's {@code --max-offset} and
 * {@code --test-clock-offset} flags are parsed here, so every flag accepts the same syntax.
 *
 * <p>Units: {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s}, {@code m}, {@code h}.
 * A unit is required (a bare {@code 500} is ambiguous), except for a bare {@code 0}.
 */
public final class ClockDurations {
    private static final long NANOS_PER_MICRO = 1_000L;
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long NANOS_PER_MINUTE = 60 * NANOS_PER_SECOND;
    private static final long NANOS_PER_HOUR = 60 * NANOS_PER_MINUTE;

    private static final String[] UNIT_NAMES = {"h", "m", "s", "ms", "us", "ns"};
    private static final long[] UNIT_NANOS = {
        NANOS_PER_HOUR, NANOS_PER_MINUTE, NANOS_PER_SECOND, NANOS_PER_MILLI, NANOS_PER_MICRO, 1
    };

    private ClockDurations() {}

    /** Parses a duration into nanoseconds; throws {@link IllegalArgumentException} naming the problem. */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw badDuration(text, "it is empty");
        }
        String s = text.strip();
        int i = 0;
        boolean negative = false;
        if (s.charAt(0) == '+' || s.charAt(0) == '-') {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (s.substring(i).equals("0")) {
            return 0;
        }
        if (i == s.length()) {
            throw badDuration(text, "a sign must be followed by a number and a unit");
        }
        long total = 0;
        while (i < s.length()) {
            int numberStart = i;
            while (i < s.length() && (isAsciiDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                i++;
            }
            String number = s.substring(numberStart, i);
            int unitStart = i;
            while (i < s.length() && !isAsciiDigit(s.charAt(i)) && s.charAt(i) != '.') {
                i++;
            }
            String unit = s.substring(unitStart, i);
            if (number.isEmpty()) {
                throw badDuration(text, "expected a number before '" + unit + "'");
            }
            long unitNanos = unitNanos(text, unit);
            total = addOrThrow(text, total, scale(text, number, unitNanos));
        }
        return negative ? -total : total;
    }

    /**
     * The exact duration in the largest unit that divides it, e.g. {@code 500ms}, {@code 2s},
     * {@code -1500us}; {@link #parse} reads it back to the same value.
     */
    public static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        if (nanos == Long.MIN_VALUE) {
            return Long.MIN_VALUE + "ns";
        }
        for (int u = 0; u < UNIT_NAMES.length; u++) {
            if (nanos % UNIT_NANOS[u] == 0) {
                return (nanos / UNIT_NANOS[u]) + UNIT_NAMES[u];
            }
        }
        throw new IllegalStateException("unreachable: every duration divides by 1ns");
    }

    /** Like {@link #format} with an explicit {@code +} on positive values, for offsets. */
    public static String formatSigned(long nanos) {
        return nanos > 0 ? "+" + format(nanos) : format(nanos);
    }

    /**
     * A signed, rounded duration for people: milliseconds from 1 ms up, microseconds from 1 µs,
     * else nanoseconds; e.g. {@code +612ms}, {@code -3us}. Not meant to be parsed back exactly.
     */
    public static String formatApprox(long nanos) {
        String sign = nanos > 0 ? "+" : nanos < 0 ? "-" : "";
        long magnitude = nanos == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(nanos);
        if (magnitude >= NANOS_PER_MILLI) {
            return sign + Math.round(magnitude / (double) NANOS_PER_MILLI) + "ms";
        }
        if (magnitude >= NANOS_PER_MICRO) {
            return sign + Math.round(magnitude / (double) NANOS_PER_MICRO) + "us";
        }
        return sign + magnitude + "ns";
    }

    private static long unitNanos(String text, String unit) {
        switch (unit) {
            case "ns": return 1;
            case "us": case "µs": return NANOS_PER_MICRO;
            case "ms": return NANOS_PER_MILLI;
            case "s": return NANOS_PER_SECOND;
            case "m": return NANOS_PER_MINUTE;
            case "h": return NANOS_PER_HOUR;
            case "": throw badDuration(text, "missing unit");
            default: throw badDuration(text, "unknown unit '" + unit + "'");
        }
    }

    /** {@code number} (digits with at most one '.') times {@code unitNanos}, exactly, truncating sub-nanos. */
    private static long scale(String text, String number, long unitNanos) {
        int dot = number.indexOf('.');
        if (dot != number.lastIndexOf('.') || number.equals(".")) {
            throw badDuration(text, "'" + number + "' is not a number");
        }
        String whole = dot < 0 ? number : number.substring(0, dot);
        String fraction = dot < 0 ? "" : number.substring(dot + 1);
        try {
            long result = whole.isEmpty() ? 0 : Math.multiplyExact(Long.parseLong(whole), unitNanos);
            // At most 18 fraction digits matter: one more cannot change a nanosecond count.
            String digits = fraction.length() > 18 ? fraction.substring(0, 18) : fraction;
            if (!digits.isEmpty()) {
                BigInteger part = new BigInteger(digits)
                        .multiply(BigInteger.valueOf(unitNanos))
                        .divide(BigInteger.TEN.pow(digits.length()));
                result = Math.addExact(result, part.longValueExact());
            }
            return result;
        } catch (ArithmeticException | NumberFormatException tooLarge) {
            throw badDuration(text, "it does not fit in 64-bit nanoseconds");
        }
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static long addOrThrow(String text, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException overflow) {
            throw badDuration(text, "it does not fit in 64-bit nanoseconds");
        }
    }

    private static IllegalArgumentException badDuration(String text, String problem) {
        return new IllegalArgumentException("invalid duration '" + text + "': " + problem
                + " (expected e.g. 750ms, -2s, 500us, 1m; units ns, us, ms, s, m, h)");
    }
}
