package io.conclave.raft;

/** Messages that travel between replicas of one group. */
public enum MessageType {
    APPEND,
    APPEND_RESPONSE,
    PRE_VOTE,
    PRE_VOTE_RESPONSE,
    VOTE,
    VOTE_RESPONSE,
    SNAPSHOT,
    HEARTBEAT,
    HEARTBEAT_RESPONSE,
    TIMEOUT_NOW,
    READ_INDEX,
    READ_INDEX_RESPONSE,
    TRANSFER_LEADER
}
