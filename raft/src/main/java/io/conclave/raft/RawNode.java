package io.conclave.raft;

/**
 * One replica of one Raft group, as a deterministic state machine. It does no I/O, starts no
 * threads and reads no clock: time advances only through {@link #tick()}, input arrives only
 * through {@link #step(Message)} and the propose methods, and output leaves only through
 * {@link #ready()}. The caller persists, sends and applies what a Ready holds, then calls
 * {@link #advance(Ready)}.
 */
public final class RawNode {

    /** Restarts (or first starts) a replica from what {@code storage} holds. */
    public RawNode(RaftConfig config, RaftStorage storage) {
        throw new UnsupportedOperationException("not built yet");
    }

    /** Advances logical time by one tick: drives elections and heartbeats. */
    public void tick() {}

    /** Delivers a message from another replica of this group. Messages of older terms are dropped. */
    public void step(Message message) {}

    /**
     * Proposes an entry; returns its index on the leader.
     *
     * @throws ProposalDroppedException when not leader, over the uncommitted limit, or transferring
     */
    public long propose(byte[] data) {
        throw new UnsupportedOperationException();
    }

    /** Proposes a membership change; at most one may be pending (appended, not yet applied). */
    public long proposeConfChange(ConfChange change) {
        throw new UnsupportedOperationException();
    }

    /**
     * Applies a committed conf change entry to this replica's membership view; the caller calls it
     * when it applies that entry, and persists the returned state with the applied index.
     */
    public ConfState applyConfChange(ConfChange change) {
        throw new UnsupportedOperationException();
    }

    /** Starts moving leadership to {@code transferee} (leader only); ends with TIMEOUT_NOW. */
    public void transferLeadership(long transferee) {}

    /** Requests a linearizable read point; answered later as a {@link ReadState} in a Ready. */
    public void readIndex(byte[] context) {}

    /** Campaigns now (skipping the election timeout), e.g. to bootstrap a single-replica group. */
    public void campaign() {}

    /** Tells the leader a message to {@code id} could not be delivered: fall back to probing. */
    public void reportUnreachable(long id) {}

    /** Tells the leader whether a snapshot sent to {@code id} was applied. */
    public void reportSnapshot(long id, boolean applied) {}

    public boolean hasReady() {
        return false;
    }

    public Ready ready() {
        throw new UnsupportedOperationException();
    }

    /** Acknowledges that everything in {@code ready} was persisted, sent and applied. */
    public void advance(Ready ready) {}

    public RaftStatus status() {
        throw new UnsupportedOperationException();
    }
}
