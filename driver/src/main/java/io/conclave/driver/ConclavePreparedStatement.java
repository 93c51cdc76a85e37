package io.conclave.driver;

import io.conclave.driver.proto.SqlValue;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

/**
 * A prepared statement with its parameters sent beside the text: the text, {@code ?} placeholders
 * and all, is the same at every execution (the server parses it once per session), and the values
 * travel in their wire form ({@link SqlLiterals#value}), so a parameter can never change the
 * statement's shape. Where a statement cannot bind parameters the server inlines them as literals.
 */
final class ConclavePreparedStatement extends UnsupportedPreparedStatement {
    private final String sql;
    /** The values set so far; null where a parameter is not set. */
    private final SqlValue[] parameters;

    ConclavePreparedStatement(ConclaveConnection connection, String sql) {
        super(connection);
        this.sql = sql;
        this.parameters = new SqlValue[SqlLiterals.countParameters(sql)];
    }

    private List<SqlValue> bound() throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == null) throw new SQLException("parameter " + (i + 1) + " is not set", "07001");
        }
        return List.of(parameters);
    }

    private void set(int index, Object value) throws SQLException {
        checkOpen();
        Errors.checkIndex("parameter", index, parameters.length);
        parameters[index - 1] = SqlLiterals.value(value);
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return executeQuery(sql, bound());
    }

    @Override
    public int executeUpdate() throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, executeLargeUpdate(sql, bound()));
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return executeLargeUpdate(sql, bound());
    }

    @Override
    public boolean execute() throws SQLException {
        return run(sql, bound());
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        addToBatch(sql, bound());
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        Arrays.fill(parameters, null);
    }

    /** Only known once the statement ran: the server does not describe unexecuted statements. */
    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        ResultSet rs = getResultSet();
        return rs == null ? null : rs.getMetaData();
    }

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        set(i, null);
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        set(i, null);
    }

    @Override
    public void setBoolean(int i, boolean x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setByte(int i, byte x) throws SQLException {
        set(i, (long) x);
    }

    @Override
    public void setShort(int i, short x) throws SQLException {
        set(i, (long) x);
    }

    @Override
    public void setInt(int i, int x) throws SQLException {
        set(i, (long) x);
    }

    @Override
    public void setLong(int i, long x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setFloat(int i, float x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setDouble(int i, double x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setBigDecimal(int i, BigDecimal x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setNString(int i, String x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setTimestamp(int i, Timestamp x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setTimestamp(int i, Timestamp x, java.util.Calendar calendar) throws SQLException {
        set(i, x);
    }

    @Override
    public void setObject(int i, Object x) throws SQLException {
        set(i, x); // an unsupported type is refused here, not at execute
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        if (x == null || targetSqlType == Types.NULL) {
            set(i, null);
            return;
        }
        setObject(i, x);
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        setObject(i, x, targetSqlType);
    }
}
