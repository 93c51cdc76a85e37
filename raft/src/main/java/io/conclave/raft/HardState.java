package io.conclave.raft;

/** The state a replica must persist before it sends any message that depends on it. */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, 0, 0);
}
