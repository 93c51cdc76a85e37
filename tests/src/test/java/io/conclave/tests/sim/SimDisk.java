package io.conclave.tests.sim;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.MemoryRaftStorage;
import io.conclave.raft.RaftStorage;
import io.conclave.raft.Snapshot;
import java.util.List;

/**
 * What survives a crash of one simulated node: the Raft log, hard state and latest snapshot (in a
 * {@link MemoryRaftStorage}), and the applied state machine with its applied index. Every write
 * here is treated as already synced: the driver writes a Ready's contents here before it sends
 * that Ready's messages, so a crash at any point between two driver actions loses nothing a peer
 * was told about.
 *
 * <p>Raft reads through this class rather than the storage directly for one reason: snapshots
 * are served on demand (see {@link #snapshot()}).
 */
final class SimDisk implements RaftStorage {
    private MemoryRaftStorage log;
    private final AppliedState applied;
    /** The hard state as of the last synced Ready; what a crash may fall back to. */
    private HardState syncedHardState = HardState.EMPTY;

    SimDisk(ConfState initialConfState) {
        this.log = new MemoryRaftStorage(initialConfState);
        this.applied = new AppliedState(initialConfState);
    }

    AppliedState applied() {
        return applied;
    }

    // ---- RaftStorage (what Raft reads) ----

    @Override
    public HardState hardState() {
        return log.hardState();
    }

    /** The membership as of the applied index: what a restarted replica must start from. */
    @Override
    public ConfState confState() {
        return log.confState();
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        return log.entries(lo, hi, maxBytes);
    }

    @Override
    public long term(long index) {
        return log.term(index);
    }

    @Override
    public long firstIndex() {
        return log.firstIndex();
    }

    @Override
    public long lastIndex() {
        return log.lastIndex();
    }

    /**
     * A snapshot at the applied index, made on demand when the stored one is older, the way a
     * storage engine that can read a consistent image of its state machine serves snapshots. A
     * stored snapshot can predate a replica's addition, and a replica rightly refuses a snapshot
     * whose membership does not include it, so serving only the last compaction point could
     * leave a new replica waiting forever for the next compaction.
     */
    @Override
    public Snapshot snapshot() {
        takeSnapshotAtApplied();
        return log.snapshot();
    }

    // ---- writes (what the driver persists) ----

    void append(List<Entry> entries) {
        log.append(entries);
    }

    void setHardState(HardState state) {
        log.setHardState(state);
    }

    /** An fsync: everything written so far survives any crash. */
    void sync() {
        syncedHardState = log.hardState();
    }

    /** Replaces log and state machine by a snapshot received from the leader. */
    void installSnapshot(Snapshot received) {
        log.applySnapshot(received);
        applied.restore(received.data(), received.metadata().index(), received.metadata().confState());
    }

    /** Records what applying one entry did: written together with the applied index. */
    void recordApplied(Entry entry, ConfState confStateAfter) {
        applied.apply(entry);
        if (confStateAfter != null) {
            applied.setConfState(confStateAfter);
            log.setConfState(confStateAfter);
        }
    }

    /** Takes a snapshot at the applied index and drops the log up to it. */
    void snapshotAndCompact() {
        takeSnapshotAtApplied();
        log.compact(log.snapshot().metadata().index());
    }

    /**
     * What a restarted process finds: an independent copy, sharing nothing with the dead one.
     * With {@code loseUnsynced}, hard states written since the last sync are lost; they differ
     * from the synced one only in the commit index (Raft asks for a sync whenever the term, the
     * vote, the entries or the snapshot change), so the commit index may fall back, even below
     * the applied index, which is synced with the state machine.
     *
     * @return the hard state the restarted node finds
     */
    HardState crash(boolean loseUnsynced) {
        log = log.copy();
        if (loseUnsynced && !log.hardState().equals(syncedHardState)) {
            HardState current = log.hardState();
            SimCheck.check(current.term() == syncedHardState.term() && current.vote() == syncedHardState.vote(),
                    "an unsynced hard state %s changed more than the commit index of %s", current, syncedHardState);
            log.setHardState(syncedHardState);
        }
        return log.hardState();
    }

    long snapshotIndex() {
        return log.firstIndex() - 1;
    }

    private void takeSnapshotAtApplied() {
        long index = applied.appliedIndex();
        if (index > log.snapshot().metadata().index()) log.createSnapshot(index, applied.confState(), applied.encode());
    }
}
