package io.conclave.node.metrics;

import io.conclave.clock.Timestamp;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.KvAmbiguousException;
import io.conclave.sql.kv.KvRetryException;
import io.conclave.sql.kv.ScanCounts;
import io.conclave.sql.kv.ScanRequest;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.kv.ForwardingSqlTxn;
import io.conclave.sql.kv.SqlTxn;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The transactions this node coordinates for its SQL clients, counted where they pass between
 * the SQL engine and the transaction client: commits (one-phase, two-phase), restarts by reason
 * (every {@link KvRetryException}, whichever call raised it), ambiguous commits, and commit-wait.
 * {@link #wrap} puts the counting in front of a store; it changes nothing that passes through.
 */
public final class TxnMetrics {
    final LabeledCounter commits = new LabeledCounter("kind");
    final LabeledCounter restarts = new LabeledCounter("reason");
    final Counter ambiguous = new Counter();
    final Counter rollbacks = new Counter();
    final Histogram commitWait = Histogram.latency();

    /** The store the SQL engine should use: {@code inner}, counted. */
    public SqlKv wrap(SqlKv inner) {
        return wrap(inner, nanos -> { });
    }

    /**
     * As {@link #wrap(SqlKv)}, and each commit's commit-wait (zero included) is also handed to
     * {@code commitWaitNanos}, on the committing thread: one wrapper serves both the node's
     * counters and the per-statement meter of the SQL service.
     */
    public SqlKv wrap(SqlKv inner, LongConsumer commitWaitNanos) {
        if (inner == null) throw new IllegalArgumentException("inner store must be set");
        if (commitWaitNanos == null) throw new IllegalArgumentException("commitWaitNanos must be set");
        return new SqlKv() {
            @Override
            public SqlTxn begin() {
                return new Counted(inner.begin(), commitWaitNanos);
            }

            @Override
            public SqlTxn beginReadOnly(Timestamp asOf) {
                return new Counted(inner.beginReadOnly(asOf), commitWaitNanos);
            }

            @Override
            public Timestamp now() {
                return inner.now();
            }

            @Override
            public boolean filtersScans() {
                return inner.filtersScans();
            }
        };
    }

    /** Commit-wait of the commits that waited, for the console's chart. */
    public Histogram commitWait() {
        return commitWait;
    }

    private final class Counted extends ForwardingSqlTxn {
        private final LongConsumer commitWaitNanos;
        private boolean committed;

        Counted(SqlTxn txn, LongConsumer commitWaitNanos) {
            super(txn);
            this.commitWaitNanos = commitWaitNanos;
        }

        private <T> T counted(Supplier<T> call) {
            try {
                return call.get();
            } catch (KvRetryException e) {
                restarts.increment(e.reason() == null ? "UNKNOWN" : e.reason());
                throw e;
            } catch (KvAmbiguousException e) {
                ambiguous.increment();
                throw e;
            }
        }

        @Override
        public CommitInfo commit() {
            CommitInfo info = counted(txn::commit);
            committed = true;
            if (info != null) {
                // A transaction that wrote nothing commits without a prepare: neither one- nor two-phase.
                commits.increment(txn.isReadOnly() || info.ranges() == 0 ? "read_only"
                        : info.onePhase() ? "one_phase" : "two_phase");
                if (info.commitWaitNanos() > 0) commitWait.recordNanos(info.commitWaitNanos());
                commitWaitNanos.accept(info.commitWaitNanos());
            }
            return info;
        }

        @Override
        public byte[] get(byte[] key) {
            return counted(() -> txn.get(key));
        }

        @Override
        public List<byte[]> getAll(List<byte[]> keys) {
            return counted(() -> txn.getAll(keys));
        }

        @Override
        public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
            return counted(() -> txn.scan(start, end, limit));
        }

        @Override
        public ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
            return counted(() -> txn.scan(request, sink));
        }

        @Override
        public void put(byte[] key, byte[] value) {
            counted(() -> {
                txn.put(key, value);
                return null;
            });
        }

        @Override
        public void delete(byte[] key) {
            counted(() -> {
                txn.delete(key);
                return null;
            });
        }

        @Override
        public void rollback() {
            if (!committed) rollbacks.increment(); // a rollback after commit is a no-op
            committed = true;
            txn.rollback();
        }

    }
}
