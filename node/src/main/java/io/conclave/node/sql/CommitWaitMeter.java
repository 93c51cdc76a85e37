package io.conclave.node.sql;

/**
 * How long each commit waited for the clocks (commit-wait), summed per thread, so the SQL service
 * can report it apart from the rest of a statement's time. The store's wrapper hands each commit's
 * wait to {@link #add} (see {@code TxnMetrics.wrap(SqlKv, LongConsumer)}). A statement runs on one
 * worker thread from start to reply, so the thread's sum between {@link #reset} and
 * {@link #takeNanos} is that statement's commit-wait.
 */
public final class CommitWaitMeter {
    private final ThreadLocal<long[]> waitedNanos = ThreadLocal.withInitial(() -> new long[1]);

    /** Adds a commit's wait to the calling thread's sum. */
    public void add(long commitWaitNanos) {
        waitedNanos.get()[0] += commitWaitNanos;
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
}
