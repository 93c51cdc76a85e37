package io.conclave.driver;

import io.conclave.driver.proto.Result;
import io.conclave.driver.proto.SqlValue;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A JDBC connection: one protocol session with one node at a time. With autocommit on (the
 * default) each statement is its own implicit transaction on the server; with it off the driver
 * sends BEGIN before the first statement and {@link #commit}/{@link #rollback} end the
 * transaction. Isolation is always SERIALIZABLE.
 *
 * <p>Failover: when the node is lost the statement in flight fails with 08006 (its outcome is
 * unknown, so it is never re-sent), an open transaction is gone, and the next statement connects
 * to the first listed node that answers. A statement a node refuses with 57P03 or 53300 outside a
 * transaction (it is shutting down, fenced itself, or is overloaded), or answers with 57P01 (it
 * ended the idle session because it is stopping), did not run: it runs again on another listed
 * node (the refusing one is tried last), and fails with that state only when no other node is
 * listed or every one refused it. Not thread-safe, as JDBC allows.
 */
final class ConclaveConnection extends UnsupportedConnection {
    private final String url;
    private final ConclaveUrl parsed;
    private final Map<String, String> options;
    private final SqlConnection.Settings settings;
    private SqlConnection session;
    private boolean autoCommit = true;
    private boolean readOnly;
    private boolean closed;
    /** BEGIN was sent on the current session for the current JDBC transaction. */
    private boolean begun;
    /** The statement_timeout set on the current session, in seconds (0: none, the default). */
    private int sessionTimeoutSeconds;

    ConclaveConnection(String url, ConclaveUrl parsed, Map<String, String> options, SqlConnection.Settings settings)
            throws SQLException {
        this.url = url;
        this.parsed = parsed;
        this.options = Map.copyOf(options);
        this.settings = settings;
        this.session = SqlConnection.connect(parsed.hosts(), this.options, settings);
    }

    /** Runs one statement, opening the JDBC transaction first when autocommit is off. */
    Result execute(String sql) throws SQLException {
        return execute(sql, 0);
    }

    /**
     * As above with a query timeout in seconds (0: none), sent as the session's
     * statement_timeout when it differs from the one in force (the server cancels with 57014).
     */
    Result execute(String sql, int timeoutSeconds) throws SQLException {
        return execute(sql, List.of(), timeoutSeconds);
    }

    /**
     * As above for a statement with parameters ({@link SqlConnection#execute(String, List)}). A
     * statement that no transaction of this connection was open for, and that a node refused
     * without running it, runs again on another listed node: a node being stopped gracefully, or
     * fenced, costs the application no error.
     */
    Result execute(String sql, List<SqlValue> parameters, int timeoutSeconds) throws SQLException {
        checkOpen();
        ConclaveUrl.HostPort refusedBy = null;
        for (int attempt = 1; ; attempt++) {
            boolean transactionOpen = begun;
            SqlConnection s = session(refusedBy);
            try {
                return executeOn(s, sql, parameters, timeoutSeconds);
            } catch (SQLException e) {
                if (s.isBroken()) begun = false;
                boolean elsewhere = !transactionOpen && s.refusedWithoutRunning(e) && attempt < parsed.hosts().size();
                if (!elsewhere) throw e;
                refusedBy = s.address();
            }
        }
    }

    private Result executeOn(SqlConnection s, String sql, List<SqlValue> parameters, int timeoutSeconds)
            throws SQLException {
        if (timeoutSeconds != sessionTimeoutSeconds) {
            s.execute("SET statement_timeout = '" + timeoutSeconds + "s'");
            // Tracked here per session, and reset with sessionTimeoutSeconds on a new one.
            s.forgetSetting("statement_timeout");
            sessionTimeoutSeconds = timeoutSeconds;
        }
        if (!autoCommit && !begun) {
            s.execute("BEGIN");
            begun = true;
        }
        Result r = s.execute(sql, parameters);
        if (!autoCommit && !r.getInTransaction()) {
            // The statement itself ended the transaction (COMMIT or ROLLBACK as SQL text).
            begun = false;
        }
        return r;
    }

    private SqlConnection session() throws SQLException {
        return session(null);
    }

    /**
     * The current session, or a new one, tried on {@code avoid} (null: none) last, with the
     * settings the application SET on the one it replaces.
     */
    private SqlConnection session(ConclaveUrl.HostPort avoid) throws SQLException {
        if (session == null || session.isBroken()) {
            SqlConnection lost = session;
            session = null;
            begun = false;
            sessionTimeoutSeconds = 0;
            session = SqlConnection.connectInPlaceOf(lost, parsed.hosts(), options, settings, avoid);
        }
        return session;
    }

    /** The node id of the current session (its transactions' coordinator); 0 if disconnected. */
    long nodeId() {
        return session == null || session.isBroken() ? 0 : session.nodeId();
    }

    String url() {
        return url;
    }

    String user() {
        return options.getOrDefault("user", "");
    }

    private void checkOpen() throws SQLException {
        if (closed) throw Errors.closed("connection");
    }

    @Override
    public Statement createStatement() throws SQLException {
        checkOpen();
        return new ConclaveStatement(this);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        checkResultSetKind(resultSetType, resultSetConcurrency);
        return createStatement();
    }

    @Override
    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        checkResultSetKind(type, concurrency);
        return createStatement();
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        checkOpen();
        return new ConclavePreparedStatement(this, sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        checkResultSetKind(type, concurrency);
        return prepareStatement(sql);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        if (autoGeneratedKeys != Statement.NO_GENERATED_KEYS) throw Errors.notSupported("generated keys (use RETURNING)");
        return prepareStatement(sql);
    }

    private static void checkResultSetKind(int type, int concurrency) throws SQLException {
        if (type != ResultSet.TYPE_FORWARD_ONLY || concurrency != ResultSet.CONCUR_READ_ONLY) {
            throw Errors.notSupported("result sets other than forward-only, read-only");
        }
    }

    @Override
    public String nativeSQL(String sql) {
        return sql;
    }

    @Override
    public void setAutoCommit(boolean on) throws SQLException {
        checkOpen();
        if (on && !autoCommit && begun) commit(); // JDBC: switching autocommit on commits
        autoCommit = on;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        endTransaction("COMMIT");
    }

    @Override
    public void rollback() throws SQLException {
        endTransaction("ROLLBACK");
    }

    private void endTransaction(String verb) throws SQLException {
        checkOpen();
        if (autoCommit) throw new SQLException(verb + " with autocommit on: there is no transaction to end", "25000");
        if (!begun) return; // nothing ran since the last end
        begun = false;
        if (session == null || session.isBroken()) {
            throw Errors.connectionBroken("the connection was lost; the transaction was rolled back by the server");
        }
        session.execute(verb);
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (session != null) session.close();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isValid(int timeoutSeconds) throws SQLException {
        if (timeoutSeconds < 0) throw Errors.invalid("timeout must be >= 0");
        if (closed) return false;
        if (begun) return session != null && !session.isBroken();
        try {
            execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new ConclaveDatabaseMetaData(this);
    }

    /** Recorded for tools that ask; Conclave does not enforce it on the server. */
    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        this.readOnly = readOnly;
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    /** Every Conclave transaction is serializable; asking for a weaker level still gets that. */
    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        if (level == Connection.TRANSACTION_NONE) throw Errors.notSupported("TRANSACTION_NONE");
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return Connection.TRANSACTION_SERIALIZABLE;
    }

    @Override
    public SQLWarning getWarnings() {
        return null;
    }

    @Override
    public void clearWarnings() {}

    /** Conclave has one catalog; the name is ignored. */
    @Override
    public void setCatalog(String catalog) {}

    @Override
    public String getCatalog() {
        return null;
    }

    @Override
    public void setSchema(String schema) {}

    @Override
    public String getSchema() {
        return null;
    }

    @Override
    public int getHoldability() {
        return ResultSet.CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        if (holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) throw Errors.notSupported("HOLD_CURSORS_OVER_COMMIT");
    }

    @Override
    public void abort(Executor executor) {
        close();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) throw Errors.invalid("network timeout must be >= 0");
        session().setSocketTimeoutMillis(milliseconds);
    }
}
