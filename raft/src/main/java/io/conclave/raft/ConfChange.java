package io.conclave.raft;

/** A single membership change; Conclave applies at most one at a time per group. */
public record ConfChange(ConfChangeType type, long nodeId) {
    public enum ConfChangeType {
        ADD_VOTER,
        ADD_LEARNER,
        REMOVE_NODE
    }
}
