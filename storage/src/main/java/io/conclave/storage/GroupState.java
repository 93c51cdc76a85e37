package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.HardState;
import io.conclave.raft.SnapshotMetadata;

/**
 * The persisted Raft state of one group as last committed, held in memory so that Raft's calls
 * for indexes, terms at the edges and hard state never read LMDB.
 *
 * <p>Invariants (checked at the end of every batch that touches the group):
 * {@code truncatedIndex <= snapshotMeta.index <= appliedIndex <= hardState.commit <= lastIndex};
 * the log holds exactly the entries
 * {@code (truncatedIndex, lastIndex]}.
 *
 * @param exists whether the group has any key in the store
 * @param truncatedIndex the last index dropped from the log; {@code firstIndex() - 1}
 * @param truncatedTerm the term of the entry at {@code truncatedIndex}
 */
record GroupState(
        boolean exists,
        HardState hardState,
        long truncatedIndex,
        long truncatedTerm,
        long lastIndex,
        SnapshotMetadata snapshotMeta,
        long appliedIndex,
        ConfState appliedConfState) {

    static final GroupState EMPTY =
            new GroupState(false, HardState.EMPTY, 0, 0, 0, SnapshotMetadata.EMPTY, 0, ConfState.EMPTY);

    void checkInvariants(long groupId) {
        Invariants.check(truncatedIndex <= snapshotMeta.index(),
                "group %s: log truncated to %s but the snapshot point is %s: a follower needing the dropped"
                        + " entries could not catch up; call setSnapshotMeta up to the compaction index first",
                groupId, truncatedIndex, snapshotMeta.index());
        Invariants.check(snapshotMeta.index() <= appliedIndex,
                "group %s: snapshot metadata at index %s is ahead of the applied index %s",
                groupId, snapshotMeta.index(), appliedIndex);
        Invariants.check(appliedIndex <= lastIndex,
                "group %s: applied index %s is beyond the last log index %s", groupId, appliedIndex, lastIndex);
        Invariants.check(appliedIndex <= hardState.commit(),
                "group %s: applied index %s is beyond the hard state's commit index %s: only committed entries"
                        + " may be applied (persist the Ready's hard state in the same batch)",
                groupId, appliedIndex, hardState.commit());
        Invariants.check(hardState.commit() <= lastIndex,
                "group %s: hard state commit %s is beyond the last log index %s",
                groupId, hardState.commit(), lastIndex);
        Invariants.check(truncatedIndex <= lastIndex,
                "group %s: truncated index %s is beyond the last index %s", groupId, truncatedIndex, lastIndex);
    }
}
