package io.conclave.storage;

import io.conclave.raft.Entry;
import io.conclave.raft.HardState;

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
    /** On-disk layout version, bumped when a change needs a migration. 2: the Raft log left LMDB. */
    private static final byte FORMAT_VERSION = 2;
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
    private RaftLog raftLog; // set once in open

    private final ConcurrentHashMap<Long, GroupStorage> groups = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Long> groupIds = new ConcurrentSkipListSet<>();
    private volatile SnapshotSource defaultSnapshotSource;

    /** Read side: any call that touches the environment. Write side: close. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle
    /** One log writer at a time: prepares batches in order, writes their log part, publishes it. */
    private final ReentrantLock commitLock = new ReentrantLock();
    /** One LMDB writer at a time: commits the LMDB parts in the order their batches were prepared. */
    private final ReentrantLock stateLock = new ReentrantLock();
    /** Set when a commit failed in a way that may leave the disk's view and ours apart; then all writes fail. */
    private volatile String failure;

    /** LMDB parts whose log part is durable, oldest first, waiting for {@link #commitState}. */
    private final java.util.ArrayDeque<LogCommit> pendingStates = new java.util.ArrayDeque<>(); // guarded by itself

    /**
     * Sequence locks over the two publications, so log reads from other threads need no lock: a
     * counter is odd while its writer makes something durable visible (the log writer under
     * commitLock, the LMDB writer under stateLock, from before its LMDB commit), even otherwise.
     */
    private volatile long logSeq;
    private volatile long stateSeq;
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
    private long lmdbCommits;
    private long totalLmdbCommitMicros;
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
            Map<Long, Long> tombstones = store.loadGroupIds();
            try {
                store.raftLog = RaftLog.open(abs, new RaftLog.Settings(options.raftLogSegmentBytes(), options.fsync(),
                        options.raftLogSegmentBytes() / 4), g -> tombstones.getOrDefault(g, 0L));
                store.recoverGroups();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
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
     * Makes the whole batch durable: its Raft log part (one write and one {@code fdatasync}) and
     * its LMDB part (one transaction, together with any LMDB parts still waiting). After it
     * returns, every write of the batch survives a crash; if it throws before anything was
     * written, none was and the in-memory state is unchanged. Thread-safe.
     *
     * @throws StoreFullException if the map is full and the batch writes no Raft log (the store
     *     stays usable); with a log part already durable, a full map is a failure as below
     * @throws StoreException if the disk failed; after a failed write the store refuses
     *     further writes and the node must restart
     * @throws IllegalArgumentException if the batch appends with a gap or compacts past the log
     * @throws IllegalStateException if the batch breaks another Raft log rule (a term or vote going
     *     back, compaction past the snapshot point, applying past the commit index): nothing written
     */
    public void commit(WriteBatch batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.isEmpty()) return;
        // LMDB first: a full map then fails the batch before its log part is written, and the
        // store stays usable (see commitLog for why either order is a state a restart reads).
        commitState(commitLog(batch, true));
    }

    /**
     * A batch whose Raft log part is durable; its LMDB part is durable once {@link #isStateDurable}
     * (see {@link #commitState}).
     */
    public static final class LogCommit {
        private final BatchApplier.Prepared prepared;
        /** The LMDB part goes first, both before {@link #commitLog} returns. */
        private final boolean stateFirst;
        private volatile boolean stateDurable;

        private LogCommit(BatchApplier.Prepared prepared, boolean stateFirst) {
            this.prepared = prepared;
            this.stateFirst = stateFirst;
        }

        public boolean isStateDurable() {
            return stateDurable;
        }
    }

    /**
     * Checks the batch against Raft's log rules and makes its Raft log part durable: entries,
     * hard states, snapshot and destroy markers of every group, in one write and one
     * {@code fdatasync}; Raft's reads show them on return. The LMDB part (state-machine writes,
     * applied state, truncation, snapshot metadata, a copy of each hard state) waits for
     * {@link #commitState}, which commits it with every part prepared before it, in order.
     *
     * <p>A batch that installs a snapshot, destroys a group or creates one has its LMDB part
     * committed first, then its log part, both before this returns: their log records alone
     * would not be a state a restart could read (a log starting after a snapshot whose data is
     * not in LMDB), while the LMDB part alone is (recovery keeps the log's entries only where they
     * chain onto LMDB's truncation point, and takes the newer hard state).
     *
     * @throws StoreException if the log write failed (disk full or I/O error); then the store
     *     refuses further writes
     * @throws IllegalArgumentException, IllegalStateException as {@link #commit}: nothing written
     */
    public LogCommit commitLog(WriteBatch batch) {
        return commitLog(batch, false);
    }

    private LogCommit commitLog(WriteBatch batch, boolean stateFirst) {
        Objects.requireNonNull(batch, "batch");
        lifecycle.readLock().lock();
        commitLock.lock();
        try {
            checkOpen();
            checkNoFailure();
            long startNanos = nanoTicker.getAsLong();
            BatchApplier.Prepared p;
            try {
                p = BatchApplier.prepare(batch, g -> group(g).prepared(), raftLog);
            } catch (RuntimeException e) {
                synchronized (statsLock) {
                    failedCommits++;
                }
                throw e;
            }
            LogCommit c = new LogCommit(p, stateFirst || p.stateFirst);
            long fsyncNanos;
            if (c.stateFirst) {
                synchronized (pendingStates) {
                    pendingStates.addLast(c);
                }
                try {
                    commitState(c);
                } catch (StoreFullException e) {
                    synchronized (statsLock) {
                        failedCommits++;
                    }
                    throw e;
                }
                long fsyncStart = nanoTicker.getAsLong();
                appendToLog(p);
                fsyncNanos = nanoTicker.getAsLong() - fsyncStart;
                logSeq++; // odd
                try {
                    stateSeq++; // odd: the LMDB part became visible to reads already; its caches now
                    publishAll(p);
                } finally {
                    stateSeq++;
                    logSeq++;
                }
            } else {
                long fsyncStart = nanoTicker.getAsLong();
                appendToLog(p);
                fsyncNanos = nanoTicker.getAsLong() - fsyncStart;
                logSeq++;
                try {
                    for (BatchApplier.Work w : p.work.values()) {
                        group(w.groupId).publishLog(w);
                        if (w.exists) groupIds.add(w.groupId);
                    }
                } catch (RuntimeException e) {
                    failure = "publishing a durable log write failed: " + e;
                    throw e;
                } finally {
                    logSeq++;
                }
                synchronized (pendingStates) {
                    pendingStates.addLast(c);
                }
            }
            for (BatchApplier.Work w : p.work.values()) group(w.groupId).setPrepared(w.toState());
            batch.markCommitted();
            recordCommit(batch.size(), nanoTicker.getAsLong() - startNanos, fsyncNanos);
            return c;
        } finally {
            commitLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    private void appendToLog(BatchApplier.Prepared p) {
        try {
            raftLog.append(p.logRecords);
        } catch (RuntimeException e) {
            failure = "the Raft log write failed: " + e.getMessage();
            synchronized (statsLock) {
                failedCommits++;
            }
            throw e;
        }
    }

    private void publishAll(BatchApplier.Prepared p) {
        try {
            for (BatchApplier.Work w : p.work.values()) {
                group(w.groupId).publishAll(w);
                if (w.exists) groupIds.add(w.groupId);
                else groupIds.remove(w.groupId);
                if (w.exists) raftLog.forgetThrough(w.groupId, w.truncatedIndex);
            }
        } catch (RuntimeException e) {
            failure = "publishing a committed batch failed: " + e;
            throw e;
        }
    }

    /**
     * Commits the LMDB part of {@code upTo} and of every batch whose log part was written before
     * it and whose LMDB part is not yet durable, in one transaction and one (LMDB) sync; Raft's
     * reads then show the truncation points, snapshot metadata and applied states, and the
     * state-machine reads the writes. Returns at once if it is durable already. Thread-safe.
     *
     * @throws StoreFullException if the map is full and none of those batches wrote the Raft log
     *     (they are dropped, the store stays usable)
     * @throws StoreException if LMDB or the disk failed, or the map is full while a log part is
     *     already durable (the LMDB part must follow it): the store refuses further writes
     */
    public void commitState(LogCommit upTo) {
        Objects.requireNonNull(upTo, "upTo");
        if (upTo.stateDurable) return;
        lifecycle.readLock().lock();
        stateLock.lock();
        try {
            if (upTo.stateDurable) return;
            checkOpen();
            checkNoFailure();
            List<LogCommit> drained = new ArrayList<>();
            synchronized (pendingStates) {
                while (!pendingStates.isEmpty()) {
                    LogCommit c = pendingStates.pollFirst();
                    drained.add(c);
                    if (c == upTo) break;
                }
            }
            Invariants.check(!drained.isEmpty() && drained.get(drained.size() - 1) == upTo,
                    "store %s: a batch's LMDB part was asked for but is not pending", dir);
            List<BatchApplier.Prepared> parts = new ArrayList<>(drained.size());
            boolean anyLog = false;
            for (LogCommit c : drained) {
                parts.add(c.prepared);
                // Its log part is durable already: its LMDB part cannot be given up.
                anyLog |= !c.stateFirst && !c.prepared.logRecords.isEmpty();
            }
            long lmdbStart = nanoTicker.getAsLong();
            stateSeq++; // odd: LMDB may show the batches before the caches do
            try {
                try (Txn<byte[]> txn = env.txnWrite()) {
                    try {
                        BatchApplier.writeState(txn, raft, data, parts, raftLog.endPosition());
                    } catch (Env.MapFullException e) {
                        throw mapFull(anyLog, drained, e);
                    } catch (LmdbException e) {
                        failure = "writing the LMDB part of " + drained.size() + " batches failed: " + e.getMessage();
                        throw new StoreException("store " + dir + ": " + failure
                                + "; the store refuses further writes, restart the node", e);
                    }
                    try {
                        txn.commit();
                    } catch (Env.MapFullException e) {
                        throw mapFull(anyLog, drained, e);
                    } catch (LmdbException e) {
                        failure = "commit failed: " + e.getMessage();
                        throw new StoreException("store " + dir + ": committing a batch failed (disk full or I/O"
                                + " error?): " + e.getMessage() + "; the store refuses further writes, restart the node", e);
                    }
                }
                // Only now, durable, does the LMDB part become visible to Raft's reads.
                try {
                    for (LogCommit c : drained) {
                        if (c.stateFirst) continue; // commitLog publishes it whole after its log write
                        for (BatchApplier.Work w : c.prepared.work.values()) {
                            group(w.groupId).publishState(w);
                            raftLog.forgetThrough(w.groupId, w.truncatedIndex);
                        }
                    }
                } catch (RuntimeException e) {
                    failure = "publishing a committed batch failed: " + e;
                    throw e;
                }
                for (LogCommit c : drained) c.stateDurable = true;
                long micros = (nanoTicker.getAsLong() - lmdbStart) / 1000;
                synchronized (statsLock) {
                    lmdbCommits++;
                    totalLmdbCommitMicros += micros;
                }
            } finally {
                if ((stateSeq & 1) == 1) stateSeq++; // even: caches and LMDB agree again
            }
            if (raftLog.segmentCount() > 1) reclaimLog();
        } finally {
            stateLock.unlock();
            lifecycle.readLock().unlock();
        }
    }

    private RuntimeException mapFull(boolean anyLog, List<LogCommit> drained, Env.MapFullException e) {
        StoreFullException full = new StoreFullException(dir, env.info().mapSize, drained.size(), e);
        if (anyLog) {
            failure = "the LMDB map filled up under a batch whose Raft log part is durable: " + full.getMessage();
            return new StoreException("store " + dir + ": " + failure + "; the store refuses further writes", full);
        }
        return full;
    }

    /** Deletes the Raft log segments no group needs any more; see {@link RaftLog#reclaim}. */
    private void reclaimLog() {
        // A group's entries at or below its durable truncation point are never read again.
        raftLog.reclaim(g -> {
            GroupStorage gs = groups.get(g);
            if (gs == null) return groupIds.contains(g) ? 0 : Long.MAX_VALUE;
            return gs.state().truncatedIndex();
        });
    }

    private void checkNoFailure() {
        if (failure != null) {
            throw new StoreException("store " + dir + " refuses writes after an earlier failure: " + failure
                    + "; restart the node");
        }
    }

    /**
     * Runs a read of a group's cached state and log so that it sees one durable state: it is
     * retried if a publication ran while it did (each sequence is odd while its writer makes a
     * write visible), and after a few tries run under both writers' locks, which waits for the
     * writes in flight. Reads answered from the caches alone do not come here.
     */
    <T> T readConsistently(Supplier<T> read) {
        for (int attempt = 0; attempt < OPTIMISTIC_READ_ATTEMPTS; attempt++) {
            long log = logSeq;
            long st = stateSeq;
            if (((log | st) & 1) == 1) continue;
            T result;
            try {
                result = read.get();
            } catch (RuntimeException e) {
                if (logSeq == log && stateSeq == st) throw e; // a genuine answer (compacted, out of range, closed)
                continue;
            }
            if (logSeq == log && stateSeq == st) return result;
        }
        lifecycle.readLock().lock();
        commitLock.lock();
        stateLock.lock();
        try {
            return read.get();
        } finally {
            stateLock.unlock();
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
                    lastFsyncMicros, maxFsyncMicros, totalFsyncMicros, logReadsFromLmdb.get(), lmdbCommits,
                    totalLmdbCommitMicros);
        }
    }

    /** Closes the environment after running calls finish; idempotent. Later calls throw. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) return;
            closed = true;
            if (raftLog != null) raftLog.close();
            env.close();
            closeQuietly(fileLock, lockChannel);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    // ---- reads on behalf of GroupStorage ----

    long readTerm(long groupId, long index) {
        logReadsFromLmdb.incrementAndGet();
        lifecycle.readLock().lock();
        try {
            checkOpen();
            long term = raftLog.term(groupId, index);
            if (term < 0) throw missingEntry(groupId, index);
            return term;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Adds entries {@code [lo, hi)} of a group's log to {@code out} within the byte limit. */
    void readLog(long groupId, long lo, long hi, long maxBytes, List<Entry> out, long[] bytes) {
        logReadsFromLmdb.incrementAndGet();
        lifecycle.readLock().lock();
        try {
            checkOpen();
            raftLog.read(groupId, lo, hi, maxBytes, out, bytes);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private IllegalStateException missingEntry(long groupId, long index) {
        return new IllegalStateException("group " + groupId + ": log entry " + index + " is not in the Raft log of "
                + dir + " although the log should hold it (read raced a truncating commit, or the store is damaged)");
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

    /**
     * Finds every group with state in LMDB, jumping over each group's keys with one seek, and
     * returns the tombstones (the Raft log position each destroyed group's records end at). A
     * group with only a tombstone does not exist.
     */
    private Map<Long, Long> loadGroupIds() {
        Map<Long, Long> tombstones = new java.util.HashMap<>();
        read(txn -> {
            try (Cursor<byte[]> c = raft.openCursor(txn)) {
                boolean found = c.first();
                while (found) {
                    long g = RaftKeys.groupOf(c.key());
                    byte[] t = raft.get(txn, RaftKeys.stateKey(g, RaftKeys.KIND_TOMBSTONE));
                    if (t != null) tombstones.put(g, java.nio.ByteBuffer.wrap(t).getLong());
                    if (hasStateKey(txn, g)) groupIds.add(g);
                    found = c.get(RaftKeys.groupEnd(g), GetOp.MDB_SET_RANGE);
                }
            }
            return null;
        });
        return tombstones;
    }

    private boolean hasStateKey(Txn<byte[]> txn, long g) {
        for (byte kind : new byte[] {RaftKeys.KIND_HARD_STATE, RaftKeys.KIND_TRUNCATED_STATE,
                RaftKeys.KIND_SNAPSHOT_META, RaftKeys.KIND_APPLIED_STATE}) {
            if (raft.get(txn, RaftKeys.stateKey(g, kind)) != null) return true;
        }
        return false;
    }

    /** The group's LMDB state, without the log: its last index is its truncation point. */
    private GroupState loadLmdbState(long groupId) {
        return read(txn -> {
            byte[] hs = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_HARD_STATE));
            byte[] tr = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_TRUNCATED_STATE));
            byte[] sm = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_SNAPSHOT_META));
            byte[] ap = raft.get(txn, RaftKeys.stateKey(groupId, RaftKeys.KIND_APPLIED_STATE));
            long[] truncated = tr == null ? new long[] {0, 0} : Codec.decodeTruncated(tr);
            Codec.Applied applied = ap == null ? new Codec.Applied(0, GroupState.EMPTY.appliedConfState())
                    : Codec.decodeApplied(ap);
            return new GroupState(
                    hs != null || tr != null || sm != null || ap != null,
                    hs == null ? GroupState.EMPTY.hardState() : Codec.decodeHardState(hs),
                    truncated[0], truncated[1], truncated[0],
                    sm == null ? GroupState.EMPTY.snapshotMeta() : Codec.decodeSnapshotMeta(sm),
                    applied.index(), applied.confState());
        });
    }

    /**
     * Rebuilds every group's state from LMDB and the Raft log (see the package documentation,
     * Recovery): LMDB's truncation point, snapshot and applied state; the log's entries that
     * chain onto that point; the newer of the two hard states.
     */
    private void recoverGroups() {
        Set<Long> all = new TreeSet<>(groupIds);
        all.addAll(raftLog.groupIds());
        List<RaftLog.Record> repairs = new ArrayList<>();
        for (long g : all) {
            GroupState s = recoverGroup(g, loadLmdbState(g), repairs);
            if (s.exists()) {
                groupIds.add(g);
                s.checkInvariants(g);
            }
            groups.put(g, new GroupStorage(this, g, s, options.tailCacheBytesPerGroup()));
        }
        // Made durable before anything is appended after them: replayed at the next open, the
        // dropped entries would otherwise stand between LMDB's snapshot and the new entries.
        raftLog.append(repairs);
    }

    private GroupState recoverGroup(long g, GroupState lmdb, List<RaftLog.Record> repairs) {
        RaftLog.GroupView v = raftLog.view(g);
        long truncated = lmdb.truncatedIndex();
        long lastIndex = truncated;
        HardState hs = lmdb.hardState();
        if (v != null) {
            if (v.hasEntries() && v.lastIndex() > truncated) {
                if (v.firstIndex() > truncated + 1) {
                    throw new StoreCorruptException("store " + dir + ", group " + g + ": the Raft log holds entries from "
                            + v.firstIndex() + " but LMDB's log was truncated at " + truncated + ": entries "
                            + (truncated + 1) + " to " + (v.firstIndex() - 1) + " are missing");
                }
                long termThere = truncated >= v.firstIndex() ? raftLog.term(g, truncated) : -1;
                if (termThere >= 0 && termThere != lmdb.truncatedTerm()) {
                    // LMDB has a snapshot whose log record a crash kept from the disk: the log's
                    // entries after it are the ones the snapshot replaced.
                    raftLog.dropFrom(g, truncated + 1);
                    repairs.add(new RaftLog.Snapshot(g, truncated, lmdb.truncatedTerm()));
                } else {
                    lastIndex = v.lastIndex();
                }
            }
            raftLog.forgetThrough(g, truncated);
            HardState logged = v.hardState();
            if (logged.term() > hs.term() || (logged.term() == hs.term() && logged.commit() >= hs.commit())) {
                hs = logged;
            }
        }
        if (lmdb.appliedIndex() > lastIndex) {
            throw new StoreCorruptException("store " + dir + ", group " + g + ": LMDB has entries applied up to "
                    + lmdb.appliedIndex() + " but the Raft log ends at " + lastIndex);
        }
        // The commit index is a hint Raft relearns; a copy in LMDB may name entries of a batch whose
        // log part a crash lost (LMDB goes first for snapshots and new groups).
        long commit = Math.max(lmdb.appliedIndex(), Math.min(hs.commit(), lastIndex));
        if (commit != hs.commit()) hs = new HardState(hs.term(), hs.vote(), commit);
        boolean exists = lmdb.exists() || (v != null && (v.hasEntries() || !v.hardState().equals(HardState.EMPTY)));
        return new GroupState(exists, hs, truncated, lmdb.truncatedTerm(), lastIndex, lmdb.snapshotMeta(),
                lmdb.appliedIndex(), lmdb.appliedConfState());
    }

    private GroupState loadGroupState(long groupId) {
        // Every group with state was loaded at open; any other starts empty.
        return GroupState.EMPTY;
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
