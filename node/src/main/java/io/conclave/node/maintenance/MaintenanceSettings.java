package io.conclave.node.maintenance;

import java.time.Duration;

/**
 * The maintenance loop's settings, validated together.
 *
 * @param interval time between passes: how fast meta is repaired and replicas replaced after a
 *     decision is due; each pass costs a liveness scan, so not much below a second
 * @param deadAfter how long a node's liveness must have been expired before its replicas are
 *     replaced: a replacement costs a snapshot per range, a restart only seconds (--dead-after)
 * @param replicationFactor replicas per user range: 1, 3 or 5
 * @param maxRangeBytes a range above this size is split at its suggested key (--range-max-bytes)
 * @param splitQps a range serving more requests per second than this, sustained over about a
 *     minute, is split at its load key (--split-qps)
 * @param metaRepair whether to rewrite meta records older than the leaseholder's descriptor
 * @param autoSplit whether to split ranges above the size or load threshold
 * @param allocate whether to up-replicate, replace dead replicas and rebalance
 * @param learnerTimeout a learner not caught up after this long is removed (a lost snapshot)
 * @param countsRefresh how often other nodes' replica and lease counts are fetched (a status
 *     request per live node, whose answer grows with the node's replicas)
 * @param maxChangesPerPass membership or lease changes this node makes per pass; each is
 *     synchronous, so one is in flight at a time and a pass stays short
 * @param maxSplitsPerPass automatic splits this node makes per pass
 * @param maxLearnersCatchingUp learners this node's ranges may have at once: each needs a
 *     snapshot of up to maxRangeBytes, sent while the range keeps serving
 * @param gcTtl how long old MVCC versions are kept (--gc-ttl): historical reads and transactions
 *     may read this far back; older versions are removed and such reads refused
 * @param gcInterval how often each leased user range is garbage-collected: by default a tenth
 *     of the TTL, at least a minute (each pass reads the whole range)
 */
public record MaintenanceSettings(
        Duration interval,
        Duration deadAfter,
        int replicationFactor,
        long maxRangeBytes,
        double splitQps,
        boolean metaRepair,
        boolean autoSplit,
        boolean allocate,
        Duration learnerTimeout,
        Duration countsRefresh,
        int maxChangesPerPass,
        int maxSplitsPerPass,
        int maxLearnersCatchingUp,
        Duration gcTtl,
        Duration gcInterval) {
    /** Default --gc-ttl: a day and an hour, so yesterday's data can be read back at the same time of day. */
    public static final Duration DEFAULT_GC_TTL = Duration.ofHours(25);
    /** Longest --gc-ttl: versions kept longer than this only grow the store. */
    public static final Duration MAX_GC_TTL = Duration.ofDays(3650);

    public MaintenanceSettings {
        require(interval != null && interval.toMillis() >= 10, "maintenance interval must be >= 10 ms, got " + interval);
        require(deadAfter != null && !deadAfter.isNegative(), "--dead-after must be >= 0, got " + deadAfter);
        require(replicationFactor == 1 || replicationFactor == 3 || replicationFactor == 5,
                "replication factor must be 1, 3 or 5, got " + replicationFactor);
        require(maxRangeBytes >= 1024, "--range-max-bytes must be >= 1024, got " + maxRangeBytes);
        require(splitQps > 0, "--split-qps must be > 0, got " + splitQps);
        require(learnerTimeout != null && learnerTimeout.toMillis() > 0, "learner timeout must be > 0, got " + learnerTimeout);
        require(countsRefresh != null && !countsRefresh.isNegative(), "counts refresh must be >= 0, got " + countsRefresh);
        require(maxChangesPerPass >= 1 && maxChangesPerPass <= 1000, "changes per pass must be in [1, 1000], got " + maxChangesPerPass);
        require(maxSplitsPerPass >= 1 && maxSplitsPerPass <= 1000, "splits per pass must be in [1, 1000], got " + maxSplitsPerPass);
        require(maxLearnersCatchingUp >= 1 && maxLearnersCatchingUp <= 1000,
                "learners catching up must be in [1, 1000], got " + maxLearnersCatchingUp);
        require(gcTtl != null && gcTtl.toMillis() >= 1000 && gcTtl.compareTo(MAX_GC_TTL) <= 0,
                "--gc-ttl must be between 1s and " + MAX_GC_TTL.toDays() + " days, got " + gcTtl);
        require(gcInterval != null && gcInterval.toMillis() >= 10, "GC interval must be >= 10 ms, got " + gcInterval);
    }

    /** The GC interval --gc-ttl implies: a tenth of it, at least a minute. */
    public static Duration gcIntervalFor(Duration ttl) {
        Duration tenth = ttl.dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : tenth;
    }

    /** These settings with another --gc-ttl and the interval it implies. */
    public MaintenanceSettings withGcTtl(Duration ttl) {
        require(ttl != null, "--gc-ttl must be set");
        return new MaintenanceSettings(interval, deadAfter, replicationFactor, maxRangeBytes, splitQps, metaRepair,
                autoSplit, allocate, learnerTimeout, countsRefresh, maxChangesPerPass, maxSplitsPerPass,
                maxLearnersCatchingUp, ttl, gcIntervalFor(ttl));
    }

    /** These settings with another GC interval (tests shorten it). */
    public MaintenanceSettings withGcInterval(Duration value) {
        return new MaintenanceSettings(interval, deadAfter, replicationFactor, maxRangeBytes, splitQps, metaRepair,
                autoSplit, allocate, learnerTimeout, countsRefresh, maxChangesPerPass, maxSplitsPerPass,
                maxLearnersCatchingUp, gcTtl, value);
    }

    public static MaintenanceSettings defaults() {
        return new MaintenanceSettings(Duration.ofSeconds(2), Duration.ofMinutes(5), 3, 64L << 20, 2500,
                true, true, true, Duration.ofMinutes(5), Duration.ofSeconds(10), 4, 4, 4, DEFAULT_GC_TTL,
                gcIntervalFor(DEFAULT_GC_TTL));
    }

    public MaintenanceSettings withInterval(Duration value) {
        return new MaintenanceSettings(value, deadAfter, replicationFactor, maxRangeBytes, splitQps, metaRepair,
                autoSplit, allocate, learnerTimeout, countsRefresh, maxChangesPerPass, maxSplitsPerPass, maxLearnersCatchingUp,
                gcTtl, gcInterval);
    }

    public MaintenanceSettings withDeadAfter(Duration value) {
        return new MaintenanceSettings(interval, value, replicationFactor, maxRangeBytes, splitQps, metaRepair,
                autoSplit, allocate, learnerTimeout, countsRefresh, maxChangesPerPass, maxSplitsPerPass, maxLearnersCatchingUp,
                gcTtl, gcInterval);
    }

    public MaintenanceSettings withReplicationFactor(int value) {
        return new MaintenanceSettings(interval, deadAfter, value, maxRangeBytes, splitQps, metaRepair,
                autoSplit, allocate, learnerTimeout, countsRefresh, maxChangesPerPass, maxSplitsPerPass, maxLearnersCatchingUp,
                gcTtl, gcInterval);
    }

    public MaintenanceSettings withSplitThresholds(long maxRangeBytesValue, double splitQpsValue) {
        return new MaintenanceSettings(interval, deadAfter, replicationFactor, maxRangeBytesValue, splitQpsValue,
                metaRepair, autoSplit, allocate, learnerTimeout, countsRefresh, maxChangesPerPass, maxSplitsPerPass,
                maxLearnersCatchingUp, gcTtl, gcInterval);
    }

    public MaintenanceSettings withEnabled(boolean metaRepairValue, boolean autoSplitValue, boolean allocateValue) {
        return new MaintenanceSettings(interval, deadAfter, replicationFactor, maxRangeBytes, splitQps, metaRepairValue,
                autoSplitValue, allocateValue, learnerTimeout, countsRefresh, maxChangesPerPass, maxSplitsPerPass,
                maxLearnersCatchingUp, gcTtl, gcInterval);
    }

    public MaintenanceSettings withCountsRefresh(Duration value) {
        return new MaintenanceSettings(interval, deadAfter, replicationFactor, maxRangeBytes, splitQps, metaRepair,
                autoSplit, allocate, learnerTimeout, value, maxChangesPerPass, maxSplitsPerPass, maxLearnersCatchingUp,
                gcTtl, gcInterval);
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
