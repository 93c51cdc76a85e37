package io.conclave.sql;

/**
 * A statement failed in a way the user can act on. {@link #sqlState()} is the stable
 * PostgreSQL-compatible five-character code (see {@link SqlState}); the message says what went
 * wrong and where (a line:column for syntax errors, the table and column for constraint errors).
 */
public class SqlException extends RuntimeException {
    private final String sqlState;

    public SqlException(String sqlState, String message) {
        super(message);
        this.sqlState = checkState(sqlState);
    }

    public SqlException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = checkState(sqlState);
    }

    public String sqlState() {
        return sqlState;
    }

    /** True for failures a client should answer by running its whole transaction again. */
    public boolean isRetryable() {
        return SqlState.SERIALIZATION_FAILURE.equals(sqlState);
    }

    @Override
    public String toString() {
        return "ERROR " + sqlState + ": " + getMessage();
    }

    private static String checkState(String state) {
        if (state == null || state.length() != 5) {
            throw new IllegalArgumentException("SQLSTATE must be five characters, got " + state);
        }
        return state;
    }
}
