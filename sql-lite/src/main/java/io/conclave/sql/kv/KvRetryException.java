package io.conclave.sql.kv;

/**
 * The transaction conflicted and must be run again from its start (SQLSTATE 40001).
 * {@code reason} is a stable name (WRITE_TOO_OLD, UNCERTAINTY, ...) counted by EXPLAIN ANALYZE.
 */
public class KvRetryException extends RuntimeException {
    private final String reason;

    public KvRetryException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public KvRetryException(String reason, String message) {
        this(reason, message, null);
    }

    public String reason() {
        return reason;
    }
}
