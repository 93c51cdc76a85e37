package io.conclave.node.multiraft;

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
 * @param raftBatchesSent RaftBatch frames sent (one per peer per cycle at most)
 * @param messagesSent Raft messages sent, heartbeats included
 */
public record SchedulerStats(
        long cycles,
        long commits,
        long commitNanos,
        long readies,
        long entriesPersisted,
        long entriesApplied,
        long raftBatchesSent,
        long messagesSent) {}
