package io.conclave.sql.kv;

/** A KV failure that is neither retryable nor ambiguous; carries the SQLSTATE to report. */
public class KvException extends RuntimeException {
    private final String sqlState;

    public KvException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    public String sqlState() {
        return sqlState;
    }
}
