package io.conclave.raft;

import java.util.List;

/**
 * Read access to what a replica has persisted. Raft only reads through this interface; the
 * caller writes what a {@link Ready} hands it and then calls {@link RawNode#advance(Ready)}.
 *
 * <p>Indexes: {@code firstIndex()} is the first entry still in the log (the snapshot index + 1),
 * {@code lastIndex()} the last. {@code term(firstIndex() - 1)} must answer with the snapshot's
 * term. Raft never asks for {@code term(i)} or {@code entries} beyond {@code lastIndex()}.
 *
 * <p>{@link #confState()} is the membership as of the caller's applied index (what the caller
 * last applied, or the snapshot's); Raft restarts from it and the caller re-applies any conf
 * change entries after its applied index (passed as {@link RaftConfig#applied()}).
 *
 * <p><b>Bootstrap convention.</b> A brand-new group's initial members each start from a storage
 * with an empty log at index 0 — {@code firstIndex() = 1}, {@code lastIndex() = 0}, {@code
 * term(0) = 0}, {@code hardState() = HardState.EMPTY} — whose {@code confState()} names the
 * initial voters (e.g. {@code new MemoryRaftStorage(ConfState.ofVoters(1, 2, 3))}). On seeing
 * exactly that, {@link RawNode} writes one {@code CONF_CHANGE} entry per initial member (voters
 * in id order as {@code ADD_VOTER}, then learners as {@code ADD_LEARNER}, all term 1, indexes
 * 1..n) and treats them as committed; the first Ready hands them out to persist (with hard state
 * term 1, commit n), and a later Ready hands them out to apply (applying them is a no-op on the
 * membership). Every initial member writes identical entries, so the logs agree. Putting the
 * membership in the log is what lets a replica added later learn it by replicating from index 1.
 *
 * <p>A replica created for a node that is about to be added starts from an <em>empty</em>
 * storage ({@code confState() = ConfState.EMPTY}, no log, {@code HardState.EMPTY}): it never
 * campaigns and waits for the leader, which sends it the log from index 1 or a snapshot.
 *
 * <p>When a {@link Ready} carries a snapshot, the caller replaces the log with it: afterwards
 * {@code firstIndex() == snapshot index + 1} ({@link RawNode#advance(Ready)} checks this).
 * Entries above the snapshot index should be dropped too, and appending entries should drop any
 * stored suffix they conflict with (as {@link MemoryRaftStorage} does); while a replica runs,
 * Raft ignores stored entries above the last index it wrote, but after a restart {@code
 * lastIndex()} is trusted.
 *
 * <p>{@link #snapshot()} must cover every compacted entry: before compacting through index i the
 * caller must make {@code snapshot()} return a snapshot at index &ge; i, or the leader cannot
 * catch up a follower that needs the compacted entries (it throws saying so).
 */
public interface RaftStorage {
    HardState hardState();

    ConfState confState();

    /**
     * Entries in {@code [lo, hi)}, at least one even if it alone exceeds {@code maxBytes}.
     *
     * @throws CompactedException if {@code lo < firstIndex()}
     */
    List<Entry> entries(long lo, long hi, long maxBytes);

    /** @throws CompactedException if {@code index} is before {@code firstIndex() - 1}. */
    long term(long index);

    long firstIndex();

    long lastIndex();

    /** The latest snapshot; Raft sends it to a follower that needs entries already compacted. */
    Snapshot snapshot();

    /** Thrown when the requested entries were truncated into a snapshot. */
    final class CompactedException extends RuntimeException {
        public CompactedException(long index, long firstIndex) {
            super("log index " + index + " is compacted; first index is " + firstIndex);
        }
    }
}
