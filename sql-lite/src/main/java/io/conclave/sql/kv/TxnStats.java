package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;
import java.util.Map;

/**
 * What one transaction cost as the KV layer saw it, for EXPLAIN ANALYZE: ranges and nodes
 * touched, replicated writes (Raft rounds), read requests, restarts by reason, time in reads,
 * prepare and commit (commit-wait included and also given alone), and the upper bound of the
 * reads' uncertainty window (null when unknown). Mirrors {@code io.conclave.txn.TxnStats}.
 */
public record TxnStats(int rangesTouched, int nodesTouched, int raftWrites, int reads, int restarts,
                       Map<String, Integer> restartReasons, long readNanos, long prepareNanos,
                       long commitNanos, long commitWaitNanos, Timestamp uncertaintyLimit) {
    public static final TxnStats EMPTY = new TxnStats(0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, null);

    public TxnStats {
        restartReasons = Map.copyOf(restartReasons);
    }
}
