package io.conclave.raft;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica of one Raft group, as a deterministic state machine. It does no I/O, starts no
 * threads and reads no clock: time advances only through {@link #tick()}, input arrives only
 * through {@link #step(Message)} and the propose methods, and output leaves only through
 * {@link #ready()}. The caller persists, sends and applies what a Ready holds, then calls
 * {@link #advance(Ready)}.
 *
 * <p>Not thread-safe: one thread (or one lock) per RawNode.
 */
public final class RawNode {
    private final Raft raft;
    private final long id;
    /** What the caller was last handed, to report only changes. */
    private SoftState prevSoftState;
    private HardState prevHardState;

    /** Restarts (or first starts) a replica from what {@code storage} holds. */
    public RawNode(RaftConfig config, RaftStorage storage) {
        this.raft = new Raft(config, storage);
        this.id = config.id();
        this.prevSoftState = new SoftState(raft.lead, raft.role);
        // A bootstrapped group's first hard state (term 1, commit of the membership entries)
        // differs from what storage holds, so it is handed out in the first Ready.
        this.prevHardState = storage.hardState();
    }

    /** Advances logical time by one tick: drives elections and heartbeats. */
    public void tick() {
        raft.tick();
    }

    /** Delivers a message from another replica of this group. Messages of older terms are dropped. */
    public void step(Message message) {
        if (message.to() != id) {
            throw new IllegalArgumentException("message for replica " + message.to() + " stepped into replica " + id
                    + ": " + message);
        }
        if (message.from() == id) {
            throw new IllegalArgumentException("replica " + id + " received its own message: " + message);
        }
        raft.step(message);
    }

    /**
     * Proposes an entry; returns its index on the leader.
     *
     * @throws ProposalDroppedException when not leader, over the uncommitted limit, or transferring
     */
    public long propose(byte[] data) {
        return raft.propose(data);
    }

    /**
     * Proposes a membership change; at most one may be pending (appended, not yet applied).
     *
     * @throws ProposalDroppedException when not leader, transferring, or a change is pending
     * @throws IllegalArgumentException for a change that is never valid (demoting a voter to a
     *     learner, removing the last voter)
     */
    public long proposeConfChange(ConfChange change) {
        return raft.proposeConfChange(change);
    }

    /**
     * Applies a committed conf change entry to this replica's membership view; the caller calls it
     * when it applies that entry, and persists the returned state with the applied index.
     */
    public ConfState applyConfChange(ConfChange change) {
        return raft.applyConfChange(change);
    }

    /** Starts moving leadership to {@code transferee} (leader only); ends with TIMEOUT_NOW. */
    public void transferLeadership(long transferee) {
        raft.transferLeadership(transferee);
    }

    /** Requests a linearizable read point; answered later as a {@link ReadState} in a Ready. */
    public void readIndex(byte[] context) {
        raft.readIndex(context);
    }

    /** Campaigns now (skipping the election timeout), e.g. to bootstrap a single-replica group. */
    public void campaign() {
        raft.campaignNow();
    }

    /** Tells the leader a message to {@code id} could not be delivered: fall back to probing. */
    public void reportUnreachable(long id) {
        raft.reportUnreachable(id);
    }

    /** Tells the leader whether a snapshot sent to {@code id} was applied. */
    public void reportSnapshot(long id, boolean applied) {
        raft.reportSnapshot(id, applied);
    }

    /** Whether {@link #ready()} would hand out anything. O(1): called for every idle group. */
    public boolean hasReady() {
        if (raft.lead != prevSoftState.leaderId() || raft.role != prevSoftState.role()) return true;
        if (raft.term != prevHardState.term() || raft.vote != prevHardState.vote()
                || raft.log.committed != prevHardState.commit()) {
            return true;
        }
        if (!raft.msgs.isEmpty() || !raft.readStates.isEmpty()) return true;
        Unstable u = raft.log.unstable;
        if (u.hasNextEntries() || u.hasNextSnapshot()) return true;
        return raft.log.hasNextCommittedEntries();
    }

    /**
     * Everything to do now. Entries, snapshot and committed entries handed out here are not
     * handed out again, even before {@link #advance(Ready)}; Readys must be advanced in order.
     */
    public Ready ready() {
        RaftLog log = raft.log;
        SoftState soft = new SoftState(raft.lead, raft.role);
        HardState hard = new HardState(raft.term, raft.vote, log.committed);
        List<Entry> entries = log.unstable.nextEntries();
        Snapshot snapshot = log.unstable.hasNextSnapshot() ? log.unstable.snapshot : Snapshot.EMPTY;
        List<Entry> committed = log.nextCommittedEntries();
        boolean hardChanged = !hard.equals(prevHardState);
        if (hardChanged) checkHardStateTransition(prevHardState, hard);
        boolean mustSync = !entries.isEmpty() || !snapshot.isEmpty() || hard.term() != prevHardState.term()
                || hard.vote() != prevHardState.vote();
        Ready rd = new Ready(
                soft.equals(prevSoftState) ? null : soft,
                hardChanged ? hard : null,
                entries, snapshot, committed,
                List.copyOf(raft.msgs),
                List.copyOf(raft.readStates),
                mustSync);
        // Accept: what was handed out is the caller's now.
        prevSoftState = soft;
        prevHardState = hard;
        raft.msgs.clear();
        raft.readStates.clear();
        log.unstable.acceptInProgress();
        if (!committed.isEmpty()) log.acceptApplying(committed.get(committed.size() - 1).index());
        return rd;
    }

    /** What the caller persists may only move forward: a regression here would be a lost vote or commit. */
    private static void checkHardStateTransition(HardState prev, HardState next) {
        Invariants.check(next.term() >= prev.term(), "term went back from %d to %d", prev.term(), next.term());
        Invariants.check(next.commit() >= prev.commit(), "commit went back from %d to %d", prev.commit(), next.commit());
        Invariants.check(next.term() != prev.term() || prev.vote() == 0 || next.vote() == prev.vote(),
                "vote changed within term %d from %d to %d", next.term(), prev.vote(), next.vote());
    }

    /** Acknowledges that everything in {@code ready} was persisted, sent and applied. */
    public void advance(Ready ready) {
        RaftLog log = raft.log;
        if (!ready.snapshot().isEmpty()) {
            long index = ready.snapshot().metadata().index();
            // (A later snapshot or a compaction may already have moved it further.)
            Invariants.check(log.storage.firstIndex() >= index + 1,
                    "after persisting a snapshot at %d storage must start after it, but its first index is %d",
                    index, log.storage.firstIndex());
            log.stableSnapTo(index);
            if (index > log.applied) log.appliedTo(index);
        }
        if (!ready.entries().isEmpty()) {
            Entry last = ready.entries().get(ready.entries().size() - 1);
            log.stableTo(last.index(), last.term());
            raft.persistedTo(log.persistedLastIndex());
        }
        if (!ready.committedEntries().isEmpty()) {
            long index = ready.committedEntries().get(ready.committedEntries().size() - 1).index();
            if (index > log.applied) log.appliedTo(index);
            raft.reduceUncommittedBytes(ready.committedEntries());
        }
        raft.afterApply();
    }

    /** Term, vote and commit index now; cheap, unlike {@link #status()}. */
    public HardState hardState() {
        return new HardState(raft.term, raft.vote, raft.log.committed);
    }

    /** Leader and role now; cheap, unlike {@link #status()}. */
    public SoftState softState() {
        return new SoftState(raft.lead, raft.role);
    }

    /** The last index in the log, persisted or not. */
    public long lastIndex() {
        return raft.log.lastIndex();
    }

    public RaftStatus status() {
        Map<Long, Long> match = new TreeMap<>();
        Map<Long, RaftStatus.Peer> progress = new TreeMap<>();
        if (raft.role == Role.LEADER) {
            raft.trk.progress.forEach((peer, pr) -> {
                match.put(peer, pr.match);
                progress.put(peer, new RaftStatus.Peer(pr.state.name(), pr.match, pr.next, pr.inflights.count(),
                        pr.isLearner, pr.recentActive));
            });
        }
        return new RaftStatus(id, new HardState(raft.term, raft.vote, raft.log.committed),
                new SoftState(raft.lead, raft.role), raft.log.applied, raft.log.lastIndex(),
                raft.trk.confState(), Collections.unmodifiableMap(match), raft.leadTransferee,
                Collections.unmodifiableMap(progress));
    }

    /** Package-private view for tests in this package. */
    Raft raft() {
        return raft;
    }
}
