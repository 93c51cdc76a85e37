package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;

/**
 * The transactional key-value store the SQL layer runs on. Production wires {@link TxnKv} over
 * the txn module's client; tests wire an in-memory store. Thread-safe: one per engine, shared by
 * all sessions.
 */
public interface SqlKv {
    /** A read-write, serializable transaction. */
    SqlTxn begin();

    /** A read-only transaction that reads the committed state as of {@code asOf}. */
    SqlTxn beginReadOnly(Timestamp asOf);

    /**
     * Whether {@link SqlTxn#scan(ScanRequest, java.util.function.Predicate)} applies filters of
     * the kind {@code io.conclave.sql.exec.RowFilters#KIND} where the rows are.
     */
    default boolean filtersScans() {
        return false;
    }

    /** The current time of this node's hybrid logical clock. */
    Timestamp now();
}
