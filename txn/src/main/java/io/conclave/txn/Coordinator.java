package io.conclave.txn;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.KvException;
import io.conclave.range.client.RangeChangedException;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RoutedResponse;
import io.conclave.range.rpc.ConflictingIntent;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KeySpan;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.TxnGet;
import io.conclave.range.rpc.TxnHeartbeat;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnRefresh;
import io.conclave.range.rpc.TxnResolve;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.range.rpc.TxnWrite;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.Supplier;

/**
 * One transaction attempt's state and protocol (see the package documentation): reads with
 * conflict handling and uncertainty, the write buffer, refreshes, and the three commit paths.
 * Used by one caller thread; the heartbeat and parallel prepares touch only the atomic fields.
 */
final class Coordinator {
    /** Rows asked of one range per scan request; the node bounds it further. */
    static final int SCAN_PAGE_ROWS = 1000;
    /** Bounds every retry loop even if the clock never advanced. */
    static final int MAX_OP_ATTEMPTS = 10_000;
    /** One-phase commits and commit-record writes pushed this often in a row give up. */
    static final int MAX_PUSHED_COMMITS = 5;
    /** Refreshes that find the ranges split under them this often in a row give up. */
    static final int MAX_REFRESH_REGROUPS = 5;
    /** Sleeps {@link #awaitClock} takes at most (each as long as the clock is behind; a couple suffice). */
    static final int MAX_CLOCK_WAITS = 16;
    static final long BACKOFF_INITIAL_NANOS = 5_000_000L;
    static final long BACKOFF_MAX_NANOS = 100_000_000L;
    /**
     * How long a push that cannot win waits at the pushee's record when this transaction may be
     * waited for in turn (its record exists: it holds intents): after it, the pusher learns who
     * waits for it and pushes again, so a cycle is found within a few of these.
     */
    static final int PUSH_WAIT_DEADLOCK_CHECK_MILLIS = 100;
    /** As above for a pusher nobody can wait for (no record, no intents): only a bound. */
    static final int PUSH_WAIT_MILLIS = 1000;
    /** A PUSH_FAILED answered sooner than this did not wait at the node: back off before pushing again. */
    static final long PUSH_WAITED_NANOS = 1_000_000L;
    /**
     * Bytes of keys a commit lists in its record (TxnEnd.intent_keys) at most. With them, MVCC GC
     * finishes the transaction (resolves the intents, removes the record) if this coordinator dies
     * after the commit point; a larger transaction lists none, and its record stays if this
     * coordinator dies before removing it. Bounded because every push reads the record and GC
     * pages report it.
     */
    static final int MAX_LISTED_INTENT_KEY_BYTES = 64 * 1024;
    static final int TXN_ID_BYTES = 16;

    enum State { OPEN, COMMITTED, ABORTED }

    /** What every attempt of a client shares. */
    record Env(RangeClient ranges, TxnSettings settings, TxnRuntime runtime, TxnClock clock, SettingsCache clusterSettings) {}

    private final Env env;
    private final byte[] id;
    private final Timestamp minTs;
    private final boolean readOnly;
    private final Timestamp uncertaintyLimit;
    /** The cluster's max offset (the nodes', else the setting): the window's width and the commit-wait. */
    private final long maxOffsetNanos;
    private final long deadlineNanos;
    private final WriteBuffer writes;
    private final ReadSet reads;
    private final int restarts;
    private final Map<String, Integer> restartReasons;

    private Timestamp readTs;
    private Timestamp writeTs;
    /**
     * Nodes refuse a transaction without an anchor key, but the anchor is the first key written,
     * unknown while the transaction only reads: until then, the first key read stands in. Nothing
     * durable names it (reads leave only the id in the timestamp cache), so it may change.
     */
    private byte[] provisionalAnchor;
    /**
     * The highest timestamp this attempt was pushed or moved to (a push by a reader, a newer
     * version, an uncertain value). A retry starts at or above it: starting at the clock instead
     * would read below the same values again and fail the same way until real time passed them.
     */
    private Timestamp restartFloor = Timestamp.MIN;
    /** The transaction's own choice (Txn.setCommitWait, else the client's); null: the cluster setting's. */
    private Boolean commitWait;
    private State state = State.OPEN;
    private CommitResult result;
    /** Keys that may hold our intents, by the key that routed their prepare. */
    private final Map<String, List<byte[]>> maybePrepared = new ConcurrentHashMap<>();
    private volatile boolean recordMayExist;
    /** The commit record write was sent: a failure after it may hide a commit. */
    private boolean endSent;
    /** Set by the heartbeat when the record was found ABORTED (we lost a conflict or expired). */
    private volatile boolean abortedByOther;
    /** Why, when the record says (e.g. "aborted by deadlock"). */
    private volatile String abortReason = "";
    /** Who waits for this transaction, as its record's range last said: sent with each push. */
    private List<io.conclave.range.rpc.TxnWaitsFor> waitsFor = List.of();
    /** Whether the last push that failed waited at the node (so no backoff is needed before the next). */
    private boolean lastPushWaited;
    private AutoCloseable heartbeat;

    /** Node id by the address that answered, and each node's first clock reading seen by this transaction. */
    private final Map<String, Long> nodeAt = new ConcurrentHashMap<>();
    private final Map<Long, Timestamp> observed = new ConcurrentHashMap<>();
    private final Set<Long> rangesTouched = ConcurrentHashMap.newKeySet();
    private final Set<Long> nodesTouched = ConcurrentHashMap.newKeySet();
    private final AtomicInteger raftWrites = new AtomicInteger();
    private final AtomicInteger readCount = new AtomicInteger();
    private long readNanos;
    private long prepareNanos;
    private long commitNanos;
    private long commitWaitNanos;

    /**
     * @param start the node clock reading the attempt starts at: its uncertainty window ends at
     *     {@code start + max offset}
     * @param readTs where it reads, at or above {@code start} (a retry may start a little higher)
     */
    Coordinator(Env env, Timestamp start, Timestamp readTs, Timestamp minTs, boolean readOnly, int restarts,
            Map<String, Integer> restartReasons) {
        this.env = env;
        this.id = new byte[TXN_ID_BYTES];
        env.runtime().randomBytes(id);
        this.minTs = minTs;
        this.readOnly = readOnly;
        this.readTs = readTs;
        this.writeTs = readTs;
        this.maxOffsetNanos = env.clock().maxOffsetNanos(env.settings().maxOffset().toNanos());
        this.uncertaintyLimit = readOnly ? readTs : start.addNanos(maxOffsetNanos);
        this.deadlineNanos = env.runtime().nanoTime() + env.settings().deadline().toNanos();
        this.writes = new WriteBuffer(env.settings().maxBufferedWrites());
        this.reads = new ReadSet(env.settings().maxReadSpans());
        this.commitWait = env.settings().commitWaitOverride().orElse(null);
        this.restarts = restarts;
        this.restartReasons = Map.copyOf(restartReasons);
    }

    byte[] id() {
        return id.clone();
    }

    Timestamp minTs() {
        return minTs;
    }

    Timestamp readTs() {
        return readTs;
    }

    /** Where a new attempt of this transaction should start at the earliest. */
    Timestamp restartFloor() {
        return Timestamp.max(restartFloor, writeTs);
    }

    private void pushedTo(Timestamp ts) {
        restartFloor = Timestamp.max(restartFloor, ts);
    }

    State state() {
        return state;
    }

    void setCommitWait(boolean on) {
        commitWait = on;
    }

    /** The effective commit-wait: this transaction's override, else the cluster setting. */
    private boolean commitWait() {
        return commitWait != null ? commitWait : env.clusterSettings().commitWait();
    }

    TxnMeta meta() {
        TxnMeta.Builder m = TxnMeta.newBuilder().setId(ByteString.copyFrom(id)).setEpoch(0)
                .setWriteTs(writeTs.toProto()).setMinTs(minTs.toProto()).setPriority(restarts);
        byte[] anchor = writes.anchor() != null ? writes.anchor() : provisionalAnchor;
        if (anchor != null) m.setAnchorKey(ByteString.copyFrom(anchor));
        return m.build();
    }

    // ---- reads ---------------------------------------------------------------------------------

    Optional<byte[]> get(byte[] key) {
        return get(key, 0, null);
    }

    /** A get; with {@code claimNanos > 0} a claiming one, whose granted claim goes to {@code claim[0]}. */
    private Optional<byte[]> get(byte[] key, long claimNanos, ReadClaim[] claim) {
        checkOpen();
        checkKey(key);
        if (writes.contains(key)) return Optional.ofNullable(writes.get(key)).map(byte[]::clone);
        if (provisionalAnchor == null) provisionalAnchor = key.clone();
        long start = env.runtime().nanoTime();
        try {
            RoutedResponse r = read(key, "get " + Keys.pretty(key), (d, node) -> txnGet(key, node, claimNanos));
            reads.addKey(key);
            KvResponse resp = r.response();
            if (claim != null) claim[0] = claimOf(resp);
            return resp.getFound() ? Optional.of(resp.getValue().toByteArray()) : Optional.empty();
        } finally {
            readNanos += env.runtime().nanoTime() - start;
        }
    }

    private KvRequest txnGet(byte[] key, String node, long claimNanos) {
        TxnGet.Builder g = TxnGet.newBuilder().setKey(ByteString.copyFrom(key)).setRead(readOptions(node));
        if (claimNanos > 0) g.setClaimNanos(claimNanos);
        return KvRequest.newBuilder().setTxnGet(g).build();
    }

    /** The claim an answer grants, or null. A claim that does not start at the read timestamp it answers is a bug. */
    private ReadClaim claimOf(KvResponse resp) {
        if (!resp.hasClaimEnd() || !resp.hasClaimStart()) return null;
        ReadClaim c = new ReadClaim(Timestamp.fromProto(resp.getClaimStart()), Timestamp.fromProto(resp.getClaimEnd()));
        if (c.start().isAfter(readTs)) {
            throw new TxnException("a claim starting at " + c.start() + " answered a read at " + readTs);
        }
        return c;
    }

    /**
     * As {@link #getAll}, the first key's read claiming up to {@code claimNanos} (see {@link
     * Txn#getAllClaimingFirst}). A claim answered by a read whose timestamp has since moved is
     * still a fact about the key (its value from the claim's start to its end), and is returned.
     */
    ClaimedReads getAllClaimingFirst(List<byte[]> keys, long claimNanos) {
        ReadClaim[] claim = new ReadClaim[1];
        List<Optional<byte[]>> values = getAll(keys, claimNanos, claim);
        return new ClaimedReads(values, Optional.ofNullable(claim[0]));
    }

    /** See {@link Txn#assumeRead}. */
    Timestamp assumeRead(byte[] key) {
        checkOpen();
        checkKey(key);
        reads.addKey(key);
        return readTs;
    }

    /**
     * The values of several keys, read in one parallel round: each key not in the write buffer is
     * asked of its leaseholder once, at the same read timestamp, as {@link RangeScan} reads pieces
     * ahead. A key whose request failed (an intent, an uncertain value, a moved range) is then
     * read again alone through {@link #get}, which retries; the keys answered first are in the read
     * set by then, so a read timestamp that moves refreshes them like any earlier read.
     */
    List<Optional<byte[]>> getAll(List<byte[]> keys) {
        return getAll(keys, 0, null);
    }

    private List<Optional<byte[]>> getAll(List<byte[]> keys, long claimNanos, ReadClaim[] claim) {
        checkOpen();
        for (byte[] key : keys) checkKey(key);
        List<Optional<byte[]>> out = new ArrayList<>(java.util.Collections.nCopies(keys.size(), null));
        List<Integer> remote = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            byte[] key = keys.get(i);
            if (writes.contains(key)) out.set(i, Optional.ofNullable(writes.get(key)).map(byte[]::clone));
            else remote.add(i);
        }
        if (remote.size() < 2) {
            for (int i : remote) out.set(i, i == 0 ? get(keys.get(i), claimNanos, claim) : get(keys.get(i)));
            return out;
        }
        if (provisionalAnchor == null) provisionalAnchor = keys.get(remote.get(0)).clone();
        long start = env.runtime().nanoTime();
        List<Supplier<RoutedResponse>> sends = new ArrayList<>();
        for (int i : remote) {
            byte[] key = keys.get(i);
            long claimed = i == 0 ? claimNanos : 0;
            sends.add(() -> {
                try {
                    return env.ranges().sendRouted(key, (d, node) -> txnGet(key, node, claimed), true);
                } catch (KvException e) {
                    return null; // read again below, alone and with retries
                }
            });
        }
        List<RoutedResponse> answers = env.runtime().all(sends);
        readNanos += env.runtime().nanoTime() - start;
        List<Integer> again = new ArrayList<>();
        for (int j = 0; j < remote.size(); j++) {
            int i = remote.get(j);
            RoutedResponse r = answers.get(j);
            if (r == null) {
                again.add(i);
                continue;
            }
            noteRead(r);
            reads.addKey(keys.get(i));
            KvResponse resp = r.response();
            if (i == 0 && claim != null) claim[0] = claimOf(resp);
            out.set(i, resp.getFound() ? Optional.of(resp.getValue().toByteArray()) : Optional.empty());
        }
        for (int i : again) out.set(i, i == 0 ? get(keys.get(i), claimNanos, claim) : get(keys.get(i)));
        return out;
    }

    List<KeyValue> scan(byte[] start, byte[] end, int limit) {
        if (limit < 1) fail("scan limit must be >= 1, was " + limit);
        List<KeyValue> out = new ArrayList<>();
        scan(start, end, ScanOptions.sequential(limit), kv -> {
            out.add(kv);
            return out.size() < limit;
        });
        return out;
    }

    ScanSummary scan(byte[] start, byte[] end, ScanOptions options, Predicate<KeyValue> sink) {
        checkOpen();
        checkKey(start);
        if (Keys.compare(end, Keys.KEY_MAX) > 0) fail("scan end " + Keys.pretty(end) + " is past the keyspace (0xffff)");
        if (provisionalAnchor == null) provisionalAnchor = start.clone();
        long began = env.runtime().nanoTime();
        try {
            return new RangeScan(this, start, end, options, sink).run();
        } finally {
            readNanos += env.runtime().nanoTime() - began;
        }
    }

    // What a RangeScan uses of this attempt (same thread as the rest; see RangeScan).

    Env env() {
        return env;
    }

    WriteBuffer writes() {
        return writes;
    }

    ReadSet reads() {
        return reads;
    }

    /** Counts and learns from a read answered outside {@link #read}. */
    void noteRead(RoutedResponse r) {
        readCount.incrementAndGet();
        noteAnswer(r);
    }

    /** One read request, retried through intents (push, resolve) and uncertainty (refresh, move up). */
    RoutedResponse read(byte[] routingKey, String what, BiFunction<RangeDescriptor, String, KvRequest> build) {
        Backoff backoff = new Backoff();
        for (int attempt = 0; attempt < MAX_OP_ATTEMPTS; attempt++) {
            backoff.checkDeadline(what);
            try {
                RoutedResponse r = env.ranges().sendRouted(routingKey, build, true);
                readCount.incrementAndGet();
                noteAnswer(r);
                return r;
            } catch (KvException e) {
                ErrorResponse err = e.error();
                switch (e.code()) {
                    // An intent at or below the read timestamp is pushed above it; one inside the
                    // uncertainty window is waited out (intents live only while their writer
                    // commits): pushing it above the window would put the writer's commit up to
                    // the max offset ahead of the clocks, and nodes absorbing such timestamps
                    // would creep ahead until they refuse them (CLOCK_OFFSET).
                    case WRITE_INTENT -> handleIntents(err.getIntentsList(),
                            m -> m.hasWriteTs() && Timestamp.fromProto(m.getWriteTs()).isAfter(readTs)
                                    ? PushType.PUSH_TOUCH : PushType.PUSH_TIMESTAMP, readTs, backoff);
                    case READ_WITHIN_UNCERTAINTY -> {
                        if (!err.hasExistingTs()) throw wrap(what, e);
                        Timestamp existing = Timestamp.fromProto(err.getExistingTs());
                        if (!existing.isAfter(readTs)) throw wrap(what, e);
                        moveReadTimestamp(existing, TxnRetryException.Reason.UNCERTAINTY,
                                "a value at " + existing + " is in the uncertainty window of " + what);
                    }
                    case GC_THRESHOLD -> throw new TxnException(what + " at " + readTs
                            + " is below the range's garbage-collection threshold"
                            + (err.hasExistingTs() ? " " + Timestamp.fromProto(err.getExistingTs()) : "")
                            + ": versions that old are gone; read at a later timestamp", e);
                    case FILTER_FAILED -> throw new TxnScanFilterException(what + ": " + err.getMessage(), e);
                    default -> throw wrap(what, e);
                }
            }
        }
        throw new TxnException(what + " did not succeed in " + MAX_OP_ATTEMPTS + " attempts");
    }

    /**
     * How a read sees the keys at {@code hostPort}: with the node's observed timestamp when this
     * transaction already heard from that node (a value the node wrote after that reading cannot
     * have preceded the transaction, so the window narrows to it).
     */
    TxnReadOptions readOptions(String hostPort) {
        TxnReadOptions.Builder o = TxnReadOptions.newBuilder().setTxn(meta()).setReadTs(readTs.toProto());
        if (uncertaintyLimit.isAfter(readTs)) {
            o.setUncertaintyLimit(uncertaintyLimit.toProto());
            Long node = nodeAt.get(hostPort);
            Timestamp seen = node == null ? null : observed.get(node);
            if (seen != null) o.setObservedTs(seen.toProto());
        }
        return o.build();
    }

    /** Moves the read timestamp up to {@code to} if every earlier read still holds there. */
    private void moveReadTimestamp(Timestamp to, TxnRetryException.Reason reason, String why) {
        pushedTo(to);
        if (!refresh(readTs, to)) {
            throw retry(reason, why + "; a key read earlier changed before " + to);
        }
        readTs = to;
        writeTs = Timestamp.max(writeTs, to);
    }

    // ---- writes --------------------------------------------------------------------------------

    void put(byte[] key, byte[] value) {
        checkOpen();
        checkWritable();
        checkKey(key);
        if (value == null) fail("value must be set (use delete to remove a key)");
        String problem = Keys.checkValue(value);
        if (problem != null) fail("value for " + Keys.pretty(key) + ": " + problem);
        writes.put(key, value);
    }

    void delete(byte[] key) {
        checkOpen();
        checkWritable();
        checkKey(key);
        writes.put(key, null);
    }

    // ---- commit --------------------------------------------------------------------------------

    CommitResult commit() {
        if (state == State.COMMITTED) return result;
        checkOpen();
        long began = env.runtime().nanoTime();
        try {
            if (writes.isEmpty()) {
                state = State.COMMITTED;
                result = new CommitResult(readTs, false, 0, 0);
                return result;
            }
            List<List<byte[]>> groups = groupByRange(writes.keys());
            result = groups.size() == 1 ? onePhase(groups.get(0)) : twoPhase(groups);
            state = State.COMMITTED;
            return result;
        } catch (TxnAmbiguousException e) {
            state = State.ABORTED;
            stopHeartbeat();
            throw e;
        } catch (RuntimeException e) {
            boolean afterEnd = endSent && !(e instanceof TxnRetryException);
            TxnRecord fate = abandon();
            if (afterEnd && fate != null && fate.getStatus() == TxnStatus.COMMITTED) {
                // The commit record was written though its answer failed: the record is the truth.
                state = State.COMMITTED;
                result = new CommitResult(Timestamp.fromProto(fate.getCommitTs()), false, rangesOf(maybePrepared), 0);
                return result;
            }
            if (afterEnd && fate == null) {
                throw new TxnAmbiguousException("the commit record write failed (" + e.getMessage()
                        + ") and the rollback could not settle the outcome", e);
            }
            throw e instanceof TxnException t ? t : new TxnException("commit failed: " + e, e);
        } finally {
            long total = env.runtime().nanoTime() - began;
            commitNanos = Math.max(0, total - prepareNanos);
        }
    }

    private CommitResult onePhase(List<byte[]> keys) {
        long began = env.runtime().nanoTime();
        Backoff backoff = new Backoff();
        int pushed = 0;
        for (int attempt = 0; attempt < MAX_OP_ATTEMPTS; attempt++) {
            backoff.checkDeadline("one-phase commit");
            try {
                TxnMeta meta = meta();
                RoutedResponse r = env.ranges().sendRouted(keys.get(0), d -> {
                    checkFits(d, keys);
                    // The leaseholder commit-waits before answering, as for a two-phase commit.
                    return KvRequest.newBuilder().setTxnPrepare(prepareOf(meta, keys).setOnePhase(true)
                            .setCommitWait(commitWait())).build();
                }, false);
                raftWrites.incrementAndGet();
                noteAnswer(r);
                prepareNanos = env.runtime().nanoTime() - began;
                KvResponse resp = r.response();
                if (!resp.getCommitted()) throw new TxnException("one-phase commit answered without committing");
                Timestamp commitTs = resp.hasWriteTs() ? Timestamp.fromProto(resp.getWriteTs()) : writeTs;
                commitWaitNanos = resp.getCommitWaitNanos();
                return new CommitResult(commitTs, true, 1, commitWaitNanos);
            } catch (RangeChangedException split) {
                List<List<byte[]>> groups = groupByRange(keys);
                if (groups.size() > 1) return twoPhase(groups);
            } catch (KvException e) {
                switch (e.code()) {
                    case WRITE_INTENT -> handleIntents(e.error().getIntentsList(), m -> PushType.PUSH_ABORT, writeTs, backoff);
                    case TXN_RETRY -> {
                        if (++pushed > MAX_PUSHED_COMMITS || !e.error().hasRetryTs()) {
                            throw retry(TxnRetryException.Reason.ONE_PHASE_PUSHED, "one-phase commit pushed "
                                    + pushed + " times: " + e.error().getMessage());
                        }
                        Timestamp to = Timestamp.fromProto(e.error().getRetryTs());
                        pushedTo(to);
                        awaitClock(to);
                        if (!refresh(readTs, to)) {
                            throw retry(TxnRetryException.Reason.REFRESH_FAILED, "one-phase commit pushed to " + to
                                    + " and a key read earlier changed in between");
                        }
                        readTs = Timestamp.max(readTs, to);
                        writeTs = Timestamp.max(writeTs, to);
                    }
                    case AMBIGUOUS_RESULT -> throw new TxnAmbiguousException("the one-phase commit was sent but its"
                            + " answer was lost: it may or may not have committed", e);
                    default -> throw wrap("one-phase commit", e);
                }
            }
        }
        throw new TxnException("one-phase commit did not succeed in " + MAX_OP_ATTEMPTS + " attempts");
    }

    private CommitResult twoPhase(List<List<byte[]>> groups) {
        long began = env.runtime().nanoTime();
        byte[] anchor = writes.anchor();
        writeRecord();
        startHeartbeat();
        try {
            TxnMeta meta = meta();
            List<Supplier<Timestamp>> prepares = new ArrayList<>();
            for (List<byte[]> g : groups) prepares.add(() -> prepare(meta, g));
            Timestamp commitTs = writeTs;
            for (Timestamp t : env.runtime().all(prepares)) commitTs = Timestamp.max(commitTs, t);
            prepareNanos = env.runtime().nanoTime() - began;
            pushedTo(commitTs);
            if (commitTs.isAfter(readTs)) {
                awaitClock(commitTs);
                if (!refresh(readTs, commitTs)) {
                    throw retry(TxnRetryException.Reason.REFRESH_FAILED, "the commit timestamp moved to " + commitTs
                            + " (above the read timestamp " + readTs + ") and a key read earlier changed in between");
                }
                readTs = commitTs;
            }
            writeTs = commitTs;
            List<byte[]> anchorKeys = anchorGroup(anchor);
            boolean[] resolvedInEnd = {false};
            KvResponse answer = endTransaction(anchorKeys, resolvedInEnd);
            TxnRecord rec = answer.getTxnRecord();
            Timestamp committedAt = rec.hasCommitTs() ? Timestamp.fromProto(rec.getCommitTs()) : writeTs;
            commitWaitNanos = answer.getCommitWaitNanos();
            stopHeartbeat();
            resolveAsync(TxnStatus.COMMITTED, committedAt, resolvedInEnd[0] ? anchorKeys : null);
            return new CommitResult(committedAt, false, rangesOf(maybePrepared), commitWaitNanos);
        } finally {
            stopHeartbeat();
        }
    }

    /**
     * Writes the commit point, following pushes of the record with refreshes; returns the answer.
     * The anchor range's intents ({@code anchorKeys}) resolve in the same command when they all
     * still lie in the range it goes to; {@code resolvedInEnd[0]} says whether they did.
     */
    private KvResponse endTransaction(List<byte[]> anchorKeys, boolean[] resolvedInEnd) {
        byte[] anchor = writes.anchor();
        List<ByteString> intentKeys = listedIntentKeys();
        for (int pushed = 0; ; pushed++) {
            checkDeadline("commit");
            TxnEnd req = TxnEnd.newBuilder().setCommit(true).setCommitWait(commitWait()).setTxn(meta())
                    .setCommitTs(writeTs.toProto()).addAllIntentKeys(intentKeys).build();
            endSent = true;
            try {
                RoutedResponse r = env.ranges().sendRouted(anchor, d -> {
                    resolvedInEnd[0] = fits(d, anchorKeys);
                    if (!resolvedInEnd[0]) return KvRequest.newBuilder().setTxnEnd(req).build();
                    TxnEnd.Builder withKeys = req.toBuilder();
                    for (byte[] k : anchorKeys) withKeys.addResolveKeys(ByteString.copyFrom(k));
                    return KvRequest.newBuilder().setTxnEnd(withKeys).build();
                }, true);
                raftWrites.incrementAndGet();
                noteAnswer(r);
                TxnRecord rec = r.response().getTxnRecord();
                if (rec.getStatus() == TxnStatus.COMMITTED) return r.response();
                if (rec.getStatus() == TxnStatus.ABORTED) throw abortedRetry(rec,
                        "the transaction was aborted by a conflicting transaction before it committed");
                throw new TxnException("commit answered with a " + rec.getStatus() + " record");
            } catch (KvException e) {
                switch (e.code()) {
                    case TXN_ABORTED -> throw abortedRetry(e.error().getTxnRecord(),
                            "the transaction was aborted (by a conflicting transaction, or its record expired)");
                    case TXN_RETRY -> {
                        if (pushed >= MAX_PUSHED_COMMITS || !e.error().hasRetryTs()) {
                            throw retry(TxnRetryException.Reason.PUSHED, "commit pushed " + (pushed + 1) + " times: "
                                    + e.error().getMessage());
                        }
                        Timestamp to = Timestamp.fromProto(e.error().getRetryTs());
                        pushedTo(to);
                        awaitClock(to);
                        if (to.isAfter(readTs) && !refresh(readTs, to)) {
                            throw retry(TxnRetryException.Reason.PUSHED, "a reader pushed the transaction to " + to
                                    + " and a key it read changed in between");
                        }
                        readTs = Timestamp.max(readTs, to);
                        writeTs = Timestamp.max(writeTs, to);
                    }
                    case AMBIGUOUS_RESULT, TIMEOUT -> throw new TxnAmbiguousException("the commit record write was"
                            + " sent but not confirmed: the transaction may or may not have committed", e);
                    default -> throw wrap("commit", e);
                }
            }
        }
    }

    /** Every prepared key, for the commit record, if they fit in {@link #MAX_LISTED_INTENT_KEY_BYTES}; else none. */
    private List<ByteString> listedIntentKeys() {
        List<ByteString> out = new ArrayList<>();
        long bytes = 0;
        for (List<byte[]> g : maybePrepared.values()) {
            for (byte[] k : g) {
                bytes += k.length;
                if (bytes > MAX_LISTED_INTENT_KEY_BYTES) return List.of();
                out.add(ByteString.copyFrom(k));
            }
        }
        return out;
    }

    /** Creates the record PENDING (it makes a dead coordinator's intents recoverable). */
    private void writeRecord() {
        boolean create = !recordMayExist;
        recordMayExist = true;
        TxnMeta meta = meta();
        try {
            RoutedResponse r = env.ranges().sendRouted(writes.anchor(), d -> KvRequest.newBuilder()
                    .setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(meta).setCreate(create)).build(), true);
            raftWrites.incrementAndGet();
            noteAnswer(r);
            if (r.response().getTxnRecord().getStatus() == TxnStatus.ABORTED) {
                throw retry(TxnRetryException.Reason.ABORTED, "the transaction was aborted before its record was written");
            }
        } catch (KvException e) {
            if (e.code() == ErrorResponse.Code.TXN_ABORTED) {
                throw retry(TxnRetryException.Reason.ABORTED, "the transaction was aborted before its record was written");
            }
            throw wrap("writing the transaction record", e);
        }
    }

    private void startHeartbeat() {
        TxnMeta meta = meta();
        byte[] anchor = writes.anchor();
        heartbeat = env.runtime().every(env.settings().heartbeatInterval().toNanos(), () -> {
            try {
                RoutedResponse r = env.ranges().sendRouted(anchor, d -> KvRequest.newBuilder()
                        .setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(meta)).build(), true);
                if (r.response().getTxnRecord().getStatus() == TxnStatus.ABORTED) {
                    abortReason = r.response().getTxnRecord().getAbortReason();
                    abortedByOther = true;
                }
            } catch (KvException e) {
                if (e.code() == ErrorResponse.Code.TXN_ABORTED) {
                    abortReason = e.error().getTxnRecord().getAbortReason();
                    abortedByOther = true;
                }
            }
        });
    }

    private void stopHeartbeat() {
        AutoCloseable h = heartbeat;
        heartbeat = null;
        if (h == null) return;
        try {
            h.close();
        } catch (Exception ignored) {
            // Stopping a periodic task cannot fail in a way the transaction could act on.
        }
    }

    /** Writes the intents of {@code keys} (one range); returns the timestamp they were written at. */
    private Timestamp prepare(TxnMeta meta, List<byte[]> keys) {
        Backoff backoff = new Backoff();
        for (int attempt = 0; attempt < MAX_OP_ATTEMPTS; attempt++) {
            backoff.checkDeadline("prepare");
            if (abortedByOther) throw abortedRetry(null, "aborted by a conflicting transaction");
            maybePrepared.put(Keys.pretty(keys.get(0)), keys);
            try {
                RoutedResponse r = env.ranges().sendRouted(keys.get(0), d -> {
                    checkFits(d, keys);
                    return KvRequest.newBuilder().setTxnPrepare(prepareOf(meta, keys)).build();
                }, true);
                raftWrites.incrementAndGet();
                noteAnswer(r);
                return r.response().hasWriteTs() ? Timestamp.fromProto(r.response().getWriteTs()) : meta.hasWriteTs()
                        ? Timestamp.fromProto(meta.getWriteTs()) : writeTs;
            } catch (RangeChangedException split) {
                maybePrepared.remove(Keys.pretty(keys.get(0)));
                Timestamp max = Timestamp.fromProto(meta.getWriteTs());
                for (List<byte[]> g : groupByRange(keys)) max = Timestamp.max(max, prepare(meta, g));
                return max;
            } catch (KvException e) {
                switch (e.code()) {
                    case WRITE_INTENT -> handleIntents(e.error().getIntentsList(), m -> PushType.PUSH_ABORT,
                            Timestamp.fromProto(meta.getWriteTs()), backoff);
                    case TXN_ABORTED -> throw abortedRetry(e.error().getTxnRecord(), "aborted by a conflicting transaction");
                    case TXN_RETRY -> {
                        if (e.error().hasRetryTs()) pushedTo(Timestamp.fromProto(e.error().getRetryTs()));
                        throw retry(TxnRetryException.Reason.WRITE_TOO_OLD, e.error().getMessage());
                    }
                    default -> throw wrap("prepare", e);
                }
            }
        }
        throw new TxnException("prepare did not succeed in " + MAX_OP_ATTEMPTS + " attempts");
    }

    private TxnPrepare.Builder prepareOf(TxnMeta meta, List<byte[]> keys) {
        TxnPrepare.Builder p = TxnPrepare.newBuilder().setTxn(meta);
        for (byte[] k : keys) {
            byte[] v = writes.get(k);
            TxnWrite.Builder w = TxnWrite.newBuilder().setKey(ByteString.copyFrom(k));
            if (v == null) {
                w.setTombstone(true);
            } else {
                w.setValue(ByteString.copyFrom(v));
            }
            p.addWrites(w);
        }
        return p;
    }

    /** The prepared keys in the anchor's range: they resolve with the commit record itself. */
    private List<byte[]> anchorGroup(byte[] anchor) {
        for (List<byte[]> g : maybePrepared.values()) {
            for (byte[] k : g) if (Arrays.equals(k, anchor)) return g;
        }
        return List.of();
    }

    private static int rangesOf(Map<String, List<byte[]>> groups) {
        return groups.size();
    }

    /**
     * Resolves every group but {@code except} (already resolved) in the background; once all of
     * them are, removes the record (if there may be one): nothing needs it any more.
     */
    private void resolveAsync(TxnStatus status, Timestamp commitTs, List<byte[]> except) {
        TxnMeta meta = meta();
        List<List<byte[]>> groups = new ArrayList<>();
        for (List<byte[]> g : maybePrepared.values()) if (g != except) groups.add(g);
        boolean removeRecord = recordMayExist && writes.anchor() != null;
        if (groups.isEmpty()) {
            if (removeRecord) env.runtime().async(() -> removeRecord(meta, status, commitTs));
            return;
        }
        AtomicInteger left = new AtomicInteger(groups.size());
        for (List<byte[]> g : groups) {
            env.runtime().async(() -> {
                try {
                    resolve(meta, status, commitTs, g);
                } catch (KvException e) {
                    // Left for whoever meets the intents: a push finds the record and resolves
                    // them. The record stays for that, until GC (a COMMITTED one: if it lists its keys).
                    return;
                }
                if (left.decrementAndGet() == 0 && removeRecord) removeRecord(meta, status, commitTs);
            });
        }
    }

    /** Every intent is resolved: the record goes (best effort; one left is GC's, see {@link #MAX_LISTED_INTENT_KEY_BYTES}). */
    private void removeRecord(TxnMeta meta, TxnStatus status, Timestamp commitTs) {
        TxnResolve.Builder b = TxnResolve.newBuilder().setTxn(meta).setStatus(status).setRemoveRecord(true);
        if (commitTs != null) b.setCommitTs(commitTs.toProto());
        TxnResolve req = b.build();
        try {
            env.ranges().sendRouted(writes.anchor(), d -> KvRequest.newBuilder().setTxnResolve(req).build(), true);
            raftWrites.incrementAndGet();
        } catch (KvException e) {
            // Harmless: a finished record only takes space.
        }
    }

    private void resolve(TxnMeta txn, TxnStatus status, Timestamp commitTs, List<byte[]> keys) {
        TxnResolve.Builder r = TxnResolve.newBuilder().setTxn(txn).setStatus(status);
        if (commitTs != null) r.setCommitTs(commitTs.toProto());
        for (byte[] k : keys) r.addKeys(ByteString.copyFrom(k));
        TxnResolve req = r.build();
        try {
            RoutedResponse answer = env.ranges().sendRouted(keys.get(0), d -> {
                checkFits(d, keys);
                return KvRequest.newBuilder().setTxnResolve(req).build();
            }, true);
            raftWrites.incrementAndGet();
            noteAnswer(answer);
        } catch (RangeChangedException split) {
            for (List<byte[]> g : groupByRange(keys)) resolve(txn, status, commitTs, g);
        }
    }

    // ---- conflicts -----------------------------------------------------------------------------

    /**
     * Pushes the transactions whose intents stopped a request, resolves those intents with what
     * the push learned, and returns so the request is retried. A push that lost waited at the
     * node already (the txn wait queue); one answered at once backs off first.
     */
    private void handleIntents(List<ConflictingIntent> intents, java.util.function.Function<TxnMeta, PushType> typeFor,
            Timestamp pushTo, Backoff backoff) {
        if (intents.isEmpty()) {
            backoff.pause("an intent the node did not name");
            return;
        }
        Map<ByteString, List<ConflictingIntent>> byTxn = new LinkedHashMap<>();
        for (ConflictingIntent ci : intents) byTxn.computeIfAbsent(ci.getTxn().getId(), k -> new ArrayList<>()).add(ci);
        boolean waited = false;
        boolean acted = false;
        for (List<ConflictingIntent> same : byTxn.values()) {
            TxnMeta pushee = same.get(0).getTxn();
            if (pushee.getId().equals(ByteString.copyFrom(id))) continue;
            acted = true;
            Optional<TxnRecord> rec = push(pushee, typeFor.apply(pushee), pushTo);
            if (rec.isEmpty()) {
                if (!waited && !lastPushWaited) {
                    backoff.pause("transaction " + shortId(pushee.getId()) + " (running, and not to be pushed)");
                }
                backoff.waitingFor = "transaction " + shortId(pushee.getId());
                waited = true;
                continue;
            }
            List<byte[]> keys = new ArrayList<>();
            for (ConflictingIntent ci : same) keys.add(ci.getKey().toByteArray());
            TxnRecord r = rec.get();
            TxnMeta resolved = r.hasMeta() ? r.getMeta() : pushee;
            switch (r.getStatus()) {
                case COMMITTED -> resolve(resolved, TxnStatus.COMMITTED, Timestamp.fromProto(r.getCommitTs()), keys);
                case ABORTED -> resolve(resolved, TxnStatus.ABORTED, null, keys);
                default -> resolve(resolved, TxnStatus.PENDING, null, keys);
            }
        }
        if (!acted) backoff.pause("intents the node says are this transaction's own");
    }

    /** The pushee's record after a successful push; empty if the push lost (wait and retry). */
    private Optional<TxnRecord> push(TxnMeta pushee, PushType type, Timestamp pushTo) {
        if (pushee.getAnchorKey().isEmpty()) {
            throw new TxnException("an intent names transaction " + shortId(pushee.getId()) + " without an anchor key");
        }
        boolean mayBeWaitedFor = recordMayExist;
        TxnPush req = TxnPush.newBuilder().setPushee(pushee).setPusher(meta()).setType(type)
                .setPushTo(pushTo.toProto())
                .setWaitMillis(mayBeWaitedFor ? PUSH_WAIT_DEADLOCK_CHECK_MILLIS : PUSH_WAIT_MILLIS)
                .addAllWaitsFor(mayBeWaitedFor ? waitsFor : List.of()).build();
        long began = env.runtime().nanoTime();
        try {
            RoutedResponse r = env.ranges().sendRouted(pushee.getAnchorKey().toByteArray(),
                    d -> KvRequest.newBuilder().setTxnPush(req).build(), true);
            raftWrites.incrementAndGet();
            noteAnswer(r);
            return Optional.of(r.response().getTxnRecord());
        } catch (KvException e) {
            if (e.code() != ErrorResponse.Code.PUSH_FAILED) throw wrap("push of transaction " + shortId(pushee.getId()), e);
            lastPushWaited = env.runtime().nanoTime() - began >= PUSH_WAITED_NANOS;
            if (mayBeWaitedFor) learnWaitsFor();
            return Optional.empty();
        }
    }

    /**
     * Asks this transaction's record's range who waits for it (the edges its txn wait queue
     * holds), for the next push to carry; and learns there if it was aborted meanwhile (a
     * deadlock's victim, or a higher-priority pusher's), which ends this attempt.
     */
    private void learnWaitsFor() {
        byte[] anchor = writes.anchor();
        if (anchor == null) return;
        TxnMeta me = meta();
        try {
            RoutedResponse r = env.ranges().sendRouted(anchor, d -> KvRequest.newBuilder()
                    .setTxnQuery(io.conclave.range.rpc.TxnQuery.newBuilder().setTxn(me)).build(), true);
            readCount.incrementAndGet();
            noteAnswer(r);
            KvResponse resp = r.response();
            if (resp.hasTxnRecord() && resp.getTxnRecord().getStatus() == TxnStatus.ABORTED) {
                throw abortedRetry(resp.getTxnRecord(), "aborted by a conflicting transaction while it waited");
            }
            waitsFor = List.copyOf(resp.getWaitsForList());
        } catch (KvException e) {
            // Only deadlock detection is delayed: the next wait asks again.
        }
    }

    /** The retry for an attempt whose record was found ABORTED: the record's reason if it has one. */
    private TxnRetryException abortedRetry(TxnRecord record, String otherwise) {
        abortedByOther = true;
        String reason = record != null ? record.getAbortReason() : "";
        if (!reason.isEmpty()) abortReason = reason;
        boolean deadlock = io.conclave.range.mvcc.Deadlocks.ABORT_REASON.equals(abortReason);
        return retry(deadlock ? TxnRetryException.Reason.DEADLOCK : TxnRetryException.Reason.ABORTED,
                abortReason.isEmpty() ? otherwise : abortReason);
    }

    /**
     * Waits until this client's clock reads at least {@code ts} (within the deadline). A commit
     * pushed by a claiming read (a key claimed up to a fraction of a second ahead) lies ahead of
     * every clock: refreshing and committing there at once would carry that timestamp into node
     * clocks (absorbed, or refused beyond the max offset) and commit-wait for it anyway; waiting
     * first keeps commit timestamps at or below the clocks, and commit-wait as short as usual.
     */
    private void awaitClock(Timestamp ts) {
        for (int i = 0; i < MAX_CLOCK_WAITS; i++) {
            Timestamp now = env.clock().now();
            if (!ts.isAfter(now)) return;
            checkDeadline("waiting for the clock to reach " + ts);
            try {
                env.runtime().sleepNanos(Math.max(1, ts.wallNanos() - now.wallNanos() + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TxnException("interrupted waiting for the clock to reach " + ts, e);
            }
        }
    }

    // ---- refresh -------------------------------------------------------------------------------

    /** True if nothing this transaction read changed in (from, to]; the reads then hold at {@code to}. */
    boolean refresh(Timestamp from, Timestamp to) {
        if (!to.isAfter(from) || reads.isEmpty()) return true;
        for (int regroup = 0; regroup < MAX_REFRESH_REGROUPS; regroup++) {
            try {
                for (RefreshGroup g : refreshGroups()) {
                    if (!refreshGroup(g, from, to)) return false;
                }
                return true;
            } catch (RangeChangedException split) {
                // A range split under us: group again by the ranges as they are now.
            }
        }
        throw new TxnException("refresh kept finding ranges split under it");
    }

    private record RefreshGroup(RangeDescriptor range, List<byte[]> keys, List<byte[][]> spans) {}

    private List<RefreshGroup> refreshGroups() {
        Map<Long, RefreshGroup> groups = new TreeMap<>();
        for (byte[] k : reads.keys()) {
            RangeDescriptor d = rangeFor(k);
            groups.computeIfAbsent(d.getRangeId(), x -> new RefreshGroup(d, new ArrayList<>(), new ArrayList<>())).keys().add(k);
        }
        for (byte[][] s : reads.spans()) {
            for (RangeDescriptor d : env.ranges().rangesOverlapping(s[0], s[1])) {
                byte[] from = max(s[0], d.getStartKey().toByteArray());
                byte[] to = min(s[1], d.getEndKey().toByteArray());
                if (Keys.compare(from, to) >= 0) continue;
                groups.computeIfAbsent(d.getRangeId(), x -> new RefreshGroup(d, new ArrayList<>(), new ArrayList<>()))
                        .spans().add(new byte[][] {from, to});
            }
        }
        return new ArrayList<>(groups.values());
    }

    private boolean refreshGroup(RefreshGroup g, Timestamp from, Timestamp to) {
        TxnRefresh.Builder b = TxnRefresh.newBuilder().setTxn(meta()).setFromTs(from.toProto()).setToTs(to.toProto());
        for (byte[] k : g.keys()) b.addKeys(ByteString.copyFrom(k));
        for (byte[][] s : g.spans()) {
            b.addSpans(KeySpan.newBuilder().setStartKey(ByteString.copyFrom(s[0])).setEndKey(ByteString.copyFrom(s[1])));
            // A node clips a refresh span to its range without saying so: were the range split
            // since it was cached, the right part would go unchecked. The last key a split could
            // leave on the left makes the node refuse such a request (RANGE_KEY_MISMATCH) instead.
            byte[] last = lastKeyBefore(s[1]);
            if (Keys.compare(last, s[0]) > 0) b.addKeys(ByteString.copyFrom(last));
        }
        TxnRefresh req = b.build();
        byte[] routing = !g.keys().isEmpty() ? g.keys().get(0) : g.spans().get(0)[0];
        try {
            RoutedResponse r = env.ranges().sendRouted(routing, d -> {
                if (d.getRangeId() != g.range().getRangeId() || !d.getEndKey().equals(g.range().getEndKey())
                        || !d.getStartKey().equals(g.range().getStartKey())) {
                    throw new RangeChangedException("r" + g.range().getRangeId() + " changed since the refresh was grouped");
                }
                return KvRequest.newBuilder().setTxnRefresh(req).build();
            }, true);
            readCount.incrementAndGet();
            noteAnswer(r);
            return true;
        } catch (RangeChangedException e) {
            throw e;
        } catch (KvException e) {
            if (e.code() == ErrorResponse.Code.TXN_RETRY || e.code() == ErrorResponse.Code.WRITE_INTENT) return false;
            throw wrap("refresh", e);
        }
    }

    // ---- rollback ------------------------------------------------------------------------------

    void rollback() {
        if (state == State.COMMITTED) return;
        if (state == State.OPEN) abandon();
    }

    /**
     * Aborts what may exist (record, intents), best effort: what is left, others resolve after
     * the record expires. Returns the record as the rollback left it (ABORTED, or COMMITTED if a
     * commit whose answer was lost got there first); null if the record could not be reached.
     */
    private TxnRecord abandon() {
        state = State.ABORTED;
        stopHeartbeat();
        TxnRecord fate = TxnRecord.newBuilder().setStatus(TxnStatus.ABORTED).build();
        if (maybePrepared.isEmpty() && !recordMayExist) return fate;
        if (recordMayExist) {
            try {
                TxnEnd req = TxnEnd.newBuilder().setTxn(meta()).setCommit(false).build();
                RoutedResponse r = env.ranges().sendRouted(writes.anchor(),
                        d -> KvRequest.newBuilder().setTxnEnd(req).build(), true);
                raftWrites.incrementAndGet();
                if (r.response().getTxnRecord().getStatus() == TxnStatus.COMMITTED) fate = r.response().getTxnRecord();
            } catch (KvException e) {
                // TXN_ABORTED: already aborted. Anything else: the record stays PENDING until it
                // expires; then any pusher aborts it and resolves what it meets.
                if (e.code() != ErrorResponse.Code.TXN_ABORTED) return null;
            }
        }
        boolean committed = fate.getStatus() == TxnStatus.COMMITTED;
        resolveAsync(fate.getStatus(), committed ? Timestamp.fromProto(fate.getCommitTs()) : null, null);
        return fate;
    }

    // ---- stats ---------------------------------------------------------------------------------

    TxnStats stats() {
        return new TxnStats(rangesTouched.size(), nodesTouched.size(), raftWrites.get(), readCount.get(), restarts,
                restartReasons, readNanos, prepareNanos, commitNanos, commitWaitNanos, uncertaintyLimit);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void noteAnswer(RoutedResponse r) {
        rangesTouched.add(r.descriptor().getRangeId());
        KvResponse resp = r.response();
        if (resp.getNodeId() != 0) {
            nodesTouched.add(resp.getNodeId());
            nodeAt.put(r.hostPort(), resp.getNodeId());
            // The first reading only: a later one would widen what the node may have written "before".
            if (resp.hasNodeNow()) observed.putIfAbsent(resp.getNodeId(), Timestamp.fromProto(resp.getNodeNow()));
        }
        if (resp.hasNodeNow()) env.clock().observe(Timestamp.fromProto(resp.getNodeNow()));
    }

    private List<List<byte[]>> groupByRange(List<byte[]> keys) {
        Map<Long, List<byte[]>> groups = new TreeMap<>();
        for (byte[] k : keys) {
            RangeDescriptor d = rangeFor(k);
            groups.computeIfAbsent(d.getRangeId(), x -> new ArrayList<>()).add(k);
        }
        List<List<byte[]>> out = new ArrayList<>(groups.values());
        out.sort((a, b) -> Keys.compare(a.get(0), b.get(0)));
        return out;
    }

    RangeDescriptor rangeFor(byte[] key) {
        try {
            return env.ranges().rangeFor(key);
        } catch (KvException e) {
            throw wrap("finding the range of " + Keys.pretty(key), e);
        }
    }

    private static boolean fits(RangeDescriptor d, List<byte[]> keys) {
        byte[] s = d.getStartKey().toByteArray();
        byte[] e = d.getEndKey().toByteArray();
        for (byte[] k : keys) if (!Keys.contains(s, e, k)) return false;
        return true;
    }

    private static void checkFits(RangeDescriptor d, List<byte[]> keys) {
        byte[] s = d.getStartKey().toByteArray();
        byte[] e = d.getEndKey().toByteArray();
        for (byte[] k : keys) {
            if (!Keys.contains(s, e, k)) {
                throw new RangeChangedException(Keys.pretty(k) + " is no longer in r" + d.getRangeId());
            }
        }
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new TxnException("the transaction is " + (state == State.COMMITTED ? "committed" : "aborted")
                    + ": start a new one");
        }
        if (abortedByOther) {
            state = State.ABORTED;
            throw abortedRetry(null, "aborted by a conflicting transaction");
        }
    }

    private void checkWritable() {
        if (readOnly) fail("a read-only (historical) transaction cannot write");
    }

    private static void checkKey(byte[] key) {
        if (key == null) throw new TxnException("key must be set");
        String problem = Keys.checkUserKey(key);
        if (problem != null) throw new TxnException("key " + Keys.pretty(key) + ": " + problem);
    }

    private void checkDeadline(String what) {
        if (env.runtime().nanoTime() - deadlineNanos > 0) {
            throw new TxnException(what + ": the transaction's deadline of " + env.settings().deadline() + " passed");
        }
    }

    private static void fail(String message) {
        throw new TxnException(message);
    }

    private TxnRetryException retry(TxnRetryException.Reason reason, String message) {
        state = State.ABORTED;
        return new TxnRetryException(reason, message + " (txn " + shortId(ByteString.copyFrom(id)) + ")");
    }

    private static TxnException wrap(String what, KvException e) {
        if (e instanceof RangeChangedException r) throw r;
        return new TxnException(what + " failed: " + e.getMessage(), e);
    }

    static String shortId(ByteString id) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(4, id.size()); i++) s.append(String.format("%02x", id.byteAt(i)));
        return s.toString();
    }

    /**
     * The greatest key of at most {@code Keys.MAX_KEY_BYTES} bytes below {@code end}: every range
     * boundary below {@code end} is at or below it.
     */
    static byte[] lastKeyBefore(byte[] end) {
        if (end.length == 0) throw new IllegalArgumentException("no key is below the empty key");
        if (end.length > Keys.MAX_KEY_BYTES) return Arrays.copyOf(end, Keys.MAX_KEY_BYTES);
        int last = end.length - 1;
        if (end[last] == 0) return Arrays.copyOf(end, last);
        byte[] out = Arrays.copyOf(end, Keys.MAX_KEY_BYTES);
        out[last] = (byte) ((end[last] & 0xFF) - 1);
        Arrays.fill(out, last + 1, out.length, (byte) 0xFF);
        return out;
    }

    private static byte[] min(byte[] a, byte[] b) {
        return Keys.compare(a, b) <= 0 ? a : b;
    }

    private static byte[] max(byte[] a, byte[] b) {
        return Keys.compare(a, b) >= 0 ? a : b;
    }

    /** Waits between attempts that lost to another transaction: 5 ms doubling to 100 ms, within the deadline. */
    private final class Backoff {
        private int pauses;

        private String waitingFor;

        /** At the deadline: DEADLOCK (retryable) if this loop waited for another transaction, else a failure. */
        void checkDeadline(String what) {
            if (env.runtime().nanoTime() - deadlineNanos <= 0) return;
            if (waitingFor == null) Coordinator.this.checkDeadline(what);
            // Deadlock detection breaks cycles within a few pushes, so this is a stuck or very slow
            // holder (or a cycle too large to see); a new attempt has a higher priority.
            throw retry(TxnRetryException.Reason.DEADLOCK, what + " waited for " + waitingFor
                    + " until the transaction's deadline of " + env.settings().deadline() + " passed");
        }

        void pause(String waitingFor) {
            this.waitingFor = waitingFor;
            checkDeadline("a request");
            long nanos = Math.min(BACKOFF_MAX_NANOS, BACKOFF_INITIAL_NANOS << Math.min(pauses, 10));
            pauses++;
            try {
                env.runtime().sleepNanos(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TxnException("interrupted waiting for " + waitingFor, e);
            }
        }
    }
}
