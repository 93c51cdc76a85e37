package io.conclave.storage;

/**
 * A point-in-time view of a store for status pages and metrics. Latencies are in microseconds
 * as measured by the store's injected ticker; "commit" is the whole {@link Store#commit} call,
 * "fsync" the LMDB transaction commit inside it (page writes plus the fsyncs when enabled;
 * LMDB syncs twice per commit, data pages then the meta page).
 *
 * <p>{@code usedBytes} is the high-water mark of pages LMDB has used in the map, free pages
 * included: what a full map is measured against. {@code dataKeys} and {@code raftKeys} count
 * keys in the state-machine and Raft tables. {@code logReadsFromLmdb} counts Raft's log reads
 * ({@code term}, {@code entries}) that missed the tail caches.
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
        long logReadsFromLmdb) {

    /** Mean latency of one commit call so far, or 0 before the first. */
    public double meanCommitMicros() {
        return commits == 0 ? 0 : (double) totalCommitMicros / commits;
    }

    public double meanFsyncMicros() {
        return commits == 0 ? 0 : (double) totalFsyncMicros / commits;
    }
}
