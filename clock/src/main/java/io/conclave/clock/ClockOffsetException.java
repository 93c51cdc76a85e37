package io.conclave.clock;

/**
 * A remote clock reading lies further ahead of the local physical clock than the maximum clock
 * offset allows. Absorbing it would drag this node's clock (and, through it, the cluster's)
 * arbitrarily far into the future, so the message carrying it is refused instead.
 *
 * <p>Stable code {@link #CODE} for logs and client errors.
 */
public final class ClockOffsetException extends RuntimeException {
    public static final String CODE = "CLOCK_OFFSET_EXCEEDED";

    private final Timestamp remote;
    private final long localPhysicalNanos;
    private final long maxOffsetNanos;

    public ClockOffsetException(Timestamp remote, long localPhysicalNanos, long maxOffsetNanos) {
        super(String.format(
                "%s: remote clock reading %s is %s ahead of the local physical clock %s, more than"
                        + " the maximum clock offset (max-offset=%s); refusing the message",
                CODE, remote, ClockDurations.formatApprox(remote.wallNanos() - localPhysicalNanos),
                Timestamp.ofWallNanos(Math.max(0, localPhysicalNanos)),
                ClockDurations.format(maxOffsetNanos)));
        this.remote = remote;
        this.localPhysicalNanos = localPhysicalNanos;
        this.maxOffsetNanos = maxOffsetNanos;
    }

    public Timestamp remote() {
        return remote;
    }

    public long localPhysicalNanos() {
        return localPhysicalNanos;
    }

    public long maxOffsetNanos() {
        return maxOffsetNanos;
    }
}
