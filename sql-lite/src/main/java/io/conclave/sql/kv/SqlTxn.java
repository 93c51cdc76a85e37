package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;
import java.util.List;
import java.util.function.Predicate;

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

    /**
     * The values at {@code keys} (null where there is none), in the order given. This default
     * reads them one after another; a store that can read them in one parallel round overrides it.
     */
    default List<byte[]> getAll(List<byte[]> keys) {
        List<byte[]> out = new java.util.ArrayList<>(keys.size());
        for (byte[] key : keys) {
            out.add(get(key));
        }
        return out;
    }

    /**
     * As {@link #getAll}, asking for a claim of up to {@code claim} on the first key: if granted,
     * its value stands from this transaction's read timestamp to the claim's end, whoever reads
     * it, because no write of it can land in between. This default grants none.
     */
    default ClaimedValues getAllClaimingFirst(List<byte[]> keys, java.time.Duration claim) {
        return ClaimedValues.unclaimed(getAll(keys));
    }

    /**
     * Puts {@code key} among what this transaction read, at its read timestamp (returned),
     * without fetching it: the caller knows its value there (a claim covers it). A refresh checks
     * it like any key read. This default reads it.
     */
    default Timestamp assumeRead(byte[] key) {
        get(key);
        return readTimestamp();
    }

    /** Up to {@code limit} (> 0) pairs with {@code start <= key < end}, in key order. */
    List<KeyValue> scan(byte[] start, byte[] end, int limit);

    /**
     * Streams the pairs of {@code request}'s span in key order to {@code sink} until it returns
     * false. A filter applies to stored rows only: this transaction's own writes reach the sink
     * unfiltered. Rows a filter leaves out still count as read. This default reads page by page
     * through {@link #scan(byte[], byte[], int)} and refuses filters; stores that can do better
     * override it (and {@link SqlKv#filtersScans()}).
     *
     * @throws KvFilterException the filter failed where the rows are
     */
    default ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
        if (request.hasFilter()) {
            throw new IllegalArgumentException("this store does not filter scans (SqlKv.filtersScans() is false)");
        }
        int page = 1_000;
        byte[] from = request.start();
        int requests = 0;
        long rows = 0;
        while (true) {
            List<KeyValue> batch = scan(from, request.end(), page);
            requests++;
            rows += batch.size();
            for (KeyValue kv : batch) {
                if (!sink.test(kv)) {
                    return new ScanCounts(requests, 0, 1, rows, rows);
                }
            }
            if (batch.size() < page) {
                return new ScanCounts(requests, 0, 1, rows, rows);
            }
            byte[] last = batch.get(batch.size() - 1).key();
            from = java.util.Arrays.copyOf(last, last.length + 1);
        }
    }

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
