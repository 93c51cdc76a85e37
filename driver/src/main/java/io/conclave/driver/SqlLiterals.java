package io.conclave.driver;

import com.google.protobuf.ByteString;
import io.conclave.driver.proto.SqlValue;
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
 * SQL literals and the wire form of parameters. A prepared statement sends its values apart from
 * the text ({@link #value}); the server turns them into literals ({@link #inline}) only
 * where a statement cannot bind them. Correctness here is a security property:
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
        return inline(value(value));
    }

    /**
     * The wire form of a JDBC parameter value (null is SQL NULL), for the types {@link
     * #literal(Object)} accepts; the server binds it to the statement's placeholder with the type
     * the literal would have had: integers (and decimals without a fraction that fit 64 bits) as
     * INT, other decimals as DECIMAL, doubles as FLOAT, strings untyped.
     */
    public static SqlValue value(Object value) throws SQLException {
        SqlValue.Builder b = SqlValue.newBuilder();
        if (value == null) return b.setNull(true).build();
        if (value instanceof String s) return b.setStringValue(checkText(s)).build();
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return b.setIntValue(((Number) value).longValue()).build();
        }
        if (value instanceof java.math.BigInteger i) return integer(b, i.toString());
        if (value instanceof BigDecimal d) {
            String text = d.toPlainString();
            return text.indexOf('.') < 0 ? integer(b, text) : b.setDecimalValue(text).build();
        }
        if (value instanceof Double d) return b.setFloatValue(d).build();
        if (value instanceof Float f) return b.setFloatValue(Double.parseDouble(Float.toString(f))).build();
        if (value instanceof Boolean x) return b.setBoolValue(x).build();
        if (value instanceof byte[] x) return b.setBytesValue(ByteString.copyFrom(x)).build();
        if (value instanceof Timestamp t) {
            return b.setTimestampMicros(Math.addExact(Math.multiplyExact(Math.floorDiv(t.getTime(), 1000L), 1_000_000L),
                    t.getNanos() / 1000)).build();
        }
        if (value instanceof Instant i) {
            return b.setTimestampMicros(Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000)).build();
        }
        if (value instanceof LocalDateTime l) return value(l.toInstant(ZoneOffset.UTC));
        if (value instanceof Character c) return b.setStringValue(checkText(c.toString())).build();
        throw new SQLException("cannot send a parameter of type " + value.getClass().getName(), "22023");
    }

    /** Digits as INT when they fit 64 bits (as the grammar reads them), else as DECIMAL. */
    private static SqlValue integer(SqlValue.Builder b, String digits) {
        try {
            return b.setIntValue(Long.parseLong(digits)).build();
        } catch (NumberFormatException tooLarge) {
            return b.setDecimalValue(digits).build();
        }
    }

    private static String checkText(String s) throws SQLException {
        if (s.indexOf('\0') >= 0) throw new SQLException("a SQL string cannot contain the NUL character", "22021");
        return s;
    }

    /** The literal for a parameter in its wire form (what the server inlines where it cannot bind one). */
    public static String inline(SqlValue v) {
        return switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> "NULL";
            case STRING_VALUE -> quote(v.getStringValue());
            // Long.MIN_VALUE's digits alone do not fit a BIGINT literal.
            case INT_VALUE -> v.getIntValue() == Long.MIN_VALUE ? "(-9223372036854775807 - 1)" : number(Long.toString(v.getIntValue()));
            case DECIMAL_VALUE -> number(v.getDecimalValue());
            case FLOAT_VALUE -> doubleValue(v.getFloatValue());
            case BOOL_VALUE -> v.getBoolValue() ? "TRUE" : "FALSE";
            case BYTES_VALUE -> bytes(v.getBytesValue().toByteArray());
            case TIMESTAMP_MICROS -> timestampMicros(v.getTimestampMicros());
        };
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
