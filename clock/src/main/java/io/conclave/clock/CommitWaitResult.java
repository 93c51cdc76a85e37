package io.conclave.clock;

/**
 * The outcome of a {@link CommitWaiter#commitWait commit-wait}: {@code ts} is now in the past on
 * every clock of the cluster, and the wait took {@code waitedNanos} of local physical time (0 if
 * it already was). Exposed per query so users can see what strict serializability cost them.
 *
 * @param witnessed true if a {@link ClockWitness} round ended the wait, false if the maximum
 *     offset was waited out (or had already passed)
 */
public record CommitWaitResult(Timestamp ts, long waitedNanos, boolean witnessed) {
    public CommitWaitResult {
        Invariants.require(ts != null, "timestamp must not be null");
        Invariants.require(waitedNanos >= 0, "waited time must be >= 0, got %d", waitedNanos);
    }

    /** A wait the maximum-offset timer ended. */
    public CommitWaitResult(Timestamp ts, long waitedNanos) {
        this(ts, waitedNanos, false);
    }
}
