package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.RaftStorage;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;

import java.util.ArrayList;
import java.util.List;

/**
 * The persisted Raft state of one group, as Raft reads it. Obtain it with {@link Store#group};
 * the store keeps one instance per group, so it can be held for the group's lifetime (after
 * {@link WriteBatch#destroyGroup} it reads as an empty group).
 *
 * <p>Everything but old log entries is answered from memory: the indexes, the truncation term,
 * the hard state and applied state are cached, and recent entries sit in a bounded tail cache.
 * All of it changes only after the LMDB transaction that wrote it has committed, so Raft never
 * reads state that a crash could take back.
 *
 * <p>Thread-safety: every method may be called from any thread, and each call answers from one
 * committed state even while a commit runs (reads of the log retry, then wait for the commit,
 * if one was published under them). Two calls may see different states, so code that needs
 * several to agree (Raft) should run on the thread that commits the group's batches.
 *
 * <p>Conf state: {@link #confState()} is the membership as of the applied index (what the node
 * last applied, or a snapshot's membership); a committed but unapplied conf change is not in it.
 */
public final class GroupStorage implements RaftStorage {
    private final Store store;
    private final long groupId;
    private volatile GroupState state;
    private volatile SnapshotSource snapshotSource;

    /** Guards {@link #cache}; held only for in-memory work, never across LMDB calls. */
    private final Object cacheLock = new Object();
    private final TailCache cache;

    GroupStorage(Store store, long groupId, GroupState state, long tailCacheBytes) {
        this.store = store;
        this.groupId = groupId;
        this.state = state;
        this.cache = new TailCache(tailCacheBytes);
    }

    public long groupId() {
        return groupId;
    }

    @Override
    public HardState hardState() {
        return state.hardState();
    }

    @Override
    public ConfState confState() {
        return state.appliedConfState();
    }

    public long appliedIndex() {
        return state.appliedIndex();
    }

    public ConfState appliedConfState() {
        return state.appliedConfState();
    }

    /** What {@link #snapshot()} reports, without asking the {@link SnapshotSource} for data. */
    public SnapshotMetadata snapshotMeta() {
        return state.snapshotMeta();
    }

    @Override
    public long firstIndex() {
        return state.truncatedIndex() + 1;
    }

    @Override
    public long lastIndex() {
        return state.lastIndex();
    }

    /**
     * @throws CompactedException below {@code firstIndex() - 1}
     * @throws IllegalArgumentException above {@code lastIndex()}
     */
    @Override
    public long term(long index) {
        synchronized (cacheLock) {
            // From memory when it can: state and cache change together under this lock, so this
            // needs no retry and never waits for a commit in flight on another thread.
            GroupState s = state;
            if (index <= s.truncatedIndex() || index > s.lastIndex()) return termOnce(index);
            Entry e = cache.get(index);
            if (e != null) return e.term();
        }
        return store.readConsistently(() -> termOnce(index));
    }

    private long termOnce(long index) {
        GroupState s = state;
        if (index == s.truncatedIndex()) return s.truncatedTerm();
        if (index < s.truncatedIndex()) throw new CompactedException(index, s.truncatedIndex() + 1);
        if (index > s.lastIndex()) {
            throw new IllegalArgumentException("group " + groupId + ": no term for index " + index
                    + ", the last index is " + s.lastIndex());
        }
        synchronized (cacheLock) {
            Entry e = cache.get(index);
            if (e != null) return e.term();
        }
        return store.readTerm(groupId, index);
    }

    /**
     * Entries in {@code [lo, hi)}, as many as fit in {@code maxBytes} (by {@link Entry#sizeBytes()})
     * but at least one.
     *
     * @throws CompactedException if {@code lo < firstIndex()}
     * @throws IllegalArgumentException if {@code hi > lastIndex() + 1} or {@code lo > hi}
     */
    @Override
    public List<Entry> entries(long lo, long hi, long maxBytes) {
        synchronized (cacheLock) {
            // Entirely in the tail cache (the common case: what was just appended): from memory,
            // consistent under this lock, without waiting for a commit in flight.
            GroupState s = state;
            if (lo > s.truncatedIndex() && lo <= hi && hi <= s.lastIndex() + 1 && lo >= cache.firstIndex()) {
                List<Entry> out = new ArrayList<>();
                long[] bytes = {0};
                for (long next = lo; next < hi; next++) {
                    if (!addWithinLimit(out, cache.get(next), bytes, maxBytes)) break;
                }
                return out;
            }
        }
        return store.readConsistently(() -> entriesOnce(lo, hi, maxBytes));
    }

    private List<Entry> entriesOnce(long lo, long hi, long maxBytes) {
        GroupState s = state;
        if (lo <= s.truncatedIndex()) throw new CompactedException(lo, s.truncatedIndex() + 1);
        if (lo > hi || hi > s.lastIndex() + 1) {
            throw new IllegalArgumentException("group " + groupId + ": entries [" + lo + ", " + hi
                    + ") are outside the log [" + (s.truncatedIndex() + 1) + ", " + (s.lastIndex() + 1) + ")");
        }
        List<Entry> out = new ArrayList<>();
        if (lo == hi) return out;
        long[] bytes = {0};
        long next = lo;
        long cacheFirst;
        synchronized (cacheLock) {
            cacheFirst = cache.firstIndex();
        }
        if (lo < cacheFirst) {
            long storedHi = Math.min(hi, cacheFirst);
            store.readLog(groupId, lo, storedHi, maxBytes, out, bytes);
            if (out.size() < storedHi - lo) return out; // the byte limit stopped it
            next = storedHi;
        }
        synchronized (cacheLock) {
            for (; next < hi; next++) {
                Entry e = cache.get(next);
                if (e == null) break;
                if (!addWithinLimit(out, e, bytes, maxBytes)) return out;
            }
        }
        if (next < hi) {
            // Only when a commit changed the cache between the two looks above.
            store.readLog(groupId, next, hi, maxBytes, out, bytes);
        }
        return out;
    }

    /**
     * The latest snapshot: the stored metadata and the image the {@link SnapshotSource} produces
     * for it (the group's own source, else the store's default).
     *
     * @throws IllegalStateException if the snapshot is not empty and no source is set
     */
    @Override
    public Snapshot snapshot() {
        // The source reads the store's committed keys: metadata and image must come from the
        // same commit, also while another thread commits.
        return store.readConsistently(this::snapshotOnce);
    }

    private Snapshot snapshotOnce() {
        SnapshotMetadata meta = state.snapshotMeta();
        SnapshotSource source = snapshotSource != null ? snapshotSource : store.defaultSnapshotSource();
        if (source == null) {
            if (meta.index() == 0) return new Snapshot(meta, new byte[0]);
            throw new IllegalStateException("group " + groupId + " has a snapshot at index " + meta.index()
                    + " but no SnapshotSource to produce its data; call setSnapshotSource");
        }
        byte[] data = source.snapshotData(groupId, meta);
        Invariants.check(data != null, "SnapshotSource returned null for group %s at %s", groupId, meta);
        return new Snapshot(meta, data);
    }

    /** Sets where {@link #snapshot()} gets the state-machine image; null falls back to the store's. */
    public void setSnapshotSource(SnapshotSource source) {
        this.snapshotSource = source;
    }

    /** Number of entries and bytes in the tail cache, for tests and status pages. */
    long[] tailCacheUsage() {
        synchronized (cacheLock) {
            return new long[] {cache.size(), cache.bytes()};
        }
    }

    GroupState state() {
        return state;
    }

    /** Makes a committed batch's effects visible: the new state, then the cache changes, in order. */
    void publish(GroupState next, List<CacheOp> cacheOps) {
        synchronized (cacheLock) {
            for (CacheOp op : cacheOps) op.applyTo(cache);
            state = next;
            Invariants.check(cache.isEmpty() || (cache.lastIndex() == next.lastIndex()
                            && cache.firstIndex() > next.truncatedIndex()),
                    "group %s: tail cache [%s, %s] does not end at the log's last index %s (truncated at %s)",
                    groupId, cache.firstIndex(), cache.lastIndex(), next.lastIndex(), next.truncatedIndex());
        }
    }

    /** Adds {@code e} unless it would take {@code out} past {@code maxBytes}; the first always fits. */
    static boolean addWithinLimit(List<Entry> out, Entry e, long[] bytes, long maxBytes) {
        long size = e.sizeBytes();
        if (!out.isEmpty() && bytes[0] + size > maxBytes) return false;
        out.add(e);
        bytes[0] += size;
        return true;
    }

    /** One change to the tail cache, recorded during a commit and replayed after it. */
    sealed interface CacheOp {
        void applyTo(TailCache cache);
    }

    record CacheAppend(List<Entry> entries) implements CacheOp {
        public void applyTo(TailCache cache) {
            cache.append(entries);
        }
    }

    record CacheDropThrough(long index) implements CacheOp {
        public void applyTo(TailCache cache) {
            cache.dropThrough(index);
        }
    }

    record CacheClear() implements CacheOp {
        public void applyTo(TailCache cache) {
            cache.clear();
        }
    }

    @Override
    public String toString() {
        GroupState s = state;
        return "GroupStorage{group " + groupId + ", log (" + s.truncatedIndex() + ", " + s.lastIndex()
                + "], applied " + s.appliedIndex() + ", " + s.hardState() + "}";
    }
}
