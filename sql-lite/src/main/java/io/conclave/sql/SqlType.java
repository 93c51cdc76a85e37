package io.conclave.sql;

/**
 * A SQL column or expression type: a family plus, for VARCHAR(n), the maximum length in
 * characters ({@code width}, 0 when unbounded) and, for DECIMAL(p,s), precision and scale (0 when
 * unconstrained).
 */
public record SqlType(Family family, int width, int precision, int scale) {
    /** The type families. UNKNOWN is the type of a bare NULL or an untyped string literal. */
    public enum Family { INT, FLOAT, DECIMAL, STRING, BOOL, BYTES, TIMESTAMP, UNKNOWN }

    public static final SqlType INT = new SqlType(Family.INT, 0, 0, 0);
    public static final SqlType FLOAT = new SqlType(Family.FLOAT, 0, 0, 0);
    public static final SqlType DECIMAL = new SqlType(Family.DECIMAL, 0, 0, 0);
    public static final SqlType STRING = new SqlType(Family.STRING, 0, 0, 0);
    public static final SqlType BOOL = new SqlType(Family.BOOL, 0, 0, 0);
    public static final SqlType BYTES = new SqlType(Family.BYTES, 0, 0, 0);
    public static final SqlType TIMESTAMP = new SqlType(Family.TIMESTAMP, 0, 0, 0);
    public static final SqlType UNKNOWN = new SqlType(Family.UNKNOWN, 0, 0, 0);

    public SqlType {
        if (family == null || width < 0 || precision < 0 || scale < 0 || (precision > 0 && scale > precision)) {
            throw new IllegalArgumentException("invalid type " + family + " width " + width
                    + " precision " + precision + " scale " + scale);
        }
    }

    public static SqlType varchar(int width) {
        return new SqlType(Family.STRING, width, 0, 0);
    }

    public static SqlType decimal(int precision, int scale) {
        return new SqlType(Family.DECIMAL, 0, precision, scale);
    }

    public static SqlType of(Family family) {
        return switch (family) {
            case INT -> INT;
            case FLOAT -> FLOAT;
            case DECIMAL -> DECIMAL;
            case STRING -> STRING;
            case BOOL -> BOOL;
            case BYTES -> BYTES;
            case TIMESTAMP -> TIMESTAMP;
            case UNKNOWN -> UNKNOWN;
        };
    }

    public boolean isNumeric() {
        return family == Family.INT || family == Family.FLOAT || family == Family.DECIMAL;
    }

    /** The SQL spelling, as SHOW CREATE TABLE prints it. */
    public String sqlName() {
        return switch (family) {
            case INT -> "INT8";
            case FLOAT -> "FLOAT8";
            case DECIMAL -> precision > 0 ? "DECIMAL(" + precision + "," + scale + ")" : "DECIMAL";
            case STRING -> width > 0 ? "VARCHAR(" + width + ")" : "STRING";
            case BOOL -> "BOOL";
            case BYTES -> "BYTES";
            case TIMESTAMP -> "TIMESTAMP";
            case UNKNOWN -> "UNKNOWN";
        };
    }

    @Override
    public String toString() {
        return sqlName();
    }
}
