package io.conclave.range.multiraft;

import io.conclave.raft.Role;
import io.conclave.raft.SoftState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the Raft groups of one scheduler did, counted for the node's metrics and console: the
 * scheduler thread writes, any thread reads. Every method is a few adds (a split also takes a
 * short lock), so the scheduler's cycle does not notice them.
 *
 * <p>Splits are recorded where the left range's leader applies them, so each split appears once
 * in the cluster (unless leadership moved during the split's Raft round), and the last
 * {@link #RECENT_SPLITS} are kept: a console wants the recent ones, not a history.
 */
public final class SchedulerEvents {
    /** Split events kept per node: enough for a screen of recent splits, bounded in memory. */
    public static final int RECENT_SPLITS = 64;

    /** One applied split: the left range kept {@code [start, splitKey)}, the new range took the rest. */
    public record Split(long rangeId, long newRangeId, byte[] splitKey, long atWallNanos) {}

    private final LongAdder proposals = new LongAdder();
    private final LongAdder elections = new LongAdder();
    private final LongAdder leaderChanges = new LongAdder();
    private final LongAdder snapshotsSent = new LongAdder();
    private final LongAdder splits = new LongAdder();
    private final LongAdder replicasDestroyed = new LongAdder();
    private final ArrayDeque<Split> recentSplits = new ArrayDeque<>();

    void proposed() {
        proposals.increment();
    }

    /**
     * Compares a replica's role and leader before a Ready with the Ready's soft state: a move to
     * (pre-)candidate is an election this node started, a new non-zero leader a leader change.
     */
    void softState(long leaderBefore, Role roleBefore, SoftState next) {
        if (next == null) return;
        if (next.role() == Role.PRE_CANDIDATE && roleBefore != Role.PRE_CANDIDATE
                || next.role() == Role.CANDIDATE && roleBefore == Role.FOLLOWER) {
            elections.increment();
        }
        if (next.leaderId() != 0 && next.leaderId() != leaderBefore) leaderChanges.increment();
    }

    void snapshotSent() {
        snapshotsSent.increment();
    }

    void replicaDestroyed() {
        replicasDestroyed.increment();
    }

    void split(long rangeId, long newRangeId, byte[] splitKey, long atWallNanos) {
        splits.increment();
        synchronized (recentSplits) {
            if (recentSplits.size() == RECENT_SPLITS) recentSplits.removeFirst();
            recentSplits.addLast(new Split(rangeId, newRangeId, splitKey.clone(), atWallNanos));
        }
    }

    /** Commands proposed to Raft by this node's leaders (one per batch of writes, split or lease). */
    public long proposals() {
        return proposals.sum();
    }

    /** Elections this node's replicas started (a pre-vote, or a vote without pre-vote). */
    public long elections() {
        return elections.sum();
    }

    /** Times one of this node's replicas learned of a new leader (itself included). */
    public long leaderChanges() {
        return leaderChanges.sum();
    }

    /** Raft snapshots this node's leaders sent to followers that had fallen behind the log. */
    public long snapshotsSent() {
        return snapshotsSent.sum();
    }

    /** Replicas this node destroyed after a member told it of their removal (replica GC). */
    public long replicasDestroyed() {
        return replicasDestroyed.sum();
    }

    /** Splits applied by a leader on this node since it started. */
    public long splits() {
        return splits.sum();
    }

    /** The most recent splits, oldest first. */
    public List<Split> recentSplits() {
        synchronized (recentSplits) {
            return new ArrayList<>(recentSplits);
        }
    }
}
