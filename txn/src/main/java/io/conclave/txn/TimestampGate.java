package io.conclave.txn;

/**
 * Whether the node a coordinator runs in may hand out timestamps now. A node that cannot prove
 * it is in the registry of clocks the witnessed commit-wait asks (it is registering, or its
 * liveness record expired) must not: a commit acknowledged meanwhile may carry a timestamp above
 * its clock. Consulted before and after every reading of the node's clock, so the open path must
 * be cheap.
 */
public interface TimestampGate {
    /**
     * Returns once the node may hand out timestamps, with a token for {@link #stillOpen}; throws
     * {@link TxnUnavailableException} if it may not within the gate's own bound.
     */
    long awaitOpen();

    /**
     * Whether the node has stayed open since {@link #awaitOpen} returned {@code token}. A reading
     * of the clock taken in between counts only if this holds: the check alone comes before the
     * reading, and a pause between them may carry the reading past the node's expiration.
     */
    boolean stillOpen(long token);
}
