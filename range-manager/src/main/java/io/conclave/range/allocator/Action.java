package io.conclave.range.allocator;

/** One membership or lease change the allocator asks for, with why (for the log). */
public sealed interface Action {
    long nodeId();

    String reason();

    /** Add a non-voting replica on the node; it is promoted once caught up. */
    record AddLearner(long nodeId, String reason) implements Action {}

    /** Make the caught-up learner on the node a voter. */
    record PromoteLearner(long nodeId, String reason) implements Action {}

    /** Remove the node's replica (voter or learner). Never the leaseholder's. */
    record RemoveReplica(long nodeId, String reason) implements Action {}

    /** Hand the lease to the node, which holds a voter. */
    record TransferLease(long nodeId, String reason) implements Action {}
}
