package io.conclave.txn;

/**
 * Whether the node a coordinator runs in may hand out timestamps now. A node that cannot prove
 * it is in the registry of clocks the witnessed commit-wait asks (it is registering, or its
 * liveness record expired) must not: a commit acknowledged meanwhile may carry a timestamp above
 * its clock. Consulted before every reading of the node's clock, so the open path must be cheap.
 */
@FunctionalInterface
public interface TimestampGate {
    /**
     * Returns once the node may hand out timestamps; throws {@link TxnUnavailableException} if it
     * may not within the gate's own bound.
     */
    void awaitOpen();
}
