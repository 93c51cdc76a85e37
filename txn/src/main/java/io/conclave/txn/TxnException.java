package io.conclave.txn;

/**
 * A transaction failed. This base class is for failures that are neither retryable nor
 * ambiguous (a bad key, a read below the GC threshold, a cluster that did not answer before
 * the deadline...); the cause, when there is one, is the range client's {@code KvException}.
 */
public class TxnException extends RuntimeException {
    /** SQLSTATE for "system error": the caller should not retry blindly. */
    public static final String SQLSTATE_INTERNAL = "XX000";

    private final String sqlState;

    public TxnException(String message) {
        this(SQLSTATE_INTERNAL, message, null);
    }

    public TxnException(String message, Throwable cause) {
        this(SQLSTATE_INTERNAL, message, cause);
    }

    protected TxnException(String sqlState, String message, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
    }

    /** The SQL state code SQL reports for this failure. */
    public String sqlState() {
        return sqlState;
    }
}
