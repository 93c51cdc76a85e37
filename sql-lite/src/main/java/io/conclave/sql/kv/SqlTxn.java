package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;
import java.util.List;

/**
 * One transaction. Used by one session thread at a time. Reads see the transaction's own
 * writes. Keys compare as unsigned bytes; scans are {@code [start, end)}.
 *
 * <p>Any method may throw {@link KvRetryException} (the transaction must be run again from the
 * start: SQLSTATE 40001) or {@link KvAmbiguousException} (a commit whose outcome is unknown:
 * 40003). After {@link #commit} or {@link #rollback} the transaction is finished.
 */
public interface SqlTxn {
    /** The value at {@code key}, or null when there is none. */
    byte[] get(byte[] key);

    /** Up to {@code limit} (> 0) pairs with {@code start <= key < end}, in key order. */
    List<KeyValue> scan(byte[] start, byte[] end, int limit);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    CommitInfo commit();

    /** Abandons the transaction; a no-op once it is finished. */
    void rollback();

    /** The timestamp this transaction reads at (now() in SQL). */
    Timestamp readTimestamp();

    /** Whether commit waits until every clock has passed the commit timestamp. */
    void setCommitWait(boolean commitWait);

    /** What the transaction has cost so far, for EXPLAIN ANALYZE. */
    TxnStats stats();

    boolean isReadOnly();
}
