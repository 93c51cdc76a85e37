package io.conclave.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of the log not yet known to be in {@link RaftStorage}: entries (and at most one
 * incoming snapshot) that a {@link Ready} handed out, or is about to hand out, for the caller to
 * persist. {@code entries.get(i)} has index {@code offset + i}.
 *
 * <p>Entries below {@code offsetInProgress} were already handed out in a Ready that has not been
 * advanced yet; they must not be handed out twice. Once {@link #stableTo} confirms them they leave
 * this structure and are read from storage instead.
 */
final class Unstable {
    /** An incoming snapshot not yet persisted, or null. */
    Snapshot snapshot;
    /** Whether {@link #snapshot} was handed out in a Ready that has not been advanced. */
    boolean snapshotInProgress;
    final List<Entry> entries = new ArrayList<>();
    long offset;
    long offsetInProgress;

    Unstable(long offset) {
        this.offset = offset;
        this.offsetInProgress = offset;
    }

    /** First index if a snapshot is pending, else -1 (storage knows). */
    long maybeFirstIndex() {
        return snapshot != null ? snapshot.metadata().index() + 1 : -1;
    }

    /** Last index held here, or -1 if nothing is held. */
    long maybeLastIndex() {
        if (!entries.isEmpty()) return offset + entries.size() - 1;
        if (snapshot != null) return snapshot.metadata().index();
        return -1;
    }

    /** The term at {@code index} if held here, else -1. */
    long maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.metadata().index() == index) return snapshot.metadata().term();
            return -1;
        }
        long last = maybeLastIndex();
        if (last < 0 || index > last) return -1;
        return entries.get((int) (index - offset)).term();
    }

    boolean hasNextEntries() {
        return offsetInProgress < offset + entries.size();
    }

    List<Entry> nextEntries() {
        int from = (int) (offsetInProgress - offset);
        if (from >= entries.size()) return List.of();
        return List.copyOf(entries.subList(from, entries.size()));
    }

    boolean hasNextSnapshot() {
        return snapshot != null && !snapshotInProgress;
    }

    /** Marks everything currently held as handed out in a Ready. */
    void acceptInProgress() {
        if (!entries.isEmpty()) offsetInProgress = offset + entries.size();
        if (snapshot != null) snapshotInProgress = true;
    }

    /** The caller persisted entries up to {@code index} (with {@code term}); drop them from here. */
    void stableTo(long index, long term) {
        long t = maybeTerm(index);
        // A mismatch means the entries were replaced by a newer leader's after the Ready was
        // handed out; the newer ones are still to be persisted, so keep them.
        if (t < 0 || t != term || index < offset) return;
        int n = (int) (index + 1 - offset);
        entries.subList(0, n).clear();
        offset = index + 1;
        offsetInProgress = Math.max(offsetInProgress, offset);
    }

    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.metadata().index() == index) {
            snapshot = null;
            snapshotInProgress = false;
        }
    }

    void restore(Snapshot s) {
        offset = s.metadata().index() + 1;
        offsetInProgress = offset;
        entries.clear();
        snapshot = s;
        snapshotInProgress = false;
    }

    void truncateAndAppend(List<Entry> ents) {
        long from = ents.get(0).index();
        if (from == offset + entries.size()) {
            entries.addAll(ents);
        } else if (from <= offset) {
            // Replaces everything held here; storage's conflicting suffix is overwritten when the
            // caller persists these entries.
            entries.clear();
            entries.addAll(ents);
            offset = from;
            offsetInProgress = offset;
        } else {
            entries.subList((int) (from - offset), entries.size()).clear();
            entries.addAll(ents);
            offsetInProgress = Math.min(offsetInProgress, from);
        }
    }

    /** Entries in [lo, hi), which must lie within what is held here. */
    List<Entry> slice(long lo, long hi) {
        Invariants.check(lo >= offset && hi <= offset + entries.size() && lo <= hi,
                "unstable slice [%d,%d) out of bounds [%d,%d)", lo, hi, offset, offset + entries.size());
        return entries.subList((int) (lo - offset), (int) (hi - offset));
    }
}
