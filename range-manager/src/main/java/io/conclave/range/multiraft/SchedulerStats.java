package io.conclave.range.multiraft;

/**
 * Counters of one scheduler since it started, for status pages and benchmarks. The ratio
 * {@code entriesPersisted / commits} is the group-commit batching factor.
 *
 * @param cycles scheduler cycles that produced at least one Ready
 * @param commits store commits (each one LMDB transaction and, with fsync on, one fsync)
 * @param commitNanos time spent in those commits
 * @param readies Readies handled, across groups
 * @param entriesPersisted log entries appended
 * @param entriesApplied committed entries applied
 * @param raftBatchesSent RaftBatch frames sent (one per peer per cycle at most, two when a leader
 *     sent appends before the cycle's commit)
 * @param messagesSent Raft messages sent, heartbeats included
 * @param messagesSentBeforeCommit of {@code messagesSent}, the leaders' appends and heartbeats
 *     sent while the batch holding their Ready was still being made durable
 * @param writesAnsweredBeforeCommit writes answered as soon as committed, before the batch that
 *     applies them was made durable
 * @param batchesDeferred cycles whose Readies joined a batch already waiting behind the write in
 *     flight (group commit) instead of costing a commit of their own
 */
public record SchedulerStats(
        long cycles,
        long commits,
        long commitNanos,
        long readies,
        long entriesPersisted,
        long entriesApplied,
        long raftBatchesSent,
        long messagesSent,
        long messagesSentBeforeCommit,
        long writesAnsweredBeforeCommit,
        long batchesDeferred) {

    /** Counters without the early-send ones, which stay zero; kept for callers written before them. */
    public SchedulerStats(long cycles, long commits, long commitNanos, long readies, long entriesPersisted,
            long entriesApplied, long raftBatchesSent, long messagesSent) {
        this(cycles, commits, commitNanos, readies, entriesPersisted, entriesApplied, raftBatchesSent, messagesSent,
                0, 0, 0);
    }
}
