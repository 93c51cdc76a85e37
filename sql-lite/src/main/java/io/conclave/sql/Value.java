package io.conclave.sql;

import io.conclave.sql.SqlType.Family;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One SQL value: NULL or a non-null value of one type family. Immutable.
 *
 * <p>Payloads: INT is a {@code long}, FLOAT a {@code double} (-0.0 is stored as 0.0 so equal
 * values have one key encoding), DECIMAL a {@link BigDecimal}, STRING a {@link String}, BOOL a
 * {@code boolean}, BYTES a copied {@code byte[]}, TIMESTAMP microseconds since the Unix epoch in
 * UTC (no time zones).
 *
 * <p>{@link #equals} is SQL's "not distinct from" within a family (NULL equals NULL, 1.0 equals
 * 1.00), which is what DISTINCT, GROUP BY and result comparison need; SQL's three-valued
 * {@code =} is the executor's business.
 */
public final class Value implements Comparable<Value> {
    public static final Value NULL = new Value(Family.UNKNOWN, null);
    public static final Value TRUE = new Value(Family.BOOL, Boolean.TRUE);
    public static final Value FALSE = new Value(Family.BOOL, Boolean.FALSE);

    private static final DateTimeFormatter TIMESTAMP_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Family family;
    private final Object payload;

    private Value(Family family, Object payload) {
        this.family = family;
        this.payload = payload;
    }

    public static Value ofInt(long v) {
        return new Value(Family.INT, v);
    }

    public static Value ofFloat(double v) {
        return new Value(Family.FLOAT, v == 0.0 ? 0.0 : v);
    }

    public static Value ofDecimal(BigDecimal v) {
        return new Value(Family.DECIMAL, Objects.requireNonNull(v, "decimal"));
    }

    public static Value ofString(String v) {
        return new Value(Family.STRING, Objects.requireNonNull(v, "string"));
    }

    public static Value ofBool(boolean v) {
        return v ? TRUE : FALSE;
    }

    public static Value ofBytes(byte[] v) {
        return new Value(Family.BYTES, Objects.requireNonNull(v, "bytes").clone());
    }

    public static Value ofTimestampMicros(long microsSinceEpoch) {
        return new Value(Family.TIMESTAMP, microsSinceEpoch);
    }

    /** The family of a non-null value; UNKNOWN for NULL. */
    public Family family() {
        return family;
    }

    public boolean isNull() {
        return payload == null;
    }

    public long asLong() {
        return (Long) require(Family.INT, Family.TIMESTAMP);
    }

    public double asDouble() {
        return switch (family) {
            case FLOAT -> (Double) payload;
            case INT -> (double) (Long) payload;
            case DECIMAL -> ((BigDecimal) payload).doubleValue();
            default -> throw wrongFamily("FLOAT");
        };
    }

    public BigDecimal asDecimal() {
        return switch (family) {
            case DECIMAL -> (BigDecimal) payload;
            case INT -> BigDecimal.valueOf((Long) payload);
            case FLOAT -> BigDecimal.valueOf((Double) payload);
            default -> throw wrongFamily("DECIMAL");
        };
    }

    public String asString() {
        return (String) require(Family.STRING, Family.STRING);
    }

    public boolean asBool() {
        return (Boolean) require(Family.BOOL, Family.BOOL);
    }

    public byte[] asBytes() {
        return ((byte[]) require(Family.BYTES, Family.BYTES)).clone();
    }

    public long asTimestampMicros() {
        return (Long) require(Family.TIMESTAMP, Family.TIMESTAMP);
    }

    private Object require(Family a, Family b) {
        if (payload == null || (family != a && family != b)) {
            throw wrongFamily(a.name());
        }
        return payload;
    }

    private IllegalStateException wrongFamily(String wanted) {
        return new IllegalStateException("value " + this + " of type " + family + " is not " + wanted);
    }

    /**
     * Orders two values of the same family (numeric families compare with each other); NULL sorts
     * first. Comparing other mixed families is a programming error.
     */
    @Override
    public int compareTo(Value other) {
        if (payload == null || other.payload == null) {
            return Boolean.compare(payload != null, other.payload != null);
        }
        if (family == other.family) {
            return switch (family) {
                case INT, TIMESTAMP -> Long.compare((Long) payload, (Long) other.payload);
                case FLOAT -> Double.compare((Double) payload, (Double) other.payload);
                case DECIMAL -> ((BigDecimal) payload).compareTo((BigDecimal) other.payload);
                case STRING -> compareCodePoints((String) payload, (String) other.payload);
                case BOOL -> Boolean.compare((Boolean) payload, (Boolean) other.payload);
                case BYTES -> Arrays.compareUnsigned((byte[]) payload, (byte[]) other.payload);
                case UNKNOWN -> 0;
            };
        }
        if (isNumericFamily(family) && isNumericFamily(other.family)) {
            if (family == Family.FLOAT || other.family == Family.FLOAT) {
                return Double.compare(asDouble(), other.asDouble());
            }
            return asDecimal().compareTo(other.asDecimal());
        }
        throw new IllegalStateException("cannot compare " + family + " with " + other.family);
    }

    /** Code point order, which is UTF-8 byte order and so the key encoding's order. */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static boolean isNumericFamily(Family f) {
        return f == Family.INT || f == Family.FLOAT || f == Family.DECIMAL;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Value other)) {
            return false;
        }
        if (payload == null || other.payload == null) {
            return payload == other.payload;
        }
        if (family != other.family) {
            return false;
        }
        return compareTo(other) == 0;
    }

    @Override
    public int hashCode() {
        if (payload == null) {
            return 0;
        }
        return switch (family) {
            case DECIMAL -> ((BigDecimal) payload).signum() == 0 ? 0
                    : ((BigDecimal) payload).stripTrailingZeros().hashCode();
            case BYTES -> Arrays.hashCode((byte[]) payload);
            default -> payload.hashCode();
        } * 31 + family.ordinal();
    }

    /** The text form a client shows: PostgreSQL's output format; NULL is {@code NULL}. */
    @Override
    public String toString() {
        if (payload == null) {
            return "NULL";
        }
        return switch (family) {
            case INT, STRING -> payload.toString();
            case FLOAT -> formatFloat((Double) payload);
            case DECIMAL -> ((BigDecimal) payload).toPlainString();
            case BOOL -> (Boolean) payload ? "true" : "false";
            case BYTES -> "\\x" + HexFormat.of().formatHex((byte[]) payload);
            case TIMESTAMP -> formatTimestamp((Long) payload);
            case UNKNOWN -> "NULL";
        };
    }

    static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    /** {@code yyyy-MM-dd HH:mm:ss[.ffffff]} in UTC, trailing zeros of the fraction dropped. */
    public static String formatTimestamp(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int microsOfSecond = (int) Math.floorMod(micros, 1_000_000L);
        LocalDateTime time = LocalDateTime.ofInstant(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
        String text = TIMESTAMP_FORMAT.format(time);
        if (microsOfSecond == 0) {
            return text;
        }
        String fraction = String.format("%06d", microsOfSecond).replaceAll("0+$", "");
        return text + "." + fraction;
    }
}
