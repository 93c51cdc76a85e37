package io.conclave.storage;

import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.HardState;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Writes to apply atomically with {@link Store#commit}: Raft state of any number of groups and
 * state-machine keys, in the order they were added. Not thread-safe; build one per scheduler
 * cycle and commit it once (a committed batch refuses further use).
 *
 * <p>Arguments are checked here, before anything reaches LMDB: sizes against the store's limits,
 * contiguity of appended entries. Checks that need the persisted state (no gap in the log, terms
 * and votes never going back, committed entries never replaced, nothing applied beyond the commit
 * index, compaction only of what a snapshot covers) run inside the commit, and a failing one
 * rejects the whole batch with nothing written.
 *
 * <p>Keys and values passed to {@link #put} are copied; appended entries are kept by reference
 * (they are immutable by convention: Raft owns them).
 */
public final class WriteBatch {

    /** One recorded write. Sealed so the store's commit handles every kind. */
    sealed interface Op {}

    record Append(long groupId, List<Entry> entries) implements Op {}

    record SetHardState(long groupId, HardState hardState) implements Op {}

    record ApplySnapshot(long groupId, SnapshotMetadata meta) implements Op {}

    record Compact(long groupId, long index) implements Op {}

    record SetSnapshotMeta(long groupId, SnapshotMetadata meta) implements Op {}

    record SetApplied(long groupId, long appliedIndex, ConfState confState) implements Op {}

    record Put(byte[] key, byte[] value) implements Op {}

    record Delete(byte[] key) implements Op {}

    record DeleteRange(byte[] startInclusive, byte[] endExclusive) implements Op {}

    record DestroyGroup(long groupId) implements Op {}

    private final StoreOptions limits;
    private final List<Op> ops = new ArrayList<>();
    private long payloadBytes;
    private boolean committed;

    WriteBatch(StoreOptions limits) {
        this.limits = limits;
    }

    /**
     * Appends entries to a group's log. If the log already holds an entry at or after the first
     * one's index, that suffix is replaced (Raft's conflicting suffix). Entries at or below the
     * group's truncation point are skipped: they are committed and already compacted.
     */
    public WriteBatch append(long groupId, List<Entry> entries) {
        checkGroupId(groupId);
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) return this;
        List<Entry> copy = List.copyOf(entries);
        Entry prev = null;
        for (Entry e : copy) {
            long size = Codec.encodedEntryBytes(e);
            if (size > limits.maxValueBytes()) {
                throw new StoreLimitException("log entry " + e.index() + " of group " + groupId, size,
                        "maxValueBytes", limits.maxValueBytes());
            }
            if (e.index() < 1) {
                throw new IllegalArgumentException("group " + groupId + ": log indexes start at 1, got " + e.index());
            }
            if (prev != null && e.index() != prev.index() + 1) {
                throw new IllegalArgumentException("group " + groupId + ": appended entries must be contiguous, got "
                        + prev.index() + " then " + e.index());
            }
            if (prev != null && e.term() < prev.term()) {
                throw new IllegalArgumentException("group " + groupId + ": terms must not decrease along the log, got "
                        + prev + " then " + e);
            }
            payloadBytes += size;
            prev = e;
        }
        return add(new Append(groupId, copy));
    }

    public WriteBatch setHardState(long groupId, HardState hs) {
        checkGroupId(groupId);
        Objects.requireNonNull(hs, "hard state");
        return add(new SetHardState(groupId, hs));
    }

    /**
     * Installs a snapshot received from the leader: records its metadata, drops the log up to its
     * index (the whole log unless the log holds the snapshot's own entry with the same term, in
     * which case later entries stay), and sets the applied state to the snapshot's index and
     * membership, and raises the hard state's commit index to the snapshot's index if it is lower
     * (a snapshot holds only committed entries). {@code snap.data()} is not stored: the caller
     * writes the state-machine keys the image holds into this same batch, so both commit together.
     */
    public WriteBatch applySnapshot(long groupId, Snapshot snap) {
        checkGroupId(groupId);
        Objects.requireNonNull(snap, "snapshot");
        if (snap.metadata().index() < 1) {
            throw new IllegalArgumentException("group " + groupId + ": cannot apply an empty snapshot (index 0)");
        }
        return add(new ApplySnapshot(groupId, snap.metadata()));
    }

    /**
     * Drops the log entries at and below {@code index} and remembers {@code term(index)} as the
     * new truncation point. At commit, {@code index} must be at most the last index and covered
     * by the snapshot metadata ({@link #setSnapshotMeta}), so a follower that needs the dropped
     * entries can get a snapshot instead. Compacting to or below the current point does nothing.
     */
    public WriteBatch compact(long groupId, long index) {
        checkGroupId(groupId);
        if (index < 0) throw new IllegalArgumentException("group " + groupId + ": compact index " + index + " < 0");
        return add(new Compact(groupId, index));
    }

    /** Sets what {@link GroupStorage#snapshot()} reports; see {@link SnapshotSource} for the data. */
    public WriteBatch setSnapshotMeta(long groupId, SnapshotMetadata meta) {
        checkGroupId(groupId);
        Objects.requireNonNull(meta, "snapshot metadata");
        if (meta.index() < 0 || meta.term() < 0) {
            throw new IllegalArgumentException("group " + groupId + ": negative snapshot index or term: " + meta);
        }
        return add(new SetSnapshotMeta(groupId, meta));
    }

    /** Records that entries up to {@code appliedIndex} are applied and the membership they left. */
    public WriteBatch setApplied(long groupId, long appliedIndex, ConfState confState) {
        checkGroupId(groupId);
        Objects.requireNonNull(confState, "conf state");
        if (appliedIndex < 0) {
            throw new IllegalArgumentException("group " + groupId + ": applied index " + appliedIndex + " < 0");
        }
        return add(new SetApplied(groupId, appliedIndex, confState));
    }

    public WriteBatch put(byte[] key, byte[] value) {
        checkKey(key, "key");
        Objects.requireNonNull(value, "value");
        if (value.length > limits.maxValueBytes()) {
            throw new StoreLimitException("value for key " + Bytes.toDisplay(key), value.length, "maxValueBytes",
                    limits.maxValueBytes());
        }
        payloadBytes += key.length + value.length;
        return add(new Put(key.clone(), value.clone()));
    }

    public WriteBatch delete(byte[] key) {
        checkKey(key, "key");
        return add(new Delete(key.clone()));
    }

    /** Deletes every state-machine key in {@code [startInclusive, endExclusive)}. */
    public WriteBatch deleteRange(byte[] startInclusive, byte[] endExclusive) {
        checkKey(startInclusive, "range start");
        checkKey(endExclusive, "range end");
        if (Arrays.compareUnsigned(startInclusive, endExclusive) > 0) {
            throw new IllegalArgumentException("range start " + Bytes.toDisplay(startInclusive)
                    + " is after range end " + Bytes.toDisplay(endExclusive));
        }
        return add(new DeleteRange(startInclusive.clone(), endExclusive.clone()));
    }

    /** Removes all Raft state of the group: log, hard state, snapshot, truncated and applied state. */
    public WriteBatch destroyGroup(long groupId) {
        checkGroupId(groupId);
        return add(new DestroyGroup(groupId));
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** How many writes the batch holds. */
    public int size() {
        return ops.size();
    }

    /** Approximate bytes of keys, values and entries the batch writes. */
    public long payloadBytes() {
        return payloadBytes;
    }

    List<Op> ops() {
        return ops;
    }

    /** Called by the store once the batch is durable; the batch is then spent. */
    void markCommitted() {
        committed = true;
    }

    private WriteBatch add(Op op) {
        if (committed) {
            throw new IllegalStateException("this batch was already committed; start a new one with Store.newBatch()");
        }
        ops.add(op);
        return this;
    }

    private void checkKey(byte[] key, String what) {
        Objects.requireNonNull(key, what);
        if (key.length == 0) throw new IllegalArgumentException(what + " must not be empty (LMDB refuses empty keys)");
        if (key.length > limits.maxKeyBytes()) {
            throw new StoreLimitException(what + " " + Bytes.toDisplay(key), key.length, "maxKeyBytes",
                    limits.maxKeyBytes());
        }
    }

    private static void checkGroupId(long groupId) {
        if (groupId < 0) throw new IllegalArgumentException("group id must not be negative, got " + groupId);
    }
}
