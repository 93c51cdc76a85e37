package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.storage.GroupStorage.CacheAppend;
import io.conclave.storage.GroupStorage.CacheClear;
import io.conclave.storage.GroupStorage.CacheDropThrough;
import io.conclave.storage.GroupStorage.CacheOp;
import io.conclave.storage.WriteBatch.Append;
import io.conclave.storage.WriteBatch.ApplySnapshot;
import io.conclave.storage.WriteBatch.Compact;
import io.conclave.storage.WriteBatch.Delete;
import io.conclave.storage.WriteBatch.DeleteRange;
import io.conclave.storage.WriteBatch.DestroyGroup;
import io.conclave.storage.WriteBatch.Op;
import io.conclave.storage.WriteBatch.Put;
import io.conclave.storage.WriteBatch.SetApplied;
import io.conclave.storage.WriteBatch.SetHardState;
import io.conclave.storage.WriteBatch.SetSnapshotMeta;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Splits one {@link WriteBatch} into what the Raft log gets and what LMDB gets, checking Raft's
 * log rules on the way, all in memory, before anything is written ({@link #prepare}); then
 * {@link #writeState} writes the LMDB part inside a write transaction.
 *
 * <p>The checks run against the group state as of every batch prepared before (the store's
 * {@code prepared} state), not the published one: with the LMDB part of earlier batches still
 * on its way, the published state lags, and a batch built on it would write stale values back.
 *
 * <p>The log part: each Append as an ENTRIES record (entries at or below the truncation point
 * skipped), each ApplySnapshot as a SNAPSHOT record, each destroy as DESTROYED, in batch order,
 * then each changed hard state. The LMDB part: the state-machine writes in batch order, each
 * touched group's state keys with their final value in the batch (hard state copy, truncated
 * state, snapshot metadata, applied state; only the ones that changed), and a destroyed group's
 * key deletion and tombstone.
 */
final class BatchApplier {
    /** A group's state as of the writes applied so far in this batch. */
    static final class Work {
        final long groupId;
        boolean exists;
        HardState hardState;
        long truncatedIndex;
        long truncatedTerm;
        long lastIndex;
        SnapshotMetadata snapshotMeta;
        long appliedIndex;
        ConfState appliedConfState;
        /** Cache changes the log part makes visible (appends, clears) and the LMDB part (compaction). */
        final List<CacheOp> logCacheOps = new ArrayList<>();
        final List<CacheOp> stateCacheOps = new ArrayList<>();
        /** Destroyed in this batch (before any later writes of it). */
        boolean destroyed;
        /** The state before this batch (or after a destroy in it): what needs no write. */
        GroupState written;
        /** Terms of the entries this batch appended, from {@code batchFrom}: the log does not have them yet. */
        long batchFrom = Long.MAX_VALUE;
        final List<Long> batchTerms = new ArrayList<>();

        Work(long groupId, GroupState s) {
            this.groupId = groupId;
            reset(s);
        }

        void reset(GroupState s) {
            written = s;
            exists = s.exists();
            hardState = s.hardState();
            truncatedIndex = s.truncatedIndex();
            truncatedTerm = s.truncatedTerm();
            lastIndex = s.lastIndex();
            snapshotMeta = s.snapshotMeta();
            appliedIndex = s.appliedIndex();
            appliedConfState = s.appliedConfState();
            batchFrom = Long.MAX_VALUE;
            batchTerms.clear();
        }

        GroupState toState() {
            return new GroupState(exists, hardState, truncatedIndex, truncatedTerm, lastIndex, snapshotMeta,
                    appliedIndex, appliedConfState);
        }
    }

    /** A checked batch, split: the log records, the LMDB writes, and every touched group's final state. */
    static final class Prepared {
        final List<RaftLog.Record> logRecords = new ArrayList<>();
        final List<Op> dataOps = new ArrayList<>();
        final Map<Long, Work> work;
        final Set<Long> destroyed = new LinkedHashSet<>();
        final int ops;
        /**
         * The LMDB part must be durable before the log part (see {@link Store#commitLog}): a
         * snapshot, a destroy or a new group, whose log records alone would not make a state a
         * restart can read.
         */
        final boolean stateFirst;

        Prepared(Map<Long, Work> work, int ops, boolean stateFirst) {
            this.work = work;
            this.ops = ops;
            this.stateFirst = stateFirst;
        }
    }

    private final LongFunction<GroupState> base;
    private final RaftLog log;
    private final Map<Long, Work> work = new LinkedHashMap<>();
    private final List<RaftLog.Record> logRecords = new ArrayList<>();
    private final List<Op> dataOps = new ArrayList<>();
    private final Set<Long> destroyed = new LinkedHashSet<>();
    private boolean stateFirst;

    private BatchApplier(LongFunction<GroupState> base, RaftLog log) {
        this.base = base;
        this.log = log;
    }

    /**
     * Checks and splits {@code batch}; nothing is written. Throws as {@link Store#commit} documents
     * if a rule is broken.
     */
    static Prepared prepare(WriteBatch batch, LongFunction<GroupState> base, RaftLog log) {
        BatchApplier a = new BatchApplier(base, log);
        for (Op op : batch.ops()) a.apply(op);
        return a.finish(batch.size());
    }

    private void apply(Op op) {
        // Java 17 has no pattern switch; the chain ends in a check so a new Op kind cannot be skipped.
        if (op instanceof Append a) append(a);
        else if (op instanceof SetHardState h) setHardState(h);
        else if (op instanceof ApplySnapshot s) applySnapshot(s);
        else if (op instanceof Compact c) compact(c);
        else if (op instanceof SetSnapshotMeta m) setSnapshotMeta(m);
        else if (op instanceof WriteBatch.SetApplied a) setApplied(a);
        else if (op instanceof Put || op instanceof Delete || op instanceof DeleteRange) dataOps.add(op);
        else if (op instanceof DestroyGroup d) destroyGroup(d.groupId());
        else throw new IllegalStateException("unknown batch operation " + op);
    }

    private Prepared finish(int ops) {
        for (Work w : work.values()) {
            if (!w.exists) continue;
            w.toState().checkInvariants(w.groupId);
            if (!w.written.exists()) stateFirst = true; // a new group: its state keys make it one
            if (!w.written.exists() || !w.hardState.equals(w.written.hardState())) {
                logRecords.add(new RaftLog.SetHardState(w.groupId, w.hardState));
            }
        }
        Prepared p = new Prepared(work, ops, stateFirst);
        p.logRecords.addAll(logRecords);
        p.dataOps.addAll(dataOps);
        p.destroyed.addAll(destroyed);
        return p;
    }

    private Work work(long groupId) {
        return work.computeIfAbsent(groupId, g -> new Work(g, base.apply(g)));
    }

    private void append(Append a) {
        Work w = work(a.groupId());
        List<Entry> entries = a.entries();
        int skip = 0;
        while (skip < entries.size() && entries.get(skip).index() <= w.truncatedIndex) skip++;
        if (skip == entries.size()) return;
        entries = entries.subList(skip, entries.size());
        long first = entries.get(0).index();
        if (first > w.lastIndex + 1) {
            throw new IllegalArgumentException("group " + w.groupId + ": appending at index " + first
                    + " would leave a gap after the last index " + w.lastIndex);
        }
        long prevTerm = termAt(w, first - 1);
        Invariants.check(entries.get(0).term() >= prevTerm,
                "group %s: entry %s has a lower term than the entry before it (term %s)",
                w.groupId, entries.get(0), prevTerm);
        // Committed entries are final: an append may rewrite them only identically (same term).
        long committed = Math.min(Math.max(w.appliedIndex, w.hardState.commit()), w.lastIndex);
        for (long i = first; i <= committed; i++) {
            long existing = termAt(w, i);
            long replacing = entries.get((int) Math.min(i - first, entries.size() - 1)).term();
            Invariants.check(i - first < entries.size() && existing == replacing,
                    "group %s: append at %s would replace committed entry %s (term %s; commit %s, applied %s)",
                    w.groupId, first, i, existing, w.hardState.commit(), w.appliedIndex);
        }
        if (first >= w.batchFrom && first <= w.batchFrom + w.batchTerms.size()) {
            w.batchTerms.subList((int) (first - w.batchFrom), w.batchTerms.size()).clear();
        } else {
            w.batchFrom = first;
            w.batchTerms.clear();
        }
        for (Entry e : entries) w.batchTerms.add(e.term());
        w.lastIndex = entries.get(entries.size() - 1).index();
        w.exists = true;
        List<Entry> copy = List.copyOf(entries);
        logRecords.add(new RaftLog.Entries(w.groupId, copy));
        w.logCacheOps.add(new CacheAppend(copy));
    }

    private void setHardState(SetHardState op) {
        Work w = work(op.groupId());
        HardState cur = w.hardState;
        HardState next = op.hardState();
        Invariants.check(next.term() >= cur.term(), "group %s: hard state term would go back from %s to %s",
                w.groupId, cur.term(), next.term());
        Invariants.check(next.term() > cur.term() || cur.vote() == 0 || next.vote() == cur.vote(),
                "group %s: vote in term %s would change from %s to %s", w.groupId, cur.term(), cur.vote(),
                next.vote());
        Invariants.check(next.commit() >= cur.commit(), "group %s: commit index would go back from %s to %s",
                w.groupId, cur.commit(), next.commit());
        w.hardState = next;
        w.exists = true;
    }

    private void applySnapshot(ApplySnapshot op) {
        Work w = work(op.groupId());
        SnapshotMetadata meta = op.meta();
        Invariants.check(meta.index() > w.appliedIndex && meta.index() > w.truncatedIndex,
                "group %s: snapshot at index %s is not newer than the applied index %s", w.groupId, meta.index(),
                w.appliedIndex);
        boolean keepSuffix = meta.index() <= w.lastIndex && termAt(w, meta.index()) == meta.term();
        setTruncated(w, meta.index(), meta.term());
        if (!keepSuffix) {
            w.lastIndex = meta.index();
            w.batchFrom = Long.MAX_VALUE;
            w.batchTerms.clear();
        }
        w.snapshotMeta = meta;
        w.appliedIndex = meta.index();
        w.appliedConfState = meta.confState();
        if (w.hardState.commit() < meta.index()) {
            // A snapshot holds only committed entries; raising the commit index with it keeps
            // "applied <= commit" true even before the caller writes the Ready's hard state.
            w.hardState = new HardState(w.hardState.term(), w.hardState.vote(), meta.index());
        }
        logRecords.add(new RaftLog.Snapshot(w.groupId, meta.index(), meta.term()));
        w.logCacheOps.add(keepSuffix ? new CacheDropThrough(meta.index()) : new CacheClear());
        stateFirst = true;
    }

    private void compact(Compact op) {
        Work w = work(op.groupId());
        long index = op.index();
        if (index <= w.truncatedIndex) return;
        if (index > w.lastIndex) {
            throw new IllegalArgumentException("group " + w.groupId + ": cannot compact to " + index
                    + ", beyond the last index " + w.lastIndex);
        }
        long term = termAt(w, index);
        setTruncated(w, index, term);
        w.stateCacheOps.add(new CacheDropThrough(index));
    }

    private void setSnapshotMeta(SetSnapshotMeta op) {
        Work w = work(op.groupId());
        SnapshotMetadata meta = op.meta();
        if (meta.index() >= w.truncatedIndex && meta.index() <= w.lastIndex) {
            long term = termAt(w, meta.index());
            Invariants.check(term == meta.term(),
                    "group %s: snapshot metadata says term %s at index %s, the log has %s",
                    w.groupId, meta.term(), meta.index(), term);
        }
        w.snapshotMeta = meta;
        w.exists = true;
    }

    private void setApplied(SetApplied op) {
        Work w = work(op.groupId());
        Invariants.check(op.appliedIndex() >= w.appliedIndex, "group %s: applied index would go back from %s to %s",
                w.groupId, w.appliedIndex, op.appliedIndex());
        w.appliedIndex = op.appliedIndex();
        w.appliedConfState = op.confState();
        w.exists = true;
    }

    private void destroyGroup(long groupId) {
        Work w = work(groupId);
        w.reset(GroupState.EMPTY);
        w.destroyed = true;
        w.logCacheOps.add(new CacheClear());
        w.stateCacheOps.clear();
        destroyed.add(groupId);
        logRecords.add(new RaftLog.Destroyed(groupId));
        stateFirst = true;
    }

    private static void setTruncated(Work w, long index, long term) {
        w.truncatedIndex = index;
        w.truncatedTerm = term;
        w.exists = true;
    }

    /** The term at {@code index} as of this batch: its own appends, else the log. */
    private long termAt(Work w, long index) {
        if (index == w.truncatedIndex) return w.truncatedTerm;
        Invariants.check(index > w.truncatedIndex && index <= w.lastIndex,
                "group %s: no entry at %s in log (%s, %s]", w.groupId, index, w.truncatedIndex, w.lastIndex);
        if (index >= w.batchFrom && index < w.batchFrom + w.batchTerms.size()) {
            return w.batchTerms.get((int) (index - w.batchFrom));
        }
        long term = log.term(w.groupId, index);
        Invariants.check(term >= 0, "group %s: log entry %s is missing from the Raft log", w.groupId, index);
        return term;
    }

    // ---- the LMDB part ----

    /**
     * Writes the LMDB part of {@code batches} (in order) in {@code txn}: state-machine writes, and
     * each touched group's state keys with the last batch's value. {@code logPosition} is where
     * the log stood before the first of them, recorded in the tombstone of a destroyed group so
     * that recovery ignores its older records.
     */
    static void writeState(Txn<byte[]> txn, Dbi<byte[]> raft, Dbi<byte[]> data, List<Prepared> batches,
            long logPosition) {
        Map<Long, Work> last = new LinkedHashMap<>();
        Map<Long, GroupState> before = new LinkedHashMap<>();
        for (Prepared p : batches) {
            for (Op op : p.dataOps) {
                if (op instanceof Put put) data.put(txn, put.key(), put.value());
                else if (op instanceof Delete d) data.delete(txn, d.key());
                else if (op instanceof DeleteRange r) deleteRange(txn, data, r.startInclusive(), r.endExclusive());
            }
            for (long g : p.destroyed) {
                deleteRange(txn, raft, RaftKeys.groupStart(g), RaftKeys.groupEnd(g));
                raft.put(txn, RaftKeys.stateKey(g, RaftKeys.KIND_TOMBSTONE),
                        ByteBuffer.allocate(8).putLong(logPosition).array());
                before.put(g, GroupState.EMPTY);
            }
            for (Work w : p.work.values()) {
                before.putIfAbsent(w.groupId, w.destroyed ? GroupState.EMPTY : w.written);
                last.put(w.groupId, w);
            }
        }
        for (Work w : last.values()) {
            if (!w.exists) continue;
            GroupState was = before.get(w.groupId);
            // A group new in these batches gets every key, so that it exists in LMDB even where its
            // values are the defaults a missing key reads as.
            if (!was.exists()) was = null;
            if (was == null || !w.hardState.equals(was.hardState())) {
                raft.put(txn, RaftKeys.stateKey(w.groupId, RaftKeys.KIND_HARD_STATE), Codec.encodeHardState(w.hardState));
            }
            if (was == null || w.truncatedIndex != was.truncatedIndex() || w.truncatedTerm != was.truncatedTerm()) {
                raft.put(txn, RaftKeys.stateKey(w.groupId, RaftKeys.KIND_TRUNCATED_STATE),
                        Codec.encodeTruncated(w.truncatedIndex, w.truncatedTerm));
            }
            if (was == null || !w.snapshotMeta.equals(was.snapshotMeta())) {
                raft.put(txn, RaftKeys.stateKey(w.groupId, RaftKeys.KIND_SNAPSHOT_META),
                        Codec.encodeSnapshotMeta(w.snapshotMeta));
            }
            if (was == null || w.appliedIndex != was.appliedIndex()
                    || !w.appliedConfState.equals(was.appliedConfState())) {
                raft.put(txn, RaftKeys.stateKey(w.groupId, RaftKeys.KIND_APPLIED_STATE),
                        Codec.encodeApplied(w.appliedIndex, w.appliedConfState));
            }
        }
    }

    /** Deletes every key in {@code [start, end)} with one cursor walk. */
    private static void deleteRange(Txn<byte[]> txn, Dbi<byte[]> dbi, byte[] start, byte[] end) {
        try (Cursor<byte[]> c = dbi.openCursor(txn)) {
            boolean found = c.get(start, GetOp.MDB_SET_RANGE);
            while (found && Arrays.compareUnsigned(c.key(), end) < 0) {
                c.delete();
                // After a delete LMDB leaves the cursor on the following key; MDB_NEXT reads it.
                found = c.next();
            }
        }
    }
}
