package io.conclave.clock;

/**
 * Two nodes disagree on {@code --max-offset}. Raised when a node joins or connects; the node is
 * refused, because a cluster whose nodes assume different bounds guarantees neither.
 */
public final class MaxOffsetMismatchException extends RuntimeException {
    public static final String CODE = "MAX_OFFSET_MISMATCH";

    private final long localNanos;
    private final long remoteNanos;

    public MaxOffsetMismatchException(long localNanos, long remoteNanos) {
        super(CODE + ": this node runs with --max-offset=" + ClockDurations.format(localNanos)
                + " but the remote node runs with --max-offset=" + ClockDurations.format(remoteNanos)
                + "; every node of a cluster must use the same maximum clock offset");
        this.localNanos = localNanos;
        this.remoteNanos = remoteNanos;
    }

    public long localNanos() {
        return localNanos;
    }

    public long remoteNanos() {
        return remoteNanos;
    }
}
