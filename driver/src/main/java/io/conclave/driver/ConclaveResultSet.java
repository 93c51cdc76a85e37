package io.conclave.driver;

import io.conclave.driver.proto.ColumnInfo;
import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.SqlValue;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A forward-only, read-only result set over a whole {@link Result}. Getters convert between
 * types as JDBC expects (any value to a string; numbers between numeric types, refusing values
 * that do not fit with 22003; strings that hold numbers to numbers, else 22018).
 */
final class ConclaveResultSet extends UnsupportedResultSet {
    private final ConclaveStatement statement;
    private final List<ColumnInfo> columns;
    private final List<io.conclave.driver.proto.Row> rows;
    private int row = -1;
    private boolean wasNull;
    private boolean closed;

    ConclaveResultSet(ConclaveStatement statement, Result result, int maxRows) {
        this.statement = statement;
        this.columns = result.getColumnsList();
        List<io.conclave.driver.proto.Row> all = result.getRowsList();
        this.rows = maxRows > 0 && all.size() > maxRows ? all.subList(0, maxRows) : all;
    }

    private void checkOpen() throws SQLException {
        if (closed) throw Errors.closed("result set");
    }

    private SqlValue value(int column) throws SQLException {
        checkOpen();
        if (row < 0 || row >= rows.size()) throw new SQLException("no current row (call next() first)", "24000");
        Errors.checkIndex("column", column, columns.size());
        SqlValue v = rows.get(row).getValues(column - 1);
        wasNull = v.getKindCase() == SqlValue.KindCase.NULL || v.getKindCase() == SqlValue.KindCase.KIND_NOT_SET;
        return v;
    }

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (row < rows.size()) row++;
        return row < rows.size();
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return wasNull;
    }

    @Override
    public int findColumn(String label) throws SQLException {
        checkOpen();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).getName().equalsIgnoreCase(label)) return i + 1;
        }
        throw new SQLException("no column named '" + label + "' in this result", "42703");
    }

    // ---- conversions ----

    static String text(SqlValue v) {
        return switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> null;
            case INT_VALUE -> Long.toString(v.getIntValue());
            case FLOAT_VALUE -> formatDouble(v.getFloatValue());
            case DECIMAL_VALUE -> v.getDecimalValue();
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue() ? "true" : "false";
            case BYTES_VALUE -> "\\x" + HexFormat.of().formatHex(v.getBytesValue().toByteArray());
            case TIMESTAMP_MICROS -> formatTimestamp(v.getTimestampMicros());
        };
    }

    static String formatDouble(double d) {
        if (Double.isNaN(d)) return "NaN";
        if (Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }

    static String formatTimestamp(long micros) {
        LocalDateTime t = LocalDateTime.ofInstant(
                Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000),
                ZoneOffset.UTC);
        String base = String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d", t.getYear(), t.getMonthValue(),
                t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        int frac = (int) Math.floorMod(micros, 1_000_000L);
        return frac == 0 ? base : base + "." + String.format(Locale.ROOT, "%06d", frac).replaceAll("0+$", "");
    }

    private BigDecimal decimal(SqlValue v, String wanted) throws SQLException {
        return switch (v.getKindCase()) {
            case INT_VALUE -> BigDecimal.valueOf(v.getIntValue());
            case FLOAT_VALUE -> {
                double d = v.getFloatValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) throw outOfRange(text(v), wanted);
                yield BigDecimal.valueOf(d);
            }
            case DECIMAL_VALUE -> new BigDecimal(v.getDecimalValue());
            case BOOL_VALUE -> v.getBoolValue() ? BigDecimal.ONE : BigDecimal.ZERO;
            case STRING_VALUE -> {
                try {
                    yield new BigDecimal(v.getStringValue().trim());
                } catch (NumberFormatException e) {
                    throw notA(v, "number (wanted " + wanted + ")");
                }
            }
            default -> throw cannotRead(v, wanted);
        };
    }

    private long integral(int column, long min, long max, String wanted) throws SQLException {
        SqlValue v = value(column);
        if (wasNull) return 0;
        if (v.getKindCase() == SqlValue.KindCase.INT_VALUE) {
            long x = v.getIntValue();
            if (x < min || x > max) throw outOfRange(Long.toString(x), wanted);
            return x;
        }
        BigDecimal d = decimal(v, wanted);
        try {
            long x = d.setScale(0, java.math.RoundingMode.DOWN).longValueExact();
            if (x < min || x > max) throw outOfRange(d.toPlainString(), wanted);
            return x;
        } catch (ArithmeticException e) {
            throw outOfRange(d.toPlainString(), wanted);
        }
    }

    private static SQLException outOfRange(String value, String wanted) {
        return new SQLException("value " + value + " is out of range for " + wanted, "22003");
    }

    /** A string value that does not parse as {@code what} (22018, invalid character value for cast). */
    private static SQLException notA(SqlValue v, String what) {
        return new SQLException("'" + v.getStringValue() + "' is not a " + what, "22018");
    }

    /** A value of a kind that has no conversion to {@code wanted} at all. */
    private static SQLException cannotRead(SqlValue v, String wanted) {
        return new SQLException("a " + v.getKindCase() + " value cannot be read as " + wanted, "22018");
    }

    // ---- getters by index ----

    @Override
    public String getString(int c) throws SQLException {
        return text(value(c));
    }

    @Override
    public String getNString(int c) throws SQLException {
        return getString(c);
    }

    @Override
    public boolean getBoolean(int c) throws SQLException {
        SqlValue v = value(c);
        return switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> false;
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue() != 0;
            case STRING_VALUE -> switch (v.getStringValue().trim().toLowerCase(Locale.ROOT)) {
                case "true", "t", "1", "yes", "on" -> true;
                case "false", "f", "0", "no", "off" -> false;
                default -> throw notA(v, "boolean");
            };
            default -> decimal(v, "boolean").signum() != 0;
        };
    }

    @Override
    public byte getByte(int c) throws SQLException {
        return (byte) integral(c, Byte.MIN_VALUE, Byte.MAX_VALUE, "byte");
    }

    @Override
    public short getShort(int c) throws SQLException {
        return (short) integral(c, Short.MIN_VALUE, Short.MAX_VALUE, "short");
    }

    @Override
    public int getInt(int c) throws SQLException {
        return (int) integral(c, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
    }

    @Override
    public long getLong(int c) throws SQLException {
        return integral(c, Long.MIN_VALUE, Long.MAX_VALUE, "long");
    }

    @Override
    public double getDouble(int c) throws SQLException {
        SqlValue v = value(c);
        if (wasNull) return 0;
        if (v.getKindCase() == SqlValue.KindCase.FLOAT_VALUE) return v.getFloatValue();
        if (v.getKindCase() == SqlValue.KindCase.STRING_VALUE) {
            try {
                return Double.parseDouble(v.getStringValue().trim());
            } catch (NumberFormatException e) {
                throw notA(v, "number (wanted double)");
            }
        }
        return decimal(v, "double").doubleValue();
    }

    @Override
    public float getFloat(int c) throws SQLException {
        return (float) getDouble(c);
    }

    @Override
    public BigDecimal getBigDecimal(int c) throws SQLException {
        SqlValue v = value(c);
        return wasNull ? null : decimal(v, "BigDecimal");
    }

    @Override
    public BigDecimal getBigDecimal(int c, int scale) throws SQLException {
        BigDecimal d = getBigDecimal(c);
        return d == null ? null : d.setScale(scale, java.math.RoundingMode.HALF_UP);
    }

    @Override
    public byte[] getBytes(int c) throws SQLException {
        SqlValue v = value(c);
        return switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> null;
            case BYTES_VALUE -> v.getBytesValue().toByteArray();
            case STRING_VALUE -> v.getStringValue().getBytes(StandardCharsets.UTF_8);
            default -> throw cannotRead(v, "bytes");
        };
    }

    @Override
    public Timestamp getTimestamp(int c) throws SQLException {
        SqlValue v = value(c);
        return switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> null;
            case TIMESTAMP_MICROS -> toTimestamp(v.getTimestampMicros());
            case STRING_VALUE -> {
                try {
                    yield Timestamp.valueOf(v.getStringValue().trim());
                } catch (IllegalArgumentException e) {
                    throw new SQLException("'" + v.getStringValue() + "' is not a timestamp", "22007");
                }
            }
            default -> throw cannotRead(v, "a timestamp");
        };
    }

    @Override
    public Timestamp getTimestamp(int c, java.util.Calendar calendar) throws SQLException {
        return getTimestamp(c);
    }

    /** A {@link Timestamp} for the instant (Conclave timestamps are UTC). */
    static Timestamp toTimestamp(long micros) {
        Timestamp t = new Timestamp(Math.floorDiv(micros, 1000L));
        t.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
        return t;
    }

    @Override
    public Object getObject(int c) throws SQLException {
        SqlValue v = value(c);
        return switch (v.getKindCase()) {
            case NULL, KIND_NOT_SET -> null;
            case INT_VALUE -> v.getIntValue();
            case FLOAT_VALUE -> v.getFloatValue();
            case DECIMAL_VALUE -> new BigDecimal(v.getDecimalValue());
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case BYTES_VALUE -> v.getBytesValue().toByteArray();
            case TIMESTAMP_MICROS -> toTimestamp(v.getTimestampMicros());
        };
    }

    @Override
    public <T> T getObject(int c, Class<T> type) throws SQLException {
        Object o;
        if (type == String.class) o = getString(c);
        else if (type == Long.class) o = getLong(c);
        else if (type == Integer.class) o = getInt(c);
        else if (type == Short.class) o = getShort(c);
        else if (type == Byte.class) o = getByte(c);
        else if (type == Double.class) o = getDouble(c);
        else if (type == Float.class) o = getFloat(c);
        else if (type == BigDecimal.class) o = getBigDecimal(c);
        else if (type == Boolean.class) o = getBoolean(c);
        else if (type == byte[].class) o = getBytes(c);
        else if (type == Timestamp.class) o = getTimestamp(c);
        else if (type == Instant.class) {
            Timestamp t = getTimestamp(c);
            o = t == null ? null : t.toInstant();
        } else if (type == LocalDateTime.class) {
            Timestamp t = getTimestamp(c);
            o = t == null ? null : LocalDateTime.ofInstant(t.toInstant(), ZoneOffset.UTC);
        } else if (type == Object.class) o = getObject(c);
        else throw Errors.notSupported("getObject as " + type.getName());
        return wasNull ? null : type.cast(o);
    }

    // ---- getters by label ----

    @Override
    public String getString(String l) throws SQLException {
        return getString(findColumn(l));
    }

    @Override
    public String getNString(String l) throws SQLException {
        return getString(findColumn(l));
    }

    @Override
    public boolean getBoolean(String l) throws SQLException {
        return getBoolean(findColumn(l));
    }

    @Override
    public byte getByte(String l) throws SQLException {
        return getByte(findColumn(l));
    }

    @Override
    public short getShort(String l) throws SQLException {
        return getShort(findColumn(l));
    }

    @Override
    public int getInt(String l) throws SQLException {
        return getInt(findColumn(l));
    }

    @Override
    public long getLong(String l) throws SQLException {
        return getLong(findColumn(l));
    }

    @Override
    public float getFloat(String l) throws SQLException {
        return getFloat(findColumn(l));
    }

    @Override
    public double getDouble(String l) throws SQLException {
        return getDouble(findColumn(l));
    }

    @Override
    public BigDecimal getBigDecimal(String l) throws SQLException {
        return getBigDecimal(findColumn(l));
    }

    @Override
    public BigDecimal getBigDecimal(String l, int scale) throws SQLException {
        return getBigDecimal(findColumn(l), scale);
    }

    @Override
    public byte[] getBytes(String l) throws SQLException {
        return getBytes(findColumn(l));
    }

    @Override
    public Timestamp getTimestamp(String l) throws SQLException {
        return getTimestamp(findColumn(l));
    }

    @Override
    public Timestamp getTimestamp(String l, java.util.Calendar calendar) throws SQLException {
        return getTimestamp(findColumn(l));
    }

    @Override
    public Object getObject(String l) throws SQLException {
        return getObject(findColumn(l));
    }

    @Override
    public <T> T getObject(String l, Class<T> type) throws SQLException {
        return getObject(findColumn(l), type);
    }

    // ---- cursor and housekeeping ----

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return new ConclaveResultSetMetaData(columns);
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        return row < 0 && !rows.isEmpty();
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return row >= rows.size() && !rows.isEmpty();
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return row == 0 && !rows.isEmpty();
    }

    @Override
    public boolean isLast() throws SQLException {
        checkOpen();
        return !rows.isEmpty() && row == rows.size() - 1;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return row >= 0 && row < rows.size() ? row + 1 : 0;
    }

    @Override
    public int getType() {
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() {
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() {
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public int getFetchDirection() {
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        if (direction != FETCH_FORWARD) throw Errors.notSupported("fetch directions other than forward");
    }

    @Override
    public int getFetchSize() {
        return 0;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        if (rows < 0) throw Errors.invalid("fetch size must be >= 0");
    }

    @Override
    public Statement getStatement() {
        return statement;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {}

    @Override
    public void close() throws SQLException {
        if (closed) return;
        closed = true;
        if (statement != null) statement.resultSetClosed();
    }

    void closeQuietly() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }
}
