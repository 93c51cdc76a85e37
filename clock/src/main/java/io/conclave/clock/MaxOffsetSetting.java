package io.conclave.clock;

/**
 * The maximum clock offset: the cluster-wide bound on how far any two nodes' physical clocks may
 * differ ({@code --max-offset}). Correctness of reads rests on it; see the package docs.
 *
 * <h2>Why the default is 250 ms</h2>
 *
 * The bound is paid for twice, in opposite directions:
 *
 * <ul>
 *   <li><b>Uncertainty restarts.</b> A read at {@code ts} treats any value written in
 *       {@code (ts, ts + maxOffset]} as possibly in its past and restarts above it. A larger
 *       bound means more restarts for reads of recently written, contended keys.
 *   <li><b>Commit-wait.</b> Conclave acknowledges a read-write commit at {@code ts} only once
 *       every clock has certainly passed {@code ts}, i.e. after roughly {@code maxOffset} of
 *       local time (less whatever replication already took). That latency is paid by every
 *       read-write transaction, so a large bound makes every write slow.
 *   <li><b>Safety margin.</b> A bound smaller than the real offsets makes stale reads possible;
 *       the offset guard stops a node at 80% of the bound, so too small a bound stops nodes on
 *       ordinary NTP jitter.
 * </ul>
 *
 * CockroachDB defaults to 500 ms and never waits it out: it keeps single-key linearizability
 * but gives up strict serializability across keys (the "causal reverse" anomaly) in exchange. Spanner's TrueTime bounds uncertainty
 * to a few milliseconds with GPS and atomic clocks and waits it out on every read-write commit.
 * Conclave waits it out like Spanner but runs on NTP like CockroachDB, so it takes the middle:
 * 250 ms is ten to a hundred times the offsets NTP keeps on a healthy network, so the guard does
 * not fire on jitter, while a commit costs a quarter second at most instead of half of one.
 * Clusters with better time (a local PTP/chrony setup, or all nodes on one host, where
 * {@link #LOOPBACK} suits) should set it lower: commit latency falls with it one for one.
 *
 * <p>Every node of a cluster must use the same value: a node with a larger bound would accept
 * timestamps the others consider impossible, and one with a smaller bound would under-wait.
 * {@link #checkCompatible} refuses a node that joins with a different value.
 */
public record MaxOffsetSetting(long nanos) {
    /** Smallest accepted bound: below a microsecond no real clock pair can be trusted. */
    public static final long MIN_NANOS = 1_000L;
    /** Largest accepted bound: beyond it commit-wait makes every write take more than 10 s. */
    public static final long MAX_NANOS = 10_000_000_000L;
    /** The default, 250 ms; see the class comment for the trade-off. */
    public static final MaxOffsetSetting DEFAULT = new MaxOffsetSetting(250_000_000L);
    /** A suggestion for clusters whose nodes all share one host clock (demo, tests): 10 ms. */
    public static final MaxOffsetSetting LOOPBACK = new MaxOffsetSetting(10_000_000L);

    public MaxOffsetSetting {
        validate(nanos);
    }

    /** Parses a flag value such as {@code 250ms} (see {@link ClockDurations#parse}). */
    public static MaxOffsetSetting parse(String flagValue) {
        return new MaxOffsetSetting(ClockDurations.parse(flagValue));
    }

    /** Throws {@link IllegalArgumentException} unless {@code nanos} is an acceptable bound. */
    public static long validate(long nanos) {
        if (nanos < MIN_NANOS || nanos > MAX_NANOS) {
            throw new IllegalArgumentException("--max-offset=" + ClockDurations.format(nanos)
                    + " is out of range: it must be between " + ClockDurations.format(MIN_NANOS)
                    + " and " + ClockDurations.format(MAX_NANOS));
        }
        return nanos;
    }

    /**
     * Refuses a peer whose maximum offset differs from the local one.
     *
     * @throws MaxOffsetMismatchException naming both values
     */
    public static void checkCompatible(MaxOffsetSetting local, MaxOffsetSetting remote) {
        if (local.nanos != remote.nanos) {
            throw new MaxOffsetMismatchException(local.nanos, remote.nanos);
        }
    }

    /** {@link #checkCompatible(MaxOffsetSetting, MaxOffsetSetting)} on raw nanoseconds (as on the wire). */
    public static void checkCompatible(long localNanos, long remoteNanos) {
        if (localNanos != remoteNanos) {
            throw new MaxOffsetMismatchException(localNanos, remoteNanos);
        }
    }

    /** The flag form, e.g. {@code 250ms}. */
    @Override
    public String toString() {
        return ClockDurations.format(nanos);
    }
}
