package io.conclave.txn;

import io.conclave.clock.Timestamp;

/**
 * How a transaction committed.
 *
 * @param commitTs the timestamp all its writes became visible at (a read-only transaction: its
 *     read timestamp)
 * @param onePhase all writes were in one range and committed in one Raft round, with no record
 * @param ranges how many ranges held its writes (0: read-only)
 * @param commitWaitNanos how long the commit waited for every clock to pass {@code commitTs}
 *     before it was acknowledged (0 with commit-wait off)
 */
public record CommitResult(Timestamp commitTs, boolean onePhase, int ranges, long commitWaitNanos) {}
