package io.conclave.driver;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * SQL literals for client-side parameter substitution. Correctness here is a security property:
 * a parameter must never change the statement's shape, so strings are always quoted with their
 * quotes doubled (Conclave's string literals have no backslash escapes) and bytes are hex
 * literals; numbers are written in forms the grammar reads back exactly.
 */
public final class SqlLiterals {
    private static final DateTimeFormatter TIMESTAMP_TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private SqlLiterals() {}

    /** {@code 'it''s'}: the string in single quotes, each quote doubled. NUL is refused. */
    public static String quote(String s) {
        if (s.indexOf('\0') >= 0) throw new IllegalArgumentException("a SQL string cannot contain the NUL character");
        return "'" + s.replace("'", "''") + "'";
    }

    /** {@code X'00ff'}. */
    public static String bytes(byte[] b) {
        return "X'" + HexFormat.of().withUpperCase().formatHex(b) + "'";
    }

    /** A timestamp (microseconds since the epoch, UTC) as a typed literal. */
    public static String timestampMicros(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long micro = Math.floorMod(micros, 1_000_000L);
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds, micro * 1000), ZoneOffset.UTC);
        return "CAST(" + quote(TIMESTAMP_TEXT.format(t)) + " AS TIMESTAMP)";
    }

    /** A double: exact decimal digits cast back to DOUBLE PRECISION (NaN and infinities by name). */
    public static String doubleValue(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "CAST(" + quote(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity") + " AS DOUBLE PRECISION)";
        }
        return "CAST(" + new BigDecimal(Double.toString(d)).toPlainString() + " AS DOUBLE PRECISION)";
    }

    /**
     * A negative number in parentheses: substituted after a minus ({@code a -?}) a bare
     * {@code -1} would turn the rest of the line into a {@code --} comment.
     */
    private static String number(String digits) {
        return digits.startsWith("-") ? "(" + digits + ")" : digits;
    }

    /** The literal for a JDBC parameter value; null is {@code NULL}. */
    public static String literal(Object value) throws SQLException {
        if (value == null) return "NULL";
        if (value instanceof String s) return quote(s);
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long v = ((Number) value).longValue();
            // Long.MIN_VALUE's digits alone do not fit a BIGINT literal.
            return v == Long.MIN_VALUE ? "(-9223372036854775807 - 1)" : number(Long.toString(v));
        }
        if (value instanceof java.math.BigInteger b) return number(b.toString());
        if (value instanceof BigDecimal d) return number(d.toPlainString());
        if (value instanceof Double d) return doubleValue(d);
        if (value instanceof Float f) return doubleValue(Double.parseDouble(Float.toString(f)));
        if (value instanceof Boolean b) return b ? "TRUE" : "FALSE";
        if (value instanceof byte[] b) return bytes(b);
        if (value instanceof Timestamp t) {
            return timestampMicros(Math.addExact(Math.multiplyExact(Math.floorDiv(t.getTime(), 1000L), 1_000_000L),
                    t.getNanos() / 1000));
        }
        if (value instanceof Instant i) return timestampMicros(Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000));
        if (value instanceof LocalDateTime l) return literal(l.toInstant(ZoneOffset.UTC));
        if (value instanceof Character c) return quote(c.toString());
        throw new SQLException("cannot send a parameter of type " + value.getClass().getName(), "22023");
    }

    /**
     * Replaces each {@code ?} outside string literals, quoted identifiers and comments with the
     * matching literal. The count must match exactly: a missing parameter is 07001, not NULL.
     */
    public static String substitute(String sql, List<String> literals) throws SQLException {
        StringBuilder out = new StringBuilder(sql.length() + 16 * literals.size());
        int next = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int end = skipQuotedOrComment(sql, i);
            if (end > i) {
                out.append(sql, i, end);
                i = end;
            } else if (c == '?') {
                if (next >= literals.size()) {
                    throw new SQLException("the statement has more parameters than the " + literals.size() + " given", "07001");
                }
                out.append(literals.get(next++));
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        if (next != literals.size()) {
            throw new SQLException("the statement has " + next + " parameters, " + literals.size() + " were given", "07001");
        }
        return out.toString();
    }

    /** The number of {@code ?} placeholders outside quotes and comments. */
    public static int countParameters(String sql) {
        int count = 0;
        int i = 0;
        while (i < sql.length()) {
            int end = skipQuotedOrComment(sql, i);
            if (end > i) {
                i = end;
            } else {
                if (sql.charAt(i) == '?') count++;
                i++;
            }
        }
        return count;
    }

    /**
     * If a string literal, quoted identifier or comment starts at {@code i}, the index after it
     * (the end of the text if it is unterminated); else {@code i}. Shared with the shell, which
     * cuts statements at the {@code ;} outside these.
     */
    public static int skipQuotedOrComment(String sql, int i) {
        int n = sql.length();
        char c = sql.charAt(i);
        if (c == '\'' || c == '"') {
            int j = i + 1;
            while (j < n) {
                if (sql.charAt(j) == c) {
                    if (j + 1 < n && sql.charAt(j + 1) == c) {
                        j += 2;
                        continue;
                    }
                    return j + 1;
                }
                j++;
            }
            return n; // unterminated: the server reports the syntax error
        }
        if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
            int nl = sql.indexOf('\n', i);
            return nl < 0 ? n : nl + 1;
        }
        if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
            int close = sql.indexOf("*/", i + 2);
            return close < 0 ? n : close + 2;
        }
        return i;
    }
}
