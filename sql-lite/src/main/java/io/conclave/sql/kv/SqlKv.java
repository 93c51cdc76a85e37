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

    /** The current time of this node's hybrid logical clock. */
    Timestamp now();
}
