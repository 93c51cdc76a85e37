package io.conclave.storage;

/**
 * A point-in-time view of a store for status pages and metrics. Latencies are in microseconds
 * as measured by the store's injected ticker; "commit" is one batch's {@link Store#commitLog}
 * (for a batch written LMDB first, both its parts), "fsync" the Raft log write and
 * {@code fdatasync} inside it: what a Raft acknowledgement waits for. {@code lmdbCommits} and
 * {@code totalLmdbCommitMicros} count the LMDB transactions of {@link Store#commitState} (each
 * takes the LMDB parts of every batch logged before it; LMDB syncs twice per commit, data pages
 * then the meta page).
 *
 * <p>{@code usedBytes} is the high-water mark of pages LMDB has used in the map, free pages
 * included: what a full map is measured against. {@code dataKeys} and {@code raftKeys} count
 * keys in the state-machine and Raft tables. {@code logReadsFromLmdb} counts Raft's log reads
 * ({@code term}, {@code entries}) that missed the tail caches and went to the Raft log files
 * (the name is from when the log lived in LMDB).
 */
public record StoreStats(
        long mapSizeBytes,
        long usedBytes,
        long pageSizeBytes,
        long dataKeys,
        long raftKeys,
        int groups,
        long commits,
        long failedCommits,
        long lastBatchOps,
        long lastCommitMicros,
        long maxCommitMicros,
        long totalCommitMicros,
        long lastFsyncMicros,
        long maxFsyncMicros,
        long totalFsyncMicros,
        long logReadsFromLmdb,
        long lmdbCommits,
        long totalLmdbCommitMicros) {

    /** Mean latency of one commit call so far, or 0 before the first. */
    public double meanCommitMicros() {
        return commits == 0 ? 0 : (double) totalCommitMicros / commits;
    }

    public double meanFsyncMicros() {
        return commits == 0 ? 0 : (double) totalFsyncMicros / commits;
    }
}
