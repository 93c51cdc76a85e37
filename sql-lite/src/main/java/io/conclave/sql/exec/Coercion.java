package io.conclave.sql.exec;

import io.conclave.sql.SqlException;
import io.conclave.sql.SqlState;
import io.conclave.sql.SqlType;
import io.conclave.sql.SqlType.Family;
import io.conclave.sql.Value;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.HexFormat;
import java.util.Locale;

/** Casts between SQL types, with PostgreSQL's error codes. Pure functions. */
final class Coercion {
    private static final DateTimeFormatter TIMESTAMP_INPUT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true).optionalEnd()
            .optionalEnd()
            .toFormatter(Locale.ROOT);

    private Coercion() {}

    /** Whether an explicit CAST from {@code from} to {@code to} exists. */
    static boolean canCast(Family from, Family to) {
        if (from == to || from == Family.UNKNOWN || from == Family.STRING || to == Family.STRING) {
            return true;
        }
        boolean numericFrom = from == Family.INT || from == Family.FLOAT || from == Family.DECIMAL;
        boolean numericTo = to == Family.INT || to == Family.FLOAT || to == Family.DECIMAL;
        if (numericFrom && numericTo) {
            return true;
        }
        return (from == Family.INT && to == Family.BOOL) || (from == Family.BOOL && to == Family.INT);
    }

    /** Whether a value of {@code from} may be stored in a column of {@code to} without a CAST. */
    static boolean canAssign(Family from, Family to) {
        if (from == to || from == Family.UNKNOWN) {
            return true;
        }
        boolean numericFrom = from == Family.INT || from == Family.FLOAT || from == Family.DECIMAL;
        boolean numericTo = to == Family.INT || to == Family.FLOAT || to == Family.DECIMAL;
        return numericFrom && numericTo;
    }

    /** An explicit cast (CAST, ::, untyped literals). VARCHAR(n) truncates, as in PostgreSQL. */
    static Value cast(Value v, SqlType to) {
        if (v.isNull()) {
            return Value.NULL;
        }
        Value out = switch (to.family()) {
            case INT -> toInt(v);
            case FLOAT -> toFloat(v);
            case DECIMAL -> toDecimal(v);
            case STRING -> Value.ofString(v.family() == Family.STRING ? v.asString() : v.toString());
            case BOOL -> toBool(v);
            case BYTES -> toBytes(v);
            case TIMESTAMP -> toTimestamp(v);
            case UNKNOWN -> v;
        };
        if (to.family() == Family.STRING && to.width() > 0) {
            String s = out.asString();
            if (s.codePointCount(0, s.length()) > to.width()) {
                out = Value.ofString(s.substring(0, s.offsetByCodePoints(0, to.width())));
            }
        }
        if (to.family() == Family.DECIMAL) {
            out = fitDecimal(out, to, null);
        }
        return out;
    }

    /**
     * A value being stored in a column: numeric families convert, an untyped literal is parsed,
     * VARCHAR(n) refuses a longer string (22001) and DECIMAL(p,s) rounds to s and refuses a value
     * with too many digits (22003).
     */
    static Value assign(Value v, SqlType to, String columnName) {
        if (v.isNull()) {
            return Value.NULL;
        }
        if (!canAssign(v.family(), to.family())) {
            throw new SqlException(SqlState.DATATYPE_MISMATCH, "value type " + SqlType.of(v.family())
                    + " doesn't match type " + to + " of column \"" + columnName + "\"");
        }
        Value out = v.family() == to.family() ? v : cast(v, SqlType.of(to.family()));
        if (to.family() == Family.STRING && to.width() > 0) {
            String s = out.asString();
            if (s.codePointCount(0, s.length()) > to.width()) {
                throw new SqlException(SqlState.STRING_DATA_RIGHT_TRUNCATION, "value too long for type "
                        + to + " of column \"" + columnName + "\"");
            }
        }
        if (to.family() == Family.DECIMAL) {
            out = fitDecimal(out, to, columnName);
        }
        return out;
    }

    private static Value fitDecimal(Value v, SqlType to, String columnName) {
        if (to.precision() == 0) {
            return v;
        }
        BigDecimal d = v.asDecimal().setScale(to.scale(), RoundingMode.HALF_UP);
        if (d.precision() - d.scale() > to.precision() - to.scale()) {
            throw new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value " + v + " overflows "
                    + to + (columnName == null ? "" : " of column \"" + columnName + "\""));
        }
        return Value.ofDecimal(d);
    }

    private static Value toInt(Value v) {
        switch (v.family()) {
            case INT:
                return v;
            case FLOAT: {
                double d = Math.rint(v.asDouble());
                if (Double.isNaN(d) || d < -9.223372036854775808E18 || d >= 9.223372036854775808E18) {
                    throw outOfRange("INT8", v);
                }
                return Value.ofInt((long) d);
            }
            case DECIMAL:
                try {
                    return Value.ofInt(v.asDecimal().setScale(0, RoundingMode.HALF_UP).longValueExact());
                } catch (ArithmeticException e) {
                    throw outOfRange("INT8", v);
                }
            case BOOL:
                return Value.ofInt(v.asBool() ? 1 : 0);
            case STRING: {
                String s = v.asString().strip();
                try {
                    return Value.ofInt(Long.parseLong(s));
                } catch (NumberFormatException e) {
                    if (s.matches("[+-]?[0-9]+")) {
                        throw outOfRange("INT8", v);
                    }
                    throw badText("INT8", s);
                }
            }
            default:
                throw cannotCast(v, "INT8");
        }
    }

    private static Value toFloat(Value v) {
        switch (v.family()) {
            case FLOAT:
                return v;
            case INT:
            case DECIMAL:
                return Value.ofFloat(v.asDouble());
            case STRING: {
                String s = v.asString().strip();
                switch (s.toLowerCase(Locale.ROOT)) {
                    case "nan": return Value.ofFloat(Double.NaN);
                    case "infinity": case "inf": case "+infinity": return Value.ofFloat(Double.POSITIVE_INFINITY);
                    case "-infinity": case "-inf": return Value.ofFloat(Double.NEGATIVE_INFINITY);
                    default:
                }
                try {
                    if (!s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                        throw new NumberFormatException();
                    }
                    return Value.ofFloat(Double.parseDouble(s));
                } catch (NumberFormatException e) {
                    throw badText("FLOAT8", s);
                }
            }
            default:
                throw cannotCast(v, "FLOAT8");
        }
    }

    private static Value toDecimal(Value v) {
        switch (v.family()) {
            case DECIMAL:
                return v;
            case INT:
                return Value.ofDecimal(BigDecimal.valueOf(v.asLong()));
            case FLOAT: {
                double d = v.asDouble();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new SqlException(SqlState.INVALID_TEXT_REPRESENTATION,
                            "cannot convert " + v + " to DECIMAL");
                }
                return Value.ofDecimal(BigDecimal.valueOf(d));
            }
            case STRING: {
                String s = v.asString().strip();
                try {
                    if (!s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
                        throw new NumberFormatException();
                    }
                    return Value.ofDecimal(new BigDecimal(s));
                } catch (NumberFormatException | ArithmeticException e) {
                    throw badText("DECIMAL", s);
                }
            }
            default:
                throw cannotCast(v, "DECIMAL");
        }
    }

    private static Value toBool(Value v) {
        switch (v.family()) {
            case BOOL:
                return v;
            case INT:
                return Value.ofBool(v.asLong() != 0);
            case STRING:
                switch (v.asString().strip().toLowerCase(Locale.ROOT)) {
                    case "t": case "true": case "yes": case "y": case "on": case "1":
                        return Value.TRUE;
                    case "f": case "false": case "no": case "n": case "off": case "0":
                        return Value.FALSE;
                    default:
                        throw badText("BOOL", v.asString());
                }
            default:
                throw cannotCast(v, "BOOL");
        }
    }

    private static Value toBytes(Value v) {
        switch (v.family()) {
            case BYTES:
                return v;
            case STRING: {
                String s = v.asString();
                if (s.startsWith("\\x")) {
                    try {
                        return Value.ofBytes(HexFormat.of().parseHex(s.substring(2)));
                    } catch (IllegalArgumentException e) {
                        throw badText("BYTES", s);
                    }
                }
                return Value.ofBytes(s.getBytes(StandardCharsets.UTF_8));
            }
            default:
                throw cannotCast(v, "BYTES");
        }
    }

    private static Value toTimestamp(Value v) {
        switch (v.family()) {
            case TIMESTAMP:
                return v;
            case STRING: {
                String s = v.asString().strip();
                try {
                    var parsed = TIMESTAMP_INPUT.parseBest(s, LocalDateTime::from, LocalDate::from);
                    LocalDateTime time = parsed instanceof LocalDate date ? date.atStartOfDay() : (LocalDateTime) parsed;
                    long seconds = time.toEpochSecond(ZoneOffset.UTC);
                    return Value.ofTimestampMicros(Math.addExact(Math.multiplyExact(seconds, 1_000_000L),
                            time.getNano() / 1000));
                } catch (DateTimeParseException | ArithmeticException e) {
                    throw badText("TIMESTAMP", s);
                }
            }
            default:
                throw cannotCast(v, "TIMESTAMP");
        }
    }

    static SqlException outOfRange(String type, Value v) {
        return new SqlException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE, "value " + v + " is out of range for type " + type);
    }

    private static SqlException badText(String type, String text) {
        return new SqlException(SqlState.INVALID_TEXT_REPRESENTATION,
                "invalid input syntax for type " + type + ": \"" + text + "\"");
    }

    private static SqlException cannotCast(Value v, String type) {
        return new SqlException(SqlState.DATATYPE_MISMATCH,
                "cannot cast " + SqlType.of(v.family()) + " to " + type);
    }
}
