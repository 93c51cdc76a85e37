package io.conclave.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The replica's view of its log: what the caller persisted ({@link RaftStorage}) followed by the
 * {@link Unstable} tail. Invariants, checked where they change:
 * <ul>
 *   <li>{@code applied <= applying <= committed <= lastIndex()}</li>
 *   <li>{@code committed} never decreases (a committed entry is never truncated)</li>
 * </ul>
 */
final class RaftLog {
    final RaftStorage storage;
    final Unstable unstable;
    /** Highest index known to be committed by a quorum. */
    long committed;
    /** Highest index handed to the caller to apply (in a Ready not yet advanced). */
    long applying;
    /** Highest index the caller applied. */
    long applied;
    /** Most bytes of committed entries handed out in one Ready. */
    private final long maxApplyingBytes;

    RaftLog(RaftStorage storage, long maxApplyingBytes) {
        this.storage = storage;
        this.maxApplyingBytes = maxApplyingBytes;
        long first = storage.firstIndex();
        long last = storage.lastIndex();
        Invariants.check(first >= 1 && last >= first - 1,
                "storage reports firstIndex %d and lastIndex %d", first, last);
        this.unstable = new Unstable(last + 1);
        this.committed = first - 1;
        this.applying = first - 1;
        this.applied = first - 1;
    }

    long firstIndex() {
        long i = unstable.maybeFirstIndex();
        return i >= 0 ? i : storage.firstIndex();
    }

    long lastIndex() {
        long i = unstable.maybeLastIndex();
        // Not storage.lastIndex(): the log ends where Raft last put it. A storage that keeps a
        // stale tail (entries above a truncation point that it did not drop) must not make them
        // reappear. Both agree whenever storage dropped what it was told to.
        return i >= 0 ? i : unstable.offset - 1;
    }

    /**
     * The term of the entry at {@code index}; 0 if {@code index} is beyond the last index.
     *
     * @throws RaftStorage.CompactedException if the entry was compacted into a snapshot
     */
    long term(long index) {
        long t = unstable.maybeTerm(index);
        if (t >= 0) return t;
        long dummy = firstIndex() - 1;
        if (index < dummy) throw new RaftStorage.CompactedException(index, dummy + 1);
        if (index > lastIndex()) return 0;
        return storage.term(index);
    }

    /** The term at {@code index}, or 0 if it is compacted or beyond the log. */
    long termOrZero(long index) {
        try {
            return term(index);
        } catch (RaftStorage.CompactedException e) {
            return 0;
        }
    }

    long lastTerm() {
        return term(lastIndex());
    }

    boolean matchTerm(long index, long term) {
        if (index > lastIndex()) return false;
        try {
            return term(index) == term;
        } catch (RaftStorage.CompactedException e) {
            return false;
        }
    }

    /** Whether a log ending at (lastIndex, term) is at least as up to date as this one (§5.4.1). */
    boolean isUpToDate(long lastIndex, long term) {
        long ourTerm = lastTerm();
        return term > ourTerm || (term == ourTerm && lastIndex >= lastIndex());
    }

    /**
     * Appends entries from a leader whose log has (index, logTerm). Returns the index of the last
     * new entry, or -1 if our log does not contain (index, logTerm).
     */
    long maybeAppend(long index, long logTerm, long leaderCommit, List<Entry> ents) {
        if (!matchTerm(index, logTerm)) return -1;
        long lastNew = index + ents.size();
        long conflict = findConflict(ents);
        if (conflict != 0) {
            Invariants.check(conflict > committed,
                    "entry %d conflicts with committed entry (committed %d)", conflict, committed);
            append(ents.subList((int) (conflict - index - 1), ents.size()));
        }
        commitTo(Math.min(leaderCommit, lastNew));
        return lastNew;
    }

    /** The first entry whose term differs from ours (or that we lack), or 0 if all match. */
    private long findConflict(List<Entry> ents) {
        for (Entry e : ents) {
            if (!matchTerm(e.index(), e.term())) return e.index();
        }
        return 0;
    }

    /**
     * The largest index at or below {@code index} whose term is at most {@code term}, with that
     * term: lets a leader skip a whole term of divergent entries per round trip. Returns {index,
     * term}; a compacted position is answered with its index and term 0.
     */
    long[] findConflictByTerm(long index, long term) {
        long floor = firstIndex() - 1;
        for (; index > 0; index--) {
            if (index < floor) return new long[] {index, 0};
            long ourTerm;
            try {
                ourTerm = term(index);
            } catch (RaftStorage.CompactedException e) {
                return new long[] {index, 0};
            }
            if (ourTerm <= term) return new long[] {index, ourTerm};
        }
        return new long[] {0, 0};
    }

    long append(List<Entry> ents) {
        if (ents.isEmpty()) return lastIndex();
        long after = ents.get(0).index() - 1;
        Invariants.check(after >= committed, "appending after %d would overwrite committed %d", after, committed);
        Invariants.check(after <= lastIndex(), "append after %d leaves a gap after last index %d", after, lastIndex());
        unstable.truncateAndAppend(ents);
        return lastIndex();
    }

    void commitTo(long toCommit) {
        if (committed < toCommit) {
            Invariants.check(toCommit <= lastIndex(),
                    "commit index %d is beyond last index %d (log corrupt, truncated or lost?)", toCommit, lastIndex());
            committed = toCommit;
        }
    }

    void acceptApplying(long index) {
        Invariants.check(index <= committed, "applying %d beyond commit %d", index, committed);
        applying = Math.max(applying, index);
    }

    void appliedTo(long index) {
        if (index == 0) return;
        Invariants.check(index <= committed && index >= applied,
                "applied index %d out of range [applied %d, committed %d]", index, applied, committed);
        applied = index;
        applying = Math.max(applying, index);
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    /**
     * The last index of the log the caller confirmed persisted (advanced): the entries below the
     * unstable tail. While an incoming snapshot is unpersisted, only the committed prefix of what
     * storage holds (a stale suffix there may be about to be replaced).
     */
    long persistedLastIndex() {
        return unstable.snapshot != null ? Math.min(storage.lastIndex(), committed) : unstable.offset - 1;
    }

    /** The highest index safe to apply: committed and persisted locally. */
    private long maxAppliableIndex() {
        return Math.min(committed, unstable.offset - 1);
    }

    boolean hasNextCommittedEntries() {
        return unstable.snapshot == null && applying < maxAppliableIndex();
    }

    List<Entry> nextCommittedEntries() {
        if (!hasNextCommittedEntries()) return List.of();
        return slice(applying + 1, maxAppliableIndex() + 1, maxApplyingBytes);
    }

    /** Entries from {@code from} to the end, at most {@code maxBytes} (but at least one). */
    List<Entry> entries(long from, long maxBytes) {
        if (from > lastIndex()) return List.of();
        return slice(from, lastIndex() + 1, maxBytes);
    }

    Snapshot snapshot() {
        return unstable.snapshot != null ? unstable.snapshot : storage.snapshot();
    }

    void restore(Snapshot s) {
        committed = s.metadata().index();
        unstable.restore(s);
    }

    /**
     * Entries in [lo, hi) limited to {@code maxBytes} (at least one entry).
     *
     * @throws RaftStorage.CompactedException if lo was compacted
     */
    List<Entry> slice(long lo, long hi, long maxBytes) {
        long first = firstIndex();
        if (lo < first) throw new RaftStorage.CompactedException(lo, first);
        Invariants.check(lo <= hi && hi <= lastIndex() + 1, "slice [%d,%d) out of bounds [%d,%d]", lo, hi, first, lastIndex());
        if (lo == hi) return List.of();
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        if (lo < unstable.offset) {
            long storageHi = Math.min(hi, unstable.offset);
            List<Entry> stored = storage.entries(lo, storageHi, maxBytes);
            for (Entry e : stored) {
                if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) return out;
                out.add(e);
                bytes += e.sizeBytes();
            }
            if (stored.size() < storageHi - lo) return out; // storage applied the size limit
        }
        if (hi > unstable.offset) {
            for (Entry e : unstable.slice(Math.max(lo, unstable.offset), hi)) {
                if (!out.isEmpty() && bytes + e.sizeBytes() > maxBytes) return out;
                out.add(e);
                bytes += e.sizeBytes();
            }
        }
        return out;
    }
}
