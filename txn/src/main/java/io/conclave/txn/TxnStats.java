package io.conclave.txn;

import io.conclave.clock.Timestamp;
import java.util.Map;

/**
 * What one transaction did, for benchmarks and diagnostics.
 *
 * @param rangesTouched distinct ranges read or written
 * @param nodesTouched distinct nodes that answered its requests
 * @param raftWrites replicated requests sent (prepares, heartbeats, ends, pushes, resolves)
 * @param reads read requests sent (gets and scan pieces)
 * @param restarts earlier attempts of the same {@link TxnClient#run} that failed retryably
 * @param restartReasons those restarts by {@link TxnRetryException.Reason} name
 * @param readNanos time spent in reads
 * @param prepareNanos time spent writing intents (or the one-phase commit)
 * @param commitNanos time spent from the end of the prepare to the acknowledgement, commit-wait included
 * @param commitWaitNanos of which commit-wait
 * @param uncertaintyLimit the upper bound of its reads' uncertainty window
 */
public record TxnStats(int rangesTouched, int nodesTouched, int raftWrites, int reads, int restarts,
        Map<String, Integer> restartReasons, long readNanos, long prepareNanos, long commitNanos,
        long commitWaitNanos, Timestamp uncertaintyLimit) {
    public TxnStats {
        restartReasons = Map.copyOf(restartReasons);
    }
}
