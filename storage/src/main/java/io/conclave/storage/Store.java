package io.conclave.storage;

import io.conclave.raft.Entry;

import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static org.lmdbjava.ByteArrayProxy.PROXY_BA;

/**
 * One node's durable state: an LMDB environment holding the Raft state of every group on the
 * node and the shared state-machine keyspace. See the package documentation for the layout and
 * the durability argument.
 *
 * <p>Thread-safety: every public method is thread-safe. {@link #commit} calls are serialized
 * (LMDB has one writer); {@link #get}, {@link #scan}, {@link #stats} and the reads of
 * {@link GroupStorage} run concurrently with a commit and see the state before or after it,
 * never part of it. {@link #close} waits for running calls and then fails every later one.
 */
public final class Store implements AutoCloseable {
    private static final String LOCK_FILE = "conclave-store.lock";
    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] IDENT_KEY = "ident".getBytes(StandardCharsets.US_ASCII);
    /** On-disk layout version, bumped when a change needs a migration. */
    private static final byte FORMAT_VERSION = 1;
    /** Concurrent read transactions; each reader holds a slot only for one call. */
    private static final int MAX_READERS = 256;

    private final Path dir;
    private final StoreOptions options;
    private final LongSupplier nanoTicker;
    private final FileChannel lockChannel;
    private final FileLock fileLock;
    private final Env<byte[]> env;
    private final Dbi<byte[]> meta;
    private final Dbi<byte[]> raft;
    private final Dbi<byte[]> data;

    private final ConcurrentHashMap<Long, GroupStorage> groups = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Long> groupIds = new ConcurrentSkipListSet<>();
    private volatile SnapshotSource defaultSnapshotSource;

    /** Read side: any call that touches the environment. Write side: close. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle
    /** One writer at a time; also orders the publication of committed state. */
    private final ReentrantLock commitLock = new ReentrantLock();
    /** Set when a commit failed in a way that may leave LMDB's view and ours apart; then all writes fail. */
    private volatile String failure;

    /**
     * A sequence lock over commits, so log reads from other threads need no lock: odd while a
     * commit is making its transaction durable and publishing it, even otherwise. Written under
     * commitLock only.
     */
    private volatile long publishSeq;
    /** Optimistic attempts of a log read racing commits before it waits for the commit lock. */
    private static final int OPTIMISTIC_READ_ATTEMPTS = 3;

    /** Raft log reads that missed the tail caches and went to LMDB: the cache's miss count. */
    private final AtomicLong logReadsFromLmdb = new AtomicLong();

    private final Object statsLock = new Object();
    private long commits; // guarded by statsLock, as are the fields below
    private long failedCommits;
    private long lastBatchOps;
    private long lastCommitMicros;
    private long maxCommitMicros;
    private long totalCommitMicros;
    private long lastFsyncMicros;
    private long maxFsyncMicros;
    private long totalFsyncMicros;
    private volatile java.util.function.LongConsumer fsyncObserver = nanos -> {};

    private Store(Path dir, StoreOptions options, LongSupplier nanoTicker, FileChannel lockChannel, FileLock fileLock,
            Env<byte[]> env) {
        this.dir = dir;
        this.options = options;
        this.nanoTicker = nanoTicker;
        this.lockChannel = lockChannel;
        this.fileLock = fileLock;
        this.env = env;
        this.meta = env.openDbi("meta", DbiFlags.MDB_CREATE);
        this.raft = env.openDbi("raft", DbiFlags.MDB_CREATE);
        this.data = env.openDbi("data", DbiFlags.MDB_CREATE);
    }

    /** Opens (creating if needed) the store in {@code dir}; commit latencies use the system ticker. */
    public static Store open(Path dir, StoreOptions options) {
        // Latency measurement only: no decision in the store depends on this clock.
        return open(dir, options, System::nanoTime);
    }

    /**
     * Opens (creating if needed) the store in {@code dir}. The directory is locked against a
     * second opener, in this process or another, until {@link #close}.
     *
     * @param nanoTicker a monotonic nanosecond source, used only to measure commit latency
     */
    public static Store open(Path dir, StoreOptions options, LongSupplier nanoTicker) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(nanoTicker, "nanoTicker");
        Path abs = dir.toAbsolutePath().normalize();
        FileChannel channel = null;
        FileLock lock = null;
        Env<byte[]> env = null;
        try {
            Files.createDirectories(abs);
            channel = FileChannel.open(abs.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw new StoreException("store " + abs + " is already open in this process");
            }
            if (lock == null) throw new StoreException("store " + abs + " is in use by another process");
            env = Env.create(PROXY_BA)
                    .setMapSize(options.mapSizeBytes())
                    .setMaxDbs(3)
                    .setMaxReaders(MAX_READERS)
                    .open(abs.toFile(), envFlags(options));
            if (env.getMaxKeySize() < options.maxKeyBytes()) {
                throw new StoreException("maxKeyBytes " + options.maxKeyBytes()
                        + " exceeds this LMDB build's key limit " + env.getMaxKeySize());
            }
            // A process killed inside a read transaction leaves its reader slot taken (MDB_NOTLS
            // slots are not tied to threads); clearing them keeps old snapshots from pinning pages.
            env.readerCheck();
            Store store = new Store(abs, options, nanoTicker, channel, lock, env);
            store.checkFormat();
            store.loadGroupIds();
            return store;
        } catch (IOException | RuntimeException e) {
            if (env != null) env.close();
            closeQuietly(lock, channel);
            if (e instanceof StoreException se) throw se;
            throw new StoreException("cannot open store " + abs + ": " + e, e);
        } catch (ExceptionInInitializerError | IllegalAccessError e) {
            closeQuietly(lock, channel);
            throw new StoreException("cannot open store " + abs + ": LMDB failed to load; the JVM needs"
                    + " --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED", e);
        }
    }

    private static EnvFlags[] envFlags(StoreOptions options) {
        // MDB_NOTLS: read transactions are not bound to a thread, so any thread may read and a
        // reader slot is freed when its transaction ends, not when its thread dies.
        return options.fsync()
                ? new EnvFlags[] {EnvFlags.MDB_NOTLS}
                : new EnvFlags[] {EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSYNC};
    }

    public Path dir() {
        return dir;
    }

    public StoreOptions options() {
        return options;
    }

    /** The identity written by {@link #writeIdent}; empty on a fresh store. */
    public Optional<StoreIdent> ident() {
        return read(txn -> Optional.ofNullable(meta.get(txn, IDENT_KEY)).map(Codec::decodeIdent));
    }

    /**
     * Writes the store's identity, durably. Writing the same identity again does nothing.
     *
     * @throws StoreMismatchException if the store already has a different identity
     */
    public void writeIdent(StoreIdent ident) {
        Objects.requireNonNull(ident, "ident");
        // Same lock order as commit (lifecycle, then commitLock), or a concurrent close could deadlock.
        lifecycle.readLock().lock();
        commitLock.lock();
        try {
            Optional<StoreIdent> existing = ident();
            if (existing.isPresent()) {
                if (!existing.get().equals(ident)) throw new StoreMismatchException(dir, existing.get(), ident);
                return;
            }
            writeMeta(IDENT_KEY, Codec.encodeIdent(ident));
        } finally {
            commitLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Checks the store belongs to {@code expected}'s cluster and node.
     *
     * @throws StoreMismatchException if it belongs to another
     * @throws StoreException if the store has no identity yet (see {@link #writeIdent})
     */
    public void checkIdent(StoreIdent expected) {
        Objects.requireNonNull(expected, "expected");
        StoreIdent found = ident().orElseThrow(() -> new StoreException("store at " + dir
                + " has no identity yet; this node is cluster " + expected.clusterId() + ", node "
                + expected.nodeId() + ": write it with writeIdent when the node joins"));
        if (!found.equals(expected)) throw new StoreMismatchException(dir, found, expected);
    }

    /** A new empty batch checked against this store's limits. */
    public WriteBatch newBatch() {
        return new WriteBatch(options);
    }

    /**
     * Applies the whole batch in one LMDB write transaction and one fsync (when enabled): after it
     * returns, every write of the batch survives a crash; if it throws, none was written and the
     * in-memory state is unchanged. Thread-safe; concurrent commits run one after the other.
     *
     * @throws StoreFullException if the map is full (the store stays usable for reads)
     * @throws StoreException if LMDB or the disk failed; after a failed commit the store refuses
     *     further writes and the node must restart
     * @throws IllegalArgumentException if the batch appends with a gap or compacts past the log
     * @throws IllegalStateException if the batch breaks another Raft log rule (a term or vote going
     *     back, compaction past the snapshot point, applying past the commit index): nothing written
     */
    public void commit(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.isEmpty()) return;
        lifecycle.readLock().lock();
        commitLock.lock();
        try {
            checkOpen();
            if (failure != null) {
                throw new StoreException("store " + dir + " refuses writes after an earlier failure: " + failure
                        + "; restart the node");
            }
            long startNanos = nanoTicker.getAsLong();
            Map<Long, BatchApplier.Work> work;
            long fsyncNanos;
            try (Txn<byte[]> txn = env.txnWrite()) {
                BatchApplier applier = new BatchApplier(txn, raft, data, g -> group(g).state());
                try {
                    for (WriteBatch.Op op : batch.ops()) applier.apply(op);
                    work = applier.finish();
                } catch (Env.MapFullException e) {
                    throw new StoreFullException(dir, env.info().mapSize, batch.size(), e);
                } catch (LmdbException e) {
                    throw new StoreException("store " + dir + ": writing a batch of " + batch.size()
                            + " operations failed, nothing was written: " + e.getMessage(), e);
                }
                long fsyncStart = nanoTicker.getAsLong();
                publishSeq++; // odd: LMDB may show the batch before the caches do
                try {
                    txn.commit();
                } catch (Env.MapFullException e) {
                    throw new StoreFullException(dir, env.info().mapSize, batch.size(), e);
                } catch (LmdbException e) {
                    failure = "commit failed: " + e.getMessage();
                    throw new StoreException("store " + dir + ": committing a batch failed (disk full or I/O error?): "
                            + e.getMessage() + "; the store refuses further writes, restart the node", e);
                }
                fsyncNanos = nanoTicker.getAsLong() - fsyncStart;
            }
            // Only now, durable, does the batch become visible to Raft's reads.
            try {
                for (BatchApplier.Work w : work.values()) {
                    group(w.groupId).publish(w.toState(), w.cacheOps);
                    if (w.exists) groupIds.add(w.groupId);
                    else groupIds.remove(w.groupId);
                }
            } catch (RuntimeException e) {
                // The batch is on disk but memory may not show it all: no further write may build on that.
                failure = "publishing a committed batch failed: " + e;
                throw e;
            }
            batch.markCommitted();
            recordCommit(batch.size(), nanoTicker.getAsLong() - startNanos, fsyncNanos);
        } catch (RuntimeException e) {
            synchronized (statsLock) {
                failedCommits++;
            }
            throw e;
        } finally {
            if ((publishSeq & 1) == 1) publishSeq++; // even: caches and LMDB agree again
            commitLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Runs a read of a group's cached state and log so that it sees one committed state: it is
     * retried if a commit ran while it did (the sequence is odd from before the LMDB commit until
     * the caches are published), and after a few tries run under the commit lock, which waits for
     * a commit in flight. Reads answered from the caches alone do not come here.
     */
    <T> T readConsistently(Supplier<T> read) {
        for (int attempt = 0; attempt < OPTIMISTIC_READ_ATTEMPTS; attempt++) {
            long seq = publishSeq;
            if ((seq & 1) == 1) continue;
            T result;
            try {
                result = read.get();
            } catch (RuntimeException e) {
                if (publishSeq == seq) throw e; // a genuine answer (compacted, out of range, closed)
                continue;
            }
            if (publishSeq == seq) return result;
        }
        lifecycle.readLock().lock();
        commitLock.lock();
        try {
            return read.get();
        } finally {
            commitLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    /** The persisted Raft state of one group; one instance per group, created on first use. */
    public GroupStorage group(long groupId) {
        if (groupId < 0) throw new IllegalArgumentException("group id must not be negative, got " + groupId);
        GroupStorage g = groups.get(groupId);
        if (g != null) return g;
        return groups.computeIfAbsent(groupId,
                id -> new GroupStorage(this, id, loadGroupState(id), options.tailCacheBytesPerGroup()));
    }

    /** Groups that have any Raft state, in ascending order. */
    public Set<Long> groupIds() {
        return Collections.unmodifiableSet(new TreeSet<>(groupIds));
    }

    /**
     * The default source of snapshot data for groups without their own
     * ({@link GroupStorage#setSnapshotSource}); convenient when one function serves all groups.
     */
    public void setDefaultSnapshotSource(SnapshotSource source) {
        this.defaultSnapshotSource = source;
    }

    SnapshotSource defaultSnapshotSource() {
        return defaultSnapshotSource;
    }

    /** The value of a state-machine key, a fresh copy. */
    public Optional<byte[]> get(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0 || key.length > options.maxKeyBytes()) return Optional.empty();
        return read(txn -> Optional.ofNullable(data.get(txn, key)));
    }

    /**
     * State-machine keys in {@code [startInclusive, endExclusive)} in ascending unsigned byte
     * order, at most {@code limit}. An empty start scans from the first key; a null end to the
     * last. Reads one consistent committed state.
     */
    public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
        Objects.requireNonNull(startInclusive, "startInclusive");
        if (limit <= 0) throw new IllegalArgumentException("scan limit must be positive, got " + limit);
        if (startInclusive.length > options.maxKeyBytes()) {
            throw new StoreLimitException("scan start " + Bytes.toDisplay(startInclusive), startInclusive.length,
                    "maxKeyBytes", options.maxKeyBytes());
        }
        return read(txn -> {
            List<KeyValue> out = new ArrayList<>();
            try (Cursor<byte[]> c = data.openCursor(txn)) {
                boolean found = startInclusive.length == 0 ? c.first() : c.get(startInclusive, GetOp.MDB_SET_RANGE);
                while (found && out.size() < limit) {
                    byte[] key = c.key();
                    if (endExclusive != null && Arrays.compareUnsigned(key, endExclusive) >= 0) break;
                    out.add(new KeyValue(key, c.val()));
                    found = c.next();
                }
            }
            return out;
        });
    }

    public StoreStats stats() {
        long[] counts = read(txn -> new long[] {data.stat(txn).entries, raft.stat(txn).entries});
        long mapSize;
        long used;
        long pageSize;
        lifecycle.readLock().lock();
        try {
            checkOpen();
            var info = env.info();
            pageSize = env.stat().pageSize;
            mapSize = info.mapSize;
            used = (info.lastPageNumber + 1) * pageSize;
        } finally {
            lifecycle.readLock().unlock();
        }
        synchronized (statsLock) {
            return new StoreStats(mapSize, used, pageSize, counts[0], counts[1], groupIds.size(), commits,
                    failedCommits, lastBatchOps, lastCommitMicros, maxCommitMicros, totalCommitMicros,
                    lastFsyncMicros, maxFsyncMicros, totalFsyncMicros, logReadsFromLmdb.get());
        }
    }

    /** Closes the environment after running calls finish; idempotent. Later calls throw. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            env.close();
            closeQuietly(fileLock, lockChannel);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    // ---- reads on behalf of GroupStorage ----

    long readTerm(long groupId, long index) {
        logReadsFromLmdb.incrementAndGet();
        byte[] value = read(txn -> raft.get(txn, RaftKeys.logKey(groupId, index)));
        if (value == null) throw missingEntry(groupId, index);
        return Codec.decodeEntryTerm(index, value);
    }

    /** Adds entries {@code [lo, hi)} of a group's log to {@code out} within the byte limit. */
    void readLog(long groupId, long lo, long hi, long maxBytes, List<Entry> out, long[] bytes) {
        logReadsFromLmdb.incrementAndGet();
        read(txn -> {
            try (Cursor<byte[]> c = raft.openCursor(txn)) {
                boolean found = c.get(RaftKeys.logKey(groupId, lo), GetOp.MDB_SET_RANGE);
                for (long next = lo; next < hi; next++) {
                    if (!found || !RaftKeys.isLogKey(c.key(), groupId) || RaftKeys.indexOf(c.key()) != next) {
                        throw missingEntry(groupId, next);
                    }
                    if (!GroupStorage.addWithinLimit(out, Codec.decodeEntry(next, c.val()), bytes, maxBytes)) break;
                    found = c.next();
                }
            }
            return null;
        });
    }

    private IllegalStateException missingEntry(long groupId, long index) {
        return new IllegalStateException("group " + groupId + ": log entry " + index + " is not in store " + dir
                + " although the log should hold it (read raced a truncating commit, or the store is damaged)");
    }

    // ---- internals ----

    private <R> R read(Function<Txn<byte[]>, R> body) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            try (Txn<byte[]> txn = env.txnRead()) {
                return body.apply(txn);
            }
        } catch (LmdbException e) {
            throw new StoreException("reading store " + dir + " failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void checkOpen() {
        if (closed) throw new StoreException("store " + dir + " is closed");
    }

    private void writeMeta(byte[] key, byte[] value) {
        lifecycle.readLock().lock();
        try {
            checkOpen();
            try (Txn<byte[]> txn = env.txnWrite()) {
                meta.put(txn, key, value);
                txn.commit();
            }
        } catch (Env.MapFullException e) {
            throw new StoreFullException(dir, env.info().mapSize, 1, e);
        } catch (LmdbException e) {
            throw new StoreException("writing to store " + dir + " failed: " + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private void checkFormat() {
        byte[] format = read(txn -> meta.get(txn, FORMAT_KEY));
        if (format == null) {
            writeMeta(FORMAT_KEY, new byte[] {FORMAT_VERSION});
        } else if (format.length != 1 || format[0] != FORMAT_VERSION) {
            throw new StoreException("store " + dir + " has format version " + (format.length == 1 ? format[0] : "?")
                    + "; this build reads format " + FORMAT_VERSION);
        }
    }

    /** Finds every group with a key, jumping over each group's keys with one seek. */
    private void loadGroupIds() {
        read(txn -> {
            try (Cursor<byte[]> c = raft.openCursor(txn)) {
                boolean found = c.first();
                while (found) {
                    long g = RaftKeys.groupOf(c.key());
                    groupIds.add(g);
                    found = c.get(RaftKeys.groupEnd(g), GetOp.MDB_SET_RANGE);
                }
            }
            return null;
        });
    }

    private GroupState loadGroupState(long groupId) {
        return read(txn -> {
            byte[] hs = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_HARD_STATE));
            byte[] tr = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_TRUNCATED_STATE));
            byte[] sm = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_SNAPSHOT_META));
            byte[] ap = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_APPLIED_STATE));
            long[] truncated = tr == null ? new long[] {0, 0} : Codec.decodeTruncated(tr);
            long lastIndex = truncated[0];
            boolean hasLog = false;
            try (Cursor<byte[]> c = raft.openCursor(txn)) {
                boolean found = c.get(RaftKeys.groupEnd(groupId), GetOp.MDB_SET_RANGE) ? c.prev() : c.last();
                if (found && RaftKeys.isLogKey(c.key(), groupId)) {
                    lastIndex = RaftKeys.indexOf(c.key());
                    hasLog = true;
                }
            }
            Codec.Applied applied = ap == null ? new Codec.Applied(0, GroupState.EMPTY.appliedConfState())
                    : Codec.decodeApplied(ap);
            GroupState s = new GroupState(
                    hs != null || tr != null || sm != null || ap != null || hasLog,
                    hs == null ? GroupState.EMPTY.hardState() : Codec.decodeHardState(hs),
                    truncated[0], truncated[1], lastIndex,
                    sm == null ? GroupState.EMPTY.snapshotMeta() : Codec.decodeSnapshotMeta(sm),
                    applied.index(), applied.confState());
            if (s.exists()) s.checkInvariants(groupId);
            return s;
        });
    }

    /**
     * Hands each commit's LMDB commit (fsync) time, in nanoseconds, to {@code observer} on the
     * committing thread: for a node's latency histogram. It must be quick and must not throw.
     */
    public void observeFsync(java.util.function.LongConsumer observer) {
        this.fsyncObserver = Objects.requireNonNull(observer, "observer");
    }

    private void recordCommit(int ops, long commitNanos, long fsyncNanos) {
        fsyncObserver.accept(fsyncNanos);
        long commitMicros = commitNanos / 1000;
        long fsyncMicros = fsyncNanos / 1000;
        synchronized (statsLock) {
            commits++;
            lastBatchOps = ops;
            lastCommitMicros = commitMicros;
            maxCommitMicros = Math.max(maxCommitMicros, commitMicros);
            totalCommitMicros += commitMicros;
            lastFsyncMicros = fsyncMicros;
            maxFsyncMicros = Math.max(maxFsyncMicros, fsyncMicros);
            totalFsyncMicros += fsyncMicros;
        }
    }

    private static void closeQuietly(FileLock lock, FileChannel channel) {
        try {
            if (lock != null) lock.release();
        } catch (IOException ignored) {
            // Closing the channel below releases the lock anyway.
        }
        try {
            if (channel != null) channel.close();
        } catch (IOException ignored) {
            // Nothing left to release; the OS drops the lock with the process.
        }
    }

    @Override
    public String toString() {
        return "Store{" + dir + "}";
    }
}
