package io.conclave.txn;

/**
 * The commit's fate is unknown: the commit request was sent but its answer was lost, so the
 * transaction may or may not have committed. SQLSTATE 40003 ({@code statement_completion_unknown}).
 * Never retried automatically: running the transaction again could apply it twice.
 */
public final class TxnAmbiguousException extends TxnException {
    public static final String SQLSTATE = "40003";

    public TxnAmbiguousException(String message, Throwable cause) {
        super(SQLSTATE, message, cause);
    }
}
