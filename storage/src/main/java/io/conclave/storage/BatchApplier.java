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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * Applies one batch inside one LMDB write transaction, keeping a working copy of each touched
 * group's state so later writes in the batch see earlier ones, and recording the cache changes to
 * publish once the transaction has committed. Any exception leaves the transaction to be aborted
 * by the caller: nothing of the batch is written and nothing in memory has changed.
 *
 * <p>A group's state keys (hard state, truncated state, snapshot metadata, applied state) are
 * written once, at {@link #finish}, with their final value in the batch, and only if it differs
 * from the committed one: a batch that carries several Readies of one group (a pipelined
 * scheduler accumulates cycles behind a write in flight) sets them several times, and each put
 * copies a B-tree page.
 */
final class BatchApplier {
    private final Txn<byte[]> txn;
    private final Dbi<byte[]> raft;
    private final Dbi<byte[]> data;
    private final LongFunction<GroupState> committedState;
    private final Map<Long, Work> work = new LinkedHashMap<>();

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
        final List<CacheOp> cacheOps = new ArrayList<>();
        /** The state as committed before this batch (or after a destroy in it): what needs no put. */
        GroupState written;

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
        }

        GroupState toState() {
            return new GroupState(exists, hardState, truncatedIndex, truncatedTerm, lastIndex, snapshotMeta,
                    appliedIndex, appliedConfState);
        }
    }

    BatchApplier(Txn<byte[]> txn, Dbi<byte[]> raft, Dbi<byte[]> data, LongFunction<GroupState> committedState) {
        this.txn = txn;
        this.raft = raft;
        this.data = data;
        this.committedState = committedState;
    }

    void apply(Op op) {
        // Java 17 has no pattern switch; the chain ends in a check so a new Op kind cannot be skipped.
        if (op instanceof Append a) append(a);
        else if (op instanceof SetHardState h) setHardState(h);
        else if (op instanceof ApplySnapshot s) applySnapshot(s);
        else if (op instanceof Compact c) compact(c);
        else if (op instanceof SetSnapshotMeta m) setSnapshotMeta(m);
        else if (op instanceof SetApplied a) setApplied(a);
        else if (op instanceof Put p) data.put(txn, p.key(), p.value());
        else if (op instanceof Delete d) data.delete(txn, d.key());
        else if (op instanceof DeleteRange r) deleteRange(data, r.startInclusive(), r.endExclusive());
        else if (op instanceof DestroyGroup d) destroyGroup(d.groupId());
        else throw new IllegalStateException("unknown batch operation " + op);
    }

    /**
     * Checks every touched group's cross-field invariants and writes each state key whose value
     * the batch changed; call after the last op.
     */
    Map<Long, Work> finish() {
        for (Work w : work.values()) {
            if (!w.exists) continue;
            w.toState().checkInvariants(w.groupId);
            // A group new in this batch gets every key, so that it exists on disk even where its
            // values are the defaults a missing key reads as.
            GroupState was = w.written.exists() ? w.written : null;
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
        return work;
    }

    private Work work(long groupId) {
        return work.computeIfAbsent(groupId, g -> new Work(g, committedState.apply(g)));
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
        if (first <= w.lastIndex) {
            deleteRange(raft, RaftKeys.logKey(w.groupId, first), RaftKeys.logKey(w.groupId, w.lastIndex + 1));
        }
        for (Entry e : entries) raft.put(txn, RaftKeys.logKey(w.groupId, e.index()), Codec.encodeEntry(e));
        w.lastIndex = entries.get(entries.size() - 1).index();
        w.exists = true;
        w.cacheOps.add(new CacheAppend(List.copyOf(entries)));
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
        long dropThrough = keepSuffix ? meta.index() : w.lastIndex;
        deleteRange(raft, RaftKeys.logKey(w.groupId, w.truncatedIndex + 1),
                RaftKeys.logKey(w.groupId, dropThrough + 1));
        setTruncated(w, meta.index(), meta.term());
        if (!keepSuffix) w.lastIndex = meta.index();
        putSnapshotMeta(w, meta);
        putApplied(w, meta.index(), meta.confState());
        if (w.hardState.commit() < meta.index()) {
            // A snapshot holds only committed entries; raising the commit index with it keeps
            // "applied <= commit" true even before the caller writes the Ready's hard state.
            w.hardState = new HardState(w.hardState.term(), w.hardState.vote(), meta.index());
        }
        w.cacheOps.add(keepSuffix ? new CacheDropThrough(meta.index()) : new CacheClear());
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
        deleteRange(raft, RaftKeys.logKey(w.groupId, w.truncatedIndex + 1), RaftKeys.logKey(w.groupId, index + 1));
        setTruncated(w, index, term);
        w.cacheOps.add(new CacheDropThrough(index));
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
        putSnapshotMeta(w, meta);
    }

    private void setApplied(SetApplied op) {
        Work w = work(op.groupId());
        Invariants.check(op.appliedIndex() >= w.appliedIndex, "group %s: applied index would go back from %s to %s",
                w.groupId, w.appliedIndex, op.appliedIndex());
        putApplied(w, op.appliedIndex(), op.confState());
    }

    private void destroyGroup(long groupId) {
        Work w = work(groupId);
        deleteRange(raft, RaftKeys.groupStart(groupId), RaftKeys.groupEnd(groupId));
        w.reset(GroupState.EMPTY);
        w.cacheOps.add(new CacheClear());
    }

    private void setTruncated(Work w, long index, long term) {
        w.truncatedIndex = index;
        w.truncatedTerm = term;
        w.exists = true;
    }

    private void putSnapshotMeta(Work w, SnapshotMetadata meta) {
        w.snapshotMeta = meta;
        w.exists = true;
    }

    private void putApplied(Work w, long index, ConfState confState) {
        w.appliedIndex = index;
        w.appliedConfState = confState;
        w.exists = true;
    }

    /** The term at {@code index} as of this batch: reads see the transaction's own writes. */
    private long termAt(Work w, long index) {
        if (index == w.truncatedIndex) return w.truncatedTerm;
        Invariants.check(index > w.truncatedIndex && index <= w.lastIndex,
                "group %s: no entry at %s in log (%s, %s]", w.groupId, index, w.truncatedIndex, w.lastIndex);
        byte[] value = raft.get(txn, RaftKeys.logKey(w.groupId, index));
        Invariants.check(value != null, "group %s: log entry %s is missing from the store", w.groupId, index);
        return Codec.decodeEntryTerm(index, value);
    }

    /** Deletes every key in {@code [start, end)} with one cursor walk. */
    private void deleteRange(Dbi<byte[]> dbi, byte[] start, byte[] end) {
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
