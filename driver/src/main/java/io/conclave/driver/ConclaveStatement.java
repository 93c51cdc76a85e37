package io.conclave.driver;

import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.SqlValue;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A JDBC statement: one SQL text per call, results read whole into a forward-only result set. */
class ConclaveStatement extends UnsupportedStatement {
    /** Statements a batch may hold before executeBatch: each is a round trip, so keep batches bounded. */
    static final int MAX_BATCH_STATEMENTS = 10_000;

    final ConclaveConnection connection;
    private final List<Batched> batch = new ArrayList<>();
    private ConclaveResultSet current;
    private long updateCount = -1;
    private int maxRows;
    private int fetchSize;
    private int queryTimeoutSeconds;
    private boolean closed;
    private boolean closeOnCompletion;

    ConclaveStatement(ConclaveConnection connection) {
        this.connection = connection;
    }

    void checkOpen() throws SQLException {
        if (closed) throw Errors.closed("statement");
        if (connection.isClosed()) throw Errors.closed("connection");
    }

    /** A statement of a batch: its text and the values of its placeholders. */
    record Batched(String sql, List<SqlValue> parameters) {}

    /** Runs {@code sql}; true when it produced rows. */
    boolean run(String sql) throws SQLException {
        return run(sql, List.of());
    }

    /** As above with the values of the text's {@code ?} placeholders. */
    boolean run(String sql, List<SqlValue> parameters) throws SQLException {
        checkOpen();
        closeCurrent();
        Result r = connection.execute(sql, parameters, queryTimeoutSeconds);
        if (r.getColumnsCount() > 0) {
            current = new ConclaveResultSet(this, r, maxRows);
            updateCount = -1;
            return true;
        }
        updateCount = r.getRowCount();
        return false;
    }

    private void closeCurrent() {
        if (current != null) current.closeQuietly();
        current = null;
        updateCount = -1;
    }

    void resultSetClosed() throws SQLException {
        if (closeOnCompletion) close();
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return run(sql);
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return executeQuery(sql, List.of());
    }

    ResultSet executeQuery(String sql, List<SqlValue> parameters) throws SQLException {
        if (!run(sql, parameters)) throw new SQLException("the statement returned no rows (use executeUpdate): " + sql, "02000");
        return current;
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, executeLargeUpdate(sql));
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        return executeLargeUpdate(sql, List.of());
    }

    long executeLargeUpdate(String sql, List<SqlValue> parameters) throws SQLException {
        if (run(sql, parameters)) {
            closeCurrent();
            throw new SQLException("the statement returned rows (use executeQuery): " + sql, "0100E");
        }
        return updateCount;
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return current;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        return (int) Math.min(Integer.MAX_VALUE, updateCount);
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        return updateCount;
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        checkOpen();
        closeCurrent();
        return false;
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        return getMoreResults();
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        addToBatch(sql, List.of());
    }

    void addToBatch(String sql, List<SqlValue> parameters) throws SQLException {
        if (batch.size() >= MAX_BATCH_STATEMENTS) {
            throw new SQLException("a batch holds at most " + MAX_BATCH_STATEMENTS + " statements", "54000");
        }
        batch.add(new Batched(sql, parameters));
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        batch.clear();
    }

    /** Runs the batch in order, each statement as the connection's mode decides; stops at the first error. */
    @Override
    public int[] executeBatch() throws SQLException {
        checkOpen();
        List<Batched> statements = List.copyOf(batch);
        batch.clear();
        int[] counts = new int[statements.size()];
        for (int i = 0; i < statements.size(); i++) {
            try {
                Batched b = statements.get(i);
                counts[i] = (int) Math.min(Integer.MAX_VALUE, executeLargeUpdate(b.sql(), b.parameters()));
            } catch (SQLException e) {
                int[] done = java.util.Arrays.copyOf(counts, i);
                throw new java.sql.BatchUpdateException(e.getMessage(), e.getSQLState(), e.getErrorCode(), done, e);
            }
        }
        return counts;
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void close() {
        if (closed) return;
        closeCurrent();
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        checkOpen();
        if (max < 0) throw Errors.invalid("max rows must be >= 0");
        maxRows = max;
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        setMaxRows((int) Math.min(Integer.MAX_VALUE, max));
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        return getMaxRows();
    }

    /** A hint: results arrive whole. */
    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) throw Errors.invalid("fetch size must be >= 0");
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        if (direction != ResultSet.FETCH_FORWARD) throw Errors.notSupported("fetch directions other than forward");
    }

    @Override
    public int getFetchDirection() {
        return ResultSet.FETCH_FORWARD;
    }

    /**
     * Enforced by the server: sent as the session's {@code statement_timeout} before this
     * statement's next execution, so an overrun fails with 57014. A statement with no timeout
     * resets it, so a timeout never leaks to other statements.
     */
    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) throw Errors.invalid("query timeout must be >= 0");
        queryTimeoutSeconds = seconds;
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeoutSeconds;
    }

    @Override
    public int getResultSetType() {
        return ResultSet.TYPE_FORWARD_ONLY;
    }

    @Override
    public int getResultSetConcurrency() {
        return ResultSet.CONCUR_READ_ONLY;
    }

    @Override
    public int getResultSetHoldability() {
        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public void setEscapeProcessing(boolean enable) {}

    @Override
    public int getMaxFieldSize() {
        return 0;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        if (max != 0) throw Errors.notSupported("a maximum field size");
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {}

    @Override
    public void setPoolable(boolean poolable) {}

    @Override
    public boolean isPoolable() {
        return false;
    }
}
