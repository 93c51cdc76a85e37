package io.conclave.sql.kv;

import io.conclave.clock.Timestamp;

/**
 * A successful commit: the timestamp its writes became visible at, whether it took one Raft
 * round, how many ranges held its writes and how long commit-wait held the acknowledgement.
 */
public record CommitInfo(Timestamp commitTimestamp, boolean onePhase, int ranges, long commitWaitNanos) {}
