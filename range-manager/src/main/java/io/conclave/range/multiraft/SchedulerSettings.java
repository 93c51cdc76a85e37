package io.conclave.range.multiraft;

/**
 * Limits and timings of one node's multi-raft scheduler, validated together.
 *
 * @param electionTicks ticks without a leader before a replica campaigns (randomized up to 2x by
 *     Raft); with 100 ms ticks, 10 gives elections after 1 to 2 s
 * @param heartbeatTicks ticks between leader heartbeats
 * @param requestTimeoutTicks a client request not answered after this many ticks is answered with
 *     TIMEOUT (or AMBIGUOUS_RESULT once proposed), so that a proposal lost in a leader change does
 *     not hold its caller forever
 * @param logEntriesBeforeSnapshot applied entries beyond the last snapshot point after which the
 *     log is truncated; bounds the log a restart replays and the disk it takes
 * @param logBytesBeforeSnapshot the same limit in entry bytes
 * @param inboxCapacity events (Raft batches, requests, ticks) queued for the scheduler thread;
 *     beyond it Raft traffic is dropped (Raft retransmits) and requests are refused
 * @param maxEventsPerCycle events drained in one cycle, so that a flood of input still lets the
 *     cycle persist and answer regularly
 * @param maxSnapshotKeys keys one range may hold and still be snapshotted in one message; ranges
 *     split long before (by size), so this only catches a range that could not split
 * @param maxScanRows most rows a scan returns whatever the limit it asked for: a scan runs on the
 *     scheduler thread, which every range of the node shares
 * @param maxRangeBytes a leaseholder whose range holds more key and value bytes suggests a split
 *     at about half of them: bounds snapshots, and the work of moving a replica
 * @param splitQps a leaseholder whose range serves more requests per second (over about a
 *     minute) suggests a split at a key that divides its sampled requests, so load spreads
 * @param leaseDurationNanos how long a range lease lasts; a leaseholder that dies leaves its
 *     ranges unserved for up to this long plus the max offset, and a shorter lease costs more
 *     renewals (each a Raft write) on busy ranges; idle ranges let theirs lapse
 */
public record SchedulerSettings(
        int electionTicks,
        int heartbeatTicks,
        int requestTimeoutTicks,
        long logEntriesBeforeSnapshot,
        long logBytesBeforeSnapshot,
        int inboxCapacity,
        int maxEventsPerCycle,
        int maxSnapshotKeys,
        int maxScanRows,
        long maxRangeBytes,
        double splitQps,
        long leaseDurationNanos) {

    public SchedulerSettings {
        require(heartbeatTicks >= 1, "heartbeatTicks must be >= 1, was %d", heartbeatTicks);
        require(electionTicks > heartbeatTicks, "electionTicks (%d) must exceed heartbeatTicks (%d)",
                electionTicks, heartbeatTicks);
        require(requestTimeoutTicks >= 1, "requestTimeoutTicks must be >= 1, was %d", requestTimeoutTicks);
        require(logEntriesBeforeSnapshot >= 1, "logEntriesBeforeSnapshot must be >= 1");
        require(logBytesBeforeSnapshot >= 1, "logBytesBeforeSnapshot must be >= 1");
        require(inboxCapacity >= 16, "inboxCapacity must be >= 16, was %d", inboxCapacity);
        require(maxEventsPerCycle >= 1, "maxEventsPerCycle must be >= 1, was %d", maxEventsPerCycle);
        require(maxSnapshotKeys >= 1, "maxSnapshotKeys must be >= 1");
        require(maxScanRows >= 1, "maxScanRows must be >= 1");
        require(maxRangeBytes >= 1, "maxRangeBytes must be >= 1, was %d", maxRangeBytes);
        require(splitQps > 0, "splitQps must be > 0, was %s", splitQps);
        require(leaseDurationNanos >= 10_000_000L, "leaseDurationNanos must be at least 10 ms, was %d",
                leaseDurationNanos);
    }

    public static SchedulerSettings defaults() {
        return new SchedulerSettings(10, 1, 100, 10_000, 64L << 20, 65_536, 8_192, 1_000_000, 10_000, 64L << 20, 2_500,
                9_000_000_000L);
    }

    public SchedulerSettings withLogEntriesBeforeSnapshot(long entries) {
        return new SchedulerSettings(electionTicks, heartbeatTicks, requestTimeoutTicks, entries,
                logBytesBeforeSnapshot, inboxCapacity, maxEventsPerCycle, maxSnapshotKeys, maxScanRows, maxRangeBytes,
                splitQps, leaseDurationNanos);
    }

    public SchedulerSettings withElectionTicks(int ticks) {
        return new SchedulerSettings(ticks, heartbeatTicks, requestTimeoutTicks, logEntriesBeforeSnapshot,
                logBytesBeforeSnapshot, inboxCapacity, maxEventsPerCycle, maxSnapshotKeys, maxScanRows, maxRangeBytes,
                splitQps, leaseDurationNanos);
    }

    public SchedulerSettings withRequestTimeoutTicks(int ticks) {
        return new SchedulerSettings(electionTicks, heartbeatTicks, ticks, logEntriesBeforeSnapshot,
                logBytesBeforeSnapshot, inboxCapacity, maxEventsPerCycle, maxSnapshotKeys, maxScanRows, maxRangeBytes,
                splitQps, leaseDurationNanos);
    }

    public SchedulerSettings withLeaseDurationNanos(long nanos) {
        return new SchedulerSettings(electionTicks, heartbeatTicks, requestTimeoutTicks, logEntriesBeforeSnapshot,
                logBytesBeforeSnapshot, inboxCapacity, maxEventsPerCycle, maxSnapshotKeys, maxScanRows, maxRangeBytes,
                splitQps, nanos);
    }

    /** These settings with other split thresholds (size in bytes, load in requests per second). */
    public SchedulerSettings withSplitThresholds(long rangeBytes, double qps) {
        return new SchedulerSettings(electionTicks, heartbeatTicks, requestTimeoutTicks, logEntriesBeforeSnapshot,
                logBytesBeforeSnapshot, inboxCapacity, maxEventsPerCycle, maxSnapshotKeys, maxScanRows, rangeBytes, qps,
                leaseDurationNanos);
    }

    private static void require(boolean ok, String fmt, Object... args) {
        if (!ok) throw new IllegalArgumentException("invalid scheduler settings: " + String.format(fmt, args));
    }
}
