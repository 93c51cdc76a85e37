package io.conclave.raft;

/** The log position a snapshot covers and the membership in force at that position. */
public record SnapshotMetadata(long index, long term, ConfState confState) {
    public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0, ConfState.EMPTY);
}
