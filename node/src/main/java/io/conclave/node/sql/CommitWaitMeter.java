package io.conclave.node.sql;

import io.conclave.clock.Timestamp;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.ScanCounts;
import io.conclave.sql.kv.ScanRequest;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.kv.SqlTxn;
import io.conclave.sql.kv.TxnStats;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link SqlKv} that notes how long each commit waited for the clocks (commit-wait), per
 * thread, so the SQL service can report it apart from the rest of a statement's time. A
 * statement runs on one worker thread from start to reply, so the thread's sum between
 * {@link #reset} and {@link #takeNanos} is that statement's commit-wait.
 */
public final class CommitWaitMeter implements SqlKv {
    private final SqlKv inner;
    private final ThreadLocal<long[]> waitedNanos = ThreadLocal.withInitial(() -> new long[1]);

    public CommitWaitMeter(SqlKv inner) {
        if (inner == null) throw new IllegalArgumentException("inner store must be set");
        this.inner = inner;
    }

    void reset() {
        waitedNanos.get()[0] = 0;
    }

    /** The commit-wait of this thread since {@link #reset}. */
    long takeNanos() {
        long[] w = waitedNanos.get();
        long n = w[0];
        w[0] = 0;
        return n;
    }

    @Override
    public SqlTxn begin() {
        return new Metered(inner.begin());
    }

    @Override
    public SqlTxn beginReadOnly(Timestamp asOf) {
        return new Metered(inner.beginReadOnly(asOf));
    }

    @Override
    public Timestamp now() {
        return inner.now();
    }

    @Override
    public boolean filtersScans() {
        return inner.filtersScans();
    }

    private final class Metered implements SqlTxn {
        private final SqlTxn txn;

        Metered(SqlTxn txn) {
            this.txn = txn;
        }

        @Override
        public CommitInfo commit() {
            CommitInfo info = txn.commit();
            if (info != null) waitedNanos.get()[0] += info.commitWaitNanos();
            return info;
        }

        @Override
        public byte[] get(byte[] key) {
            return txn.get(key);
        }

        @Override
        public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
            return txn.scan(start, end, limit);
        }

        @Override
        public ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
            return txn.scan(request, sink);
        }

        @Override
        public void put(byte[] key, byte[] value) {
            txn.put(key, value);
        }

        @Override
        public void delete(byte[] key) {
            txn.delete(key);
        }

        @Override
        public void rollback() {
            txn.rollback();
        }

        @Override
        public Timestamp readTimestamp() {
            return txn.readTimestamp();
        }

        @Override
        public void setCommitWait(boolean commitWait) {
            txn.setCommitWait(commitWait);
        }

        @Override
        public TxnStats stats() {
            return txn.stats();
        }

        @Override
        public boolean isReadOnly() {
            return txn.isReadOnly();
        }
    }
}
