package io.conclave.driver;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A prepared statement with client-side parameters: each {@code ?} (outside quotes and comments)
 * is replaced by a literal from {@link SqlLiterals} before the text is sent, so the server sees
 * complete SQL and a parameter can never change the statement's shape.
 */
final class ConclavePreparedStatement extends UnsupportedPreparedStatement {
    private static final Object UNSET = new Object();

    private final String sql;
    private final Object[] parameters;

    ConclavePreparedStatement(ConclaveConnection connection, String sql) {
        super(connection);
        this.sql = sql;
        this.parameters = new Object[SqlLiterals.countParameters(sql)];
        Arrays.fill(parameters, UNSET);
    }

    private String bound() throws SQLException {
        List<String> literals = new ArrayList<>(parameters.length);
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == UNSET) throw new SQLException("parameter " + (i + 1) + " is not set", "07001");
            literals.add(SqlLiterals.literal(parameters[i]));
        }
        return SqlLiterals.substitute(sql, literals);
    }

    private void set(int index, Object value) throws SQLException {
        checkOpen();
        Errors.checkIndex("parameter", index, parameters.length);
        parameters[index - 1] = value;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return executeQuery(bound());
    }

    @Override
    public int executeUpdate() throws SQLException {
        return executeUpdate(bound());
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return executeLargeUpdate(bound());
    }

    @Override
    public boolean execute() throws SQLException {
        return execute(bound());
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        addToBatch(bound());
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        Arrays.fill(parameters, UNSET);
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
        set(i, x == null ? null : x.clone());
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
        SqlLiterals.literal(x); // refuse an unsupported type now, not at execute
        set(i, x instanceof byte[] b ? b.clone() : x);
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
