package io.conclave.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link RaftStorage} for tests and simulation. Writes take effect immediately; a
 * {@link #copy()} is what "survived a crash". Not thread-safe.
 *
 * <p>Layout: the log is entries {@code (compactedIndex, lastIndex]}; the entry at {@code
 * compactedIndex} is gone but its term is kept so the entry after it can still be matched.
 * {@link #snapshot()} is the latest snapshot created or applied; compaction may not pass it.
 */
public final class MemoryRaftStorage implements RaftStorage {
    private HardState hardState = HardState.EMPTY;
    private ConfState confState;
    private Snapshot snapshot;
    private long compactedIndex;
    private long compactedTerm;
    private final ArrayList<Entry> entries;

    /** An empty storage: a replica waiting to be added to a group (empty configuration). */
    public MemoryRaftStorage() {
        this(ConfState.EMPTY);
    }

    /** A brand-new group's storage: {@code initial} names its first members (see {@link RaftStorage}). */
    public MemoryRaftStorage(ConfState initial) {
        this.confState = initial;
        this.snapshot = new Snapshot(new SnapshotMetadata(0, 0, initial), new byte[0]);
        this.entries = new ArrayList<>();
    }

    private MemoryRaftStorage(MemoryRaftStorage o) {
        this.hardState = o.hardState;
        this.confState = o.confState;
        this.snapshot = o.snapshot;
        this.compactedIndex = o.compactedIndex;
        this.compactedTerm = o.compactedTerm;
        this.entries = new ArrayList<>(o.entries);
    }

    /** An independent copy (entries are immutable values, so sharing them is safe). */
    public MemoryRaftStorage copy() {
        return new MemoryRaftStorage(this);
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public ConfState confState() {
        return confState;
    }

    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        if (lo <= compactedIndex) throw new CompactedException(lo, firstIndex());
        if (hi > lastIndex() + 1 || lo > hi) {
            throw new IllegalArgumentException("entries [" + lo + "," + hi + ") out of bounds; last index is "
                    + lastIndex());
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long i = lo; i < hi; i++) {
            Entry e = entries.get((int) (i - compactedIndex - 1));
            if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) break;
            out.add(e);
            bytes += e.sizeBytes();
        }
        return out;
    }

    @Override
    public long term(long index) {
        if (index < compactedIndex) throw new CompactedException(index, firstIndex());
        if (index == compactedIndex) return compactedTerm;
        if (index > lastIndex()) {
            throw new IllegalArgumentException("term(" + index + ") beyond last index " + lastIndex());
        }
        return entries.get((int) (index - compactedIndex - 1)).term();
    }

    @Override
    public long firstIndex() {
        return compactedIndex + 1;
    }

    @Override
    public long lastIndex() {
        return compactedIndex + entries.size();
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Appends entries, replacing any conflicting suffix; entries already compacted are skipped. */
    public void append(List<Entry> ents) {
        if (ents.isEmpty()) return;
        long first = ents.get(0).index();
        if (first + ents.size() - 1 <= compactedIndex) return;
        if (first <= compactedIndex) {
            ents = ents.subList((int) (compactedIndex + 1 - first), ents.size());
            first = compactedIndex + 1;
        }
        if (first > lastIndex() + 1) {
            throw new IllegalArgumentException("append at " + first + " leaves a gap after last index " + lastIndex());
        }
        for (int i = 1; i < ents.size(); i++) {
            if (ents.get(i).index() != first + i) {
                throw new IllegalArgumentException("appended entries are not contiguous: " + ents);
            }
        }
        int keep = (int) (first - compactedIndex - 1);
        entries.subList(keep, entries.size()).clear();
        entries.addAll(ents);
    }

    public void setHardState(HardState hs) {
        hardState = hs;
    }

    /** Sets the membership as of the applied index (the caller does this when applying). */
    public void setConfState(ConfState cs) {
        confState = cs;
    }

    /** Replaces the whole log with an incoming snapshot (from a Ready). */
    public void applySnapshot(Snapshot snap) {
        SnapshotMetadata meta = snap.metadata();
        if (meta.index() <= snapshot.metadata().index()) {
            throw new IllegalArgumentException("snapshot at " + meta.index() + " is not newer than the stored one at "
                    + snapshot.metadata().index());
        }
        snapshot = snap;
        compactedIndex = meta.index();
        compactedTerm = meta.term();
        entries.clear();
        confState = meta.confState();
    }

    /**
     * Records a snapshot of the state machine at {@code index} (which the caller applied), with
     * the membership {@code cs} in force there. It does not compact; see {@link #compact(long)}.
     */
    public Snapshot createSnapshot(long index, ConfState cs, byte[] data) {
        if (index <= snapshot.metadata().index()) {
            throw new IllegalArgumentException("snapshot at " + index + " is not newer than the stored one at "
                    + snapshot.metadata().index());
        }
        if (index > lastIndex()) {
            throw new IllegalArgumentException("snapshot at " + index + " is beyond last index " + lastIndex());
        }
        snapshot = new Snapshot(new SnapshotMetadata(index, term(index), cs), data);
        return snapshot;
    }

    /** Drops entries up to and including {@code index}, which must be covered by the snapshot. */
    public void compact(long index) {
        if (index <= compactedIndex) return;
        if (index > snapshot.metadata().index()) {
            throw new IllegalArgumentException("compact(" + index + ") beyond the latest snapshot at "
                    + snapshot.metadata().index() + ": create a snapshot first, or lagging followers can never catch up");
        }
        long term = term(index);
        entries.subList(0, (int) (index - compactedIndex)).clear();
        compactedIndex = index;
        compactedTerm = term;
    }
}
