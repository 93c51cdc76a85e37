package io.conclave.txn;

/**
 * The transaction cannot commit as it ran, but running it again (a new attempt) may succeed:
 * nothing of it became visible. SQLSTATE 40001 ({@code serialization_failure}).
 * {@link TxnClient#run} retries these by itself.
 */
public final class TxnRetryException extends TxnException {
    public static final String SQLSTATE = "40001";

    /** Why the attempt failed; stable names, shown in messages and counted in {@link TxnStats}. */
    public enum Reason {
        /** A write met a newer committed value and its timestamp could not move up. */
        WRITE_TOO_OLD,
        /** A read found a value in its uncertainty window and the earlier reads could not move above it. */
        UNCERTAINTY,
        /** The commit timestamp moved above the read timestamp and a key read meanwhile changed. */
        REFRESH_FAILED,
        /** Another transaction aborted this one (it lost a conflict, or missed its heartbeats). */
        ABORTED,
        /** The record's timestamp was pushed and the reads could not follow it. */
        PUSHED,
        /** A one-phase commit was pushed above its timestamp and could not be refreshed. */
        ONE_PHASE_PUSHED,
        /** Waiting for a conflicting transaction did not end before the deadline. */
        DEADLOCK
    }

    private final Reason reason;

    public TxnRetryException(Reason reason, String message) {
        this(reason, message, null);
    }

    public TxnRetryException(Reason reason, String message, Throwable cause) {
        super(SQLSTATE, "restart transaction (" + reason + "): " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
