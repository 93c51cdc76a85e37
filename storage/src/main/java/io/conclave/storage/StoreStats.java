package io.conclave.storage;

/**
 * A point-in-time view of a store for status pages and metrics. Latencies are in microseconds
 * as measured by the store's injected ticker; "commit" is the whole {@link Store#commit} call,
 * "fsync" the LMDB transaction commit inside it (page writes plus the fsyncs when enabled).
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
        long totalFsyncMicros) {

    /** Mean latency of one commit call so far, or 0 before the first. */
    public double meanCommitMicros() {
        return commits == 0 ? 0 : (double) totalCommitMicros / commits;
    }

    public double meanFsyncMicros() {
        return commits == 0 ? 0 : (double) totalFsyncMicros / commits;
    }
}
