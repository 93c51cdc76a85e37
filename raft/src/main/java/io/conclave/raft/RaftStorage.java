package io.conclave.raft;

import java.util.List;

/**
 * Read access to what a replica has persisted. Raft only reads through this interface; the
 * caller writes what a {@link Ready} hands it and then calls {@link RawNode#advance(Ready)}.
 *
 * <p>Indexes: {@code firstIndex()} is the first entry still in the log (the snapshot index + 1),
 * {@code lastIndex()} the last. {@code term(firstIndex() - 1)} must answer with the snapshot's
 * term.
 */
public interface RaftStorage {
    HardState hardState();

    ConfState confState();

    /** Entries in {@code [lo, hi)}, at least one even if it alone exceeds {@code maxBytes}. */
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
