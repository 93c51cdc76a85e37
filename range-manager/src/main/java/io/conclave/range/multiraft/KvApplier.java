package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.mvcc.EvalContext;
import io.conclave.range.mvcc.Evaluation;
import io.conclave.range.mvcc.MvccEvaluator;
import io.conclave.range.mvcc.MvccReader;
import io.conclave.range.mvcc.MvccWriter;
import io.conclave.range.mvcc.MvccKeys;
import io.conclave.range.mvcc.ScanFilters;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.storage.KeyValue;
import io.conclave.storage.Store;
import io.conclave.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The replicated KV state machine of a range: what a committed command writes, how reads are
 * served from the store, and how a range's state becomes a snapshot and back. Runs on the
 * scheduler thread. Commands that read (conditional put, increment, meta update, delete range)
 * read through the {@link BatchView} at apply, so every replica computes the same result.
 */
final class KvApplier {
    private static final Logger LOG = Logger.getLogger(KvApplier.class.getName());
    private final long localNodeId;
    private final Store store;
    private final BatchView view;
    private final SchedulerSettings settings;
    private final MvccEvaluator evaluator;
    /** The store as committed: what the leaseholder serves reads from. */
    private final MvccReader committed;
    /** The store as this cycle's batch will leave it: what commands evaluate against at apply. */
    private final MvccReader batched;

    KvApplier(long localNodeId, Store store, BatchView view, SchedulerSettings settings, ScanFilters scanFilters) {
        this.localNodeId = localNodeId;
        this.store = store;
        this.view = view;
        this.settings = settings;
        this.evaluator = new MvccEvaluator(settings.maxScanRows(), scanFilters);
        this.committed = new MvccReader() {
            @Override
            public byte[] get(byte[] storeKey) {
                try {
                    return store.get(storeKey).orElse(null);
                } catch (RuntimeException e) {
                    throw new StorageFailure(e);
                }
            }

            @Override
            public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
                try {
                    return store.scan(startInclusive, endExclusive, limit);
                } catch (RuntimeException e) {
                    throw new StorageFailure(e);
                }
            }
        };
        this.batched = new MvccReader() {
            @Override
            public byte[] get(byte[] storeKey) {
                try {
                    return view.get(storeKey).orElse(null);
                } catch (RuntimeException e) {
                    throw new StorageFailure(e);
                }
            }

            @Override
            public List<KeyValue> scan(byte[] startInclusive, byte[] endExclusive, int limit) {
                try {
                    return view.scan(startInclusive, endExclusive, limit);
                } catch (RuntimeException e) {
                    throw new StorageFailure(e);
                }
            }
        };
    }

    // ---- multi-version user keys ----

    /**
     * A store failure met while evaluating: not the evaluator's fault and not deterministic, so it
     * must stop the node like any other store failure, never be answered as INTERNAL (a replica
     * that skipped a write the others applied would diverge from them).
     */
    private static final class StorageFailure extends RuntimeException {
        StorageFailure(RuntimeException cause) {
            super(cause);
        }

        RuntimeException storeError() {
            return (RuntimeException) getCause();
        }
    }

    private static final MvccWriter NO_WRITES = new MvccWriter() {
        @Override
        public void put(byte[] storeKey, byte[] value) {
            throw new IllegalStateException("a read tried to write " + Keys.pretty(storeKey));
        }

        @Override
        public void delete(byte[] storeKey) {
            throw new IllegalStateException("a read tried to delete " + Keys.pretty(storeKey));
        }
    };

    /**
     * Evaluates a read on the leaseholder, from the committed store ({@code atApply}: from the
     * batch, for a read that went through the log behind writes).
     */
    RangeReply evaluateRead(Replica r, KvRequest req, EvalContext ctx, boolean atApply) {
        return evaluateRead(r, req, ctx, atApply ? batched : committed).reply();
    }

    /** A read from the committed store with what it read (an INTERNAL failure read nothing). */
    /** The newest write of a user key in the committed store (see {@link MvccEvaluator#newestWrite}). */
    Timestamp newestWrite(byte[] userKey) {
        try {
            return MvccEvaluator.newestWrite(committed, userKey);
        } catch (StorageFailure e) {
            throw e.storeError();
        }
    }

    Evaluation evaluateReadFromStore(Replica r, KvRequest req, EvalContext ctx) {
        return evaluateRead(r, req, ctx, committed);
    }

    private Evaluation evaluateRead(Replica r, KvRequest req, EvalContext ctx, MvccReader reader) {
        try {
            return evaluator.evaluate(req, r.desc.getStartKey().toByteArray(), r.desc.getEndKey().toByteArray(),
                    reader, NO_WRITES, ctx);
        } catch (StorageFailure e) {
            throw e.storeError();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "node " + localNodeId + " range " + r.groupId + ": evaluating " + req.getOpCase()
                    + " failed", e);
            return new Evaluation(Replies.error(ErrorResponse.Code.INTERNAL, "range " + r.groupId + ": "
                    + req.getOpCase() + " failed on node " + localNodeId + ": " + e), List.of(), List.of(),
                    Timestamp.MIN, false);
        }
    }

    /**
     * Applies a write on multi-version user keys on every replica alike. The evaluator's writes
     * are collected first and reach the batch only if it returns: an evaluation that throws
     * (a bug; deterministic, so on every replica) writes nothing and answers INTERNAL instead
     * of stopping every node of the range.
     */
    RangeReply applyMvcc(Replica r, KvRequest req, EvalContext ctx, WriteBatch batch) {
        List<byte[][]> writes = new ArrayList<>();
        Evaluation ev;
        try {
            ev = evaluator.evaluate(req, r.desc.getStartKey().toByteArray(), r.desc.getEndKey().toByteArray(),
                    batched, new MvccWriter() {
                        @Override
                        public void put(byte[] storeKey, byte[] value) {
                            writes.add(new byte[][] {storeKey.clone(), value.clone()});
                        }

                        @Override
                        public void delete(byte[] storeKey) {
                            writes.add(new byte[][] {storeKey.clone(), null});
                        }
                    }, ctx);
        } catch (StorageFailure e) {
            throw e.storeError();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "node " + localNodeId + " range " + r.groupId + ": applying " + req.getOpCase()
                    + " failed; nothing written", e);
            return Replies.error(ErrorResponse.Code.INTERNAL, "range " + r.groupId + ": " + req.getOpCase()
                    + " failed: " + e);
        }
        for (byte[][] w : writes) {
            if (w[1] == null) delete(r, w[0], batch);
            else put(r, w[0], w[1], batch);
        }
        if (req.getOpCase() == KvRequest.OpCase.MVCC_GC && ev.reply().hasKvResponse()) {
            Timestamp threshold = Timestamp.fromProto(req.getMvccGc().getThreshold());
            if (threshold.isAfter(r.gcThreshold)) writeGcThreshold(r.groupId, threshold, batch, r);
        }
        return ev.reply();
    }

    void writeGcThreshold(long rangeId, Timestamp threshold, WriteBatch batch, Replica r) {
        byte[] key = Keys.rangeGcThresholdKey(rangeId);
        byte[] value = threshold.toProto().toByteArray();
        batch.put(key, value);
        view.put(key, value);
        if (r != null) r.gcThreshold = threshold;
    }

    /** The GC threshold the store holds for a range (committed), or {@link Timestamp#MIN}. */
    Timestamp storedGcThreshold(long rangeId) {
        return store.get(Keys.rangeGcThresholdKey(rangeId)).map(KvApplier::parseTimestamp).orElse(Timestamp.MIN);
    }

    static Timestamp parseTimestamp(byte[] bytes) {
        try {
            return Timestamp.fromProto(io.conclave.clock.proto.TimestampProto.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt GC threshold in the store: " + e.getMessage(), e);
        }
    }

    // ---- validation, before routing ----

    /**
     * Null if the request is acceptable, else why not; size errors start with "too large".
     * {@code systemKeys}: the request is addressed to the meta range, which also takes meta and
     * system keys; local keys are never acceptable.
     */
    static String validate(KvRequest req, boolean systemKeys) {
        return switch (req.getOpCase()) {
            case PUT -> firstProblem(checkKey(req.getPut().getKey(), systemKeys), checkValue(req.getPut().getValue()));
            case DELETE -> checkKey(req.getDelete().getKey(), systemKeys);
            case GET -> checkKey(req.getGet().getKey(), systemKeys);
            case CONDITIONAL_PUT -> firstProblem(checkKey(req.getConditionalPut().getKey(), systemKeys),
                    checkValue(req.getConditionalPut().getValue()),
                    checkValue(req.getConditionalPut().getExpectedValue()));
            case INCREMENT -> checkKey(req.getIncrement().getKey(), systemKeys);
            case SCAN -> checkSpan(req.getScan().getStartKey(), req.getScan().getEndKey(), systemKeys, true);
            case DELETE_RANGE -> checkSpan(req.getDeleteRange().getStartKey(), req.getDeleteRange().getEndKey(),
                    systemKeys, false);
            case META_UPDATE -> checkMetaUpdate(req);
            case META_UPDATES -> MetaRecords.checkUpdate(req.getMetaUpdates().getRangeDescriptorsList());
            case OP_NOT_SET -> "empty KV request: set one of get, put, delete, scan, conditional_put, delete_range,"
                    + " increment, meta_update, meta_updates";
            case TXN_GET, TXN_SCAN, TXN_PREPARE, TXN_HEARTBEAT, TXN_END, TXN_PUSH, TXN_RESOLVE, TXN_REFRESH, MVCC_GC,
                    TXN_QUERY -> MvccRequests.validate(req);
        };
    }

    /** Whether the request addresses range 1's meta or system keys (so routes to range 1). */
    static boolean touchesSystemKeys(KvRequest req) {
        byte[] first = firstKey(req);
        return first != null && first.length > 0 && Keys.compare(first, Keys.USER_START) < 0;
    }

    private static String firstProblem(String... problems) {
        for (String p : problems) {
            if (p != null) return p;
        }
        return null;
    }

    /**
     * Longest meta or system key: the meta prefix, a user key, and the 0x00 that makes a meta
     * lookup start strictly after that key ({@link Keys#metaLookupStart}).
     */
    private static final int MAX_SYSTEM_KEY_BYTES = Keys.MAX_KEY_BYTES + 2;

    private static String checkKey(ByteString key, boolean systemKeys) {
        byte[] k = key.toByteArray();
        if (!systemKeys || k.length == 0 || Keys.compare(k, Keys.USER_START) >= 0) return Keys.checkUserKey(k);
        if (Keys.compare(k, Keys.META_START) < 0) return "local keys (0x01...) are never addressed by clients";
        if (k.length > MAX_SYSTEM_KEY_BYTES) {
            return "too large: system key of " + k.length + " bytes; the limit is " + MAX_SYSTEM_KEY_BYTES;
        }
        return null;
    }

    private static String checkValue(ByteString value) {
        return Keys.checkValue(value.toByteArray());
    }

    private static String checkSpan(ByteString start, ByteString end, boolean systemKeys, boolean emptyEndAllowed) {
        if (start.isEmpty() && !systemKeys) return "the span's start key must not be empty";
        if (!start.isEmpty()) {
            String p = checkKey(start, systemKeys);
            if (p != null) return "span start: " + p;
        }
        if (end.isEmpty()) return emptyEndAllowed ? null : "the span's end key must not be empty";
        if (end.size() > MAX_SYSTEM_KEY_BYTES) return "too large: span end of " + end.size() + " bytes";
        if (Keys.compare(end.toByteArray(), start.toByteArray()) <= 0) {
            return "the span's end " + Keys.pretty(end.toByteArray()) + " is not after its start "
                    + Keys.pretty(start.toByteArray());
        }
        return null;
    }

    private static String checkMetaUpdate(KvRequest req) {
        var mu = req.getMetaUpdate();
        if (!mu.hasRangeDescriptor()) return "meta_update needs a range descriptor";
        byte[] want = Keys.metaKey(mu.getRangeDescriptor().getEndKey().toByteArray());
        if (!Arrays.equals(want, mu.getKey().toByteArray())) {
            return "meta_update key " + Keys.pretty(mu.getKey().toByteArray()) + " is not the meta key "
                    + Keys.pretty(want) + " of the descriptor's end";
        }
        return MetaRecords.checkUpdate(List.of(mu.getRangeDescriptor()));
    }

    /** The first key a request touches, or null for none; a scan's empty start is the range's start. */
    static byte[] firstKey(KvRequest req) {
        return switch (req.getOpCase()) {
            case PUT -> req.getPut().getKey().toByteArray();
            case DELETE -> req.getDelete().getKey().toByteArray();
            case GET -> req.getGet().getKey().toByteArray();
            case CONDITIONAL_PUT -> req.getConditionalPut().getKey().toByteArray();
            case INCREMENT -> req.getIncrement().getKey().toByteArray();
            case SCAN -> req.getScan().getStartKey().toByteArray();
            case DELETE_RANGE -> req.getDeleteRange().getStartKey().toByteArray();
            case META_UPDATE -> req.getMetaUpdate().getKey().toByteArray();
            case META_UPDATES -> req.getMetaUpdates().getRangeDescriptorsCount() == 0 ? null
                    : Keys.metaKey(req.getMetaUpdates().getRangeDescriptors(0).getEndKey().toByteArray());
            case TXN_GET, TXN_SCAN, TXN_PREPARE, TXN_HEARTBEAT, TXN_END, TXN_PUSH, TXN_RESOLVE, TXN_REFRESH,
                    MVCC_GC, TXN_QUERY -> MvccRequests.firstKey(req);
            case OP_NOT_SET -> null;
        };
    }

    /**
     * Null if every key the request touches lies in {@code desc}'s span, else what lies outside.
     * An empty scan end means the range's end; an empty scan start its start.
     */
    static String outsideSpan(RangeDescriptor desc, KvRequest req) {
        if (MvccRequests.isTxnOp(req)) return MvccRequests.outsideSpan(desc, req);
        byte[] start = desc.getStartKey().toByteArray();
        byte[] end = desc.getEndKey().toByteArray();
        if (req.getOpCase() == KvRequest.OpCase.SCAN || req.getOpCase() == KvRequest.OpCase.DELETE_RANGE) {
            byte[] s = firstKey(req);
            byte[] e = req.getOpCase() == KvRequest.OpCase.SCAN ? req.getScan().getEndKey().toByteArray()
                    : req.getDeleteRange().getEndKey().toByteArray();
            boolean startOk = s.length == 0 || Keys.contains(start, end, s);
            boolean endOk = e.length == 0 || (Keys.compare(e, start) > 0 && Keys.compare(e, end) <= 0);
            return startOk && endOk ? null
                    : "span [" + Keys.pretty(s) + ", " + (e.length == 0 ? "range end" : Keys.pretty(e)) + ")";
        }
        byte[] k = firstKey(req);
        return k != null && Keys.contains(start, end, k) ? null : "key " + Keys.pretty(k == null ? new byte[0] : k);
    }

    static boolean isWrite(KvRequest req) {
        return switch (req.getOpCase()) {
            case PUT, DELETE, CONDITIONAL_PUT, DELETE_RANGE, INCREMENT, META_UPDATE, META_UPDATES, TXN_PREPARE,
                    TXN_HEARTBEAT, TXN_END, TXN_PUSH, TXN_RESOLVE, MVCC_GC -> true;
            default -> false;
        };
    }

    // ---- apply ----

    /** Applies a committed write whose keys lie in the replica's span; returns the proposer's answer. */
    RangeReply apply(Replica r, KvRequest req, long index, WriteBatch batch) {
        KvResponse.Builder ok = KvResponse.newBuilder().setAppliedIndex(index);
        switch (req.getOpCase()) {
            case PUT -> put(r, req.getPut().getKey().toByteArray(), req.getPut().getValue().toByteArray(), batch);
            case DELETE -> delete(r, req.getDelete().getKey().toByteArray(), batch);
            case CONDITIONAL_PUT -> {
                var cp = req.getConditionalPut();
                byte[] key = cp.getKey().toByteArray();
                Optional<byte[]> actual = view.get(key);
                boolean matches = cp.getExpectAbsent() ? actual.isEmpty()
                        : actual.isPresent() && Arrays.equals(actual.get(), cp.getExpectedValue().toByteArray());
                if (!matches) {
                    ErrorResponse.Builder e = ErrorResponse.newBuilder().setCode(ErrorResponse.Code.CONDITION_FAILED)
                            .setRangeId(r.groupId).setFound(actual.isPresent())
                            .setMessage("conditional put of " + Keys.pretty(key) + " in range " + r.groupId + ": "
                                    + (actual.isPresent() ? "the key holds another value" : "the key is absent"));
                    actual.ifPresent(v -> e.setActualValue(ByteString.copyFrom(v)));
                    return RangeReply.newBuilder().setError(e).build();
                }
                put(r, key, cp.getValue().toByteArray(), batch);
            }
            case INCREMENT -> {
                byte[] key = req.getIncrement().getKey().toByteArray();
                Optional<byte[]> current = view.get(key);
                if (current.isPresent() && current.get().length != 8) {
                    return Replies.error(ErrorResponse.Code.BAD_REQUEST, "increment of " + Keys.pretty(key)
                            + ": its value is " + current.get().length + " bytes, not an 8-byte integer");
                }
                long next = current.map(v -> ByteBuffer.wrap(v).getLong()).orElse(0L) + req.getIncrement().getDelta();
                byte[] value = ByteBuffer.allocate(8).putLong(next).array();
                put(r, key, value, batch);
                ok.setFound(true).setValue(ByteString.copyFrom(value));
            }
            case DELETE_RANGE -> {
                byte[] s = req.getDeleteRange().getStartKey().toByteArray();
                byte[] e = req.getDeleteRange().getEndKey().toByteArray();
                long deleted = 0;
                for (KeyValue kv : view.scan(s, e, Long.MAX_VALUE)) {
                    r.sizeBytes -= kv.key().length + kv.value().length;
                    deleted++;
                }
                batch.deleteRange(s, e);
                view.deleteSpan(s, e);
                ok.setDeleted(deleted);
            }
            case META_UPDATE -> {
                RangeReply refused = applyMetaUpdate(List.of(req.getMetaUpdate().getRangeDescriptor()), ok, batch, r);
                if (refused != null) {
                    // Callers of the single-record form read the record in the way from `value`.
                    view.get(req.getMetaUpdate().getKey().toByteArray())
                            .ifPresent(v -> ok.setValue(ByteString.copyFrom(v)));
                    return Replies.kv(ok.build());
                }
            }
            case META_UPDATES -> {
                RangeReply refused = applyMetaUpdate(req.getMetaUpdates().getRangeDescriptorsList(), ok, batch, r);
                if (refused != null) return refused;
            }
            default -> throw new IllegalStateException("range " + r.groupId + ": command " + req.getOpCase()
                    + " in the Raft log is not a write");
        }
        return Replies.kv(ok.build());
    }

    /**
     * Writes a meta update if {@link MetaRecords#refusal} allows it: all of it, deleting the
     * records it displaces, or nothing. Returns null when applied; else the answer (found, and
     * the records in the way as pairs: the one ending where the update starts, then those inside
     * its span), which {@code ok} also holds. Reads the batch view, so every replica decides alike.
     */
    private RangeReply applyMetaUpdate(List<RangeDescriptor> update, KvResponse.Builder ok, WriteBatch batch, Replica r) {
        byte[] start = MetaRecords.start(update);
        byte[] end = MetaRecords.end(update);
        Optional<byte[]> before = start.length == 0 ? Optional.empty() : view.get(Keys.metaKey(start));
        List<KeyValue> rows = view.scan(Keys.metaLookupStart(start), Keys.metaLookupStart(end), update.size() + 1);
        List<RangeDescriptor> displaced = new ArrayList<>(rows.size());
        for (KeyValue kv : rows) displaced.add(parseDescriptor(kv.value()));
        String refusal = MetaRecords.refusal(update, start.length == 0 || before.isPresent(), displaced);
        if (refusal != null) {
            LOG.fine(() -> "range " + r.groupId + ": meta update not applied: " + refusal);
            ok.setFound(true);
            before.ifPresent(v -> ok.addPairs(KvPair.newBuilder().setKey(ByteString.copyFrom(Keys.metaKey(start)))
                    .setValue(ByteString.copyFrom(v))));
            for (KeyValue kv : rows) {
                ok.addPairs(KvPair.newBuilder().setKey(ByteString.copyFrom(kv.key())).setValue(ByteString.copyFrom(kv.value())));
            }
            return Replies.kv(ok.build());
        }
        List<byte[]> written = new ArrayList<>(update.size());
        for (RangeDescriptor d : update) {
            byte[] key = Keys.metaKey(d.getEndKey().toByteArray());
            put(r, key, d.toByteArray(), batch);
            written.add(key);
        }
        for (KeyValue kv : rows) {
            if (written.stream().noneMatch(k -> Arrays.equals(k, kv.key()))) delete(r, kv.key(), batch);
        }
        return null;
    }

    private void put(Replica r, byte[] key, byte[] value, WriteBatch batch) {
        Optional<byte[]> old = view.get(key);
        r.sizeBytes += key.length + value.length - old.map(v -> key.length + v.length).orElse(0);
        batch.put(key, value);
        view.put(key, value);
    }

    private void delete(Replica r, byte[] key, WriteBatch batch) {
        Optional<byte[]> old = view.get(key);
        r.sizeBytes -= old.map(v -> key.length + v.length).orElse(0);
        batch.delete(key);
        view.delete(key);
    }

    void writeDescriptor(RangeDescriptor desc, WriteBatch batch) {
        byte[] key = Keys.rangeDescriptorKey(desc.getRangeId());
        batch.put(key, desc.toByteArray());
        view.put(key, desc.toByteArray());
    }

    void writeLease(long rangeId, Lease lease, WriteBatch batch) {
        byte[] key = Keys.rangeLeaseKey(rangeId);
        batch.put(key, lease.toByteArray());
        view.put(key, lease.toByteArray());
    }

    /** The descriptor and lease the store holds for a range (committed), or null / the empty lease. */
    RangeDescriptor storedDescriptor(long rangeId) {
        return store.get(Keys.rangeDescriptorKey(rangeId)).map(KvApplier::parseDescriptor).orElse(null);
    }

    Lease storedLease(long rangeId) {
        return store.get(Keys.rangeLeaseKey(rangeId)).map(v -> {
            try {
                return Lease.parseFrom(v);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("corrupt lease of range " + rangeId + " in the store", e);
            }
        }).orElse(Lease.getDefaultInstance());
    }

    static RangeDescriptor parseDescriptor(byte[] bytes) {
        try {
            return RangeDescriptor.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("corrupt range descriptor in the store: " + e.getMessage(), e);
        }
    }

    /**
     * Where a range's data lies in the store: range 1's meta and system keys raw, a user range's
     * keys MVCC-encoded ({@link MvccKeys#storeKey}), so that every version, intent and record of
     * its user keys falls inside and nothing of a neighbour's does.
     */
    static byte[] storeStart(RangeDescriptor desc) {
        return MvccKeys.storeKey(Keys.dataStart(desc.getStartKey().toByteArray()));
    }

    static byte[] storeEnd(RangeDescriptor desc) {
        return MvccKeys.storeKey(desc.getEndKey().toByteArray());
    }

    /** Whether a range holds multi-version user keys (every range but range 1). */
    static boolean isMvccRange(RangeDescriptor desc) {
        return Keys.compare(desc.getStartKey().toByteArray(), Keys.USER_START) >= 0;
    }

    /** Bytes of keys and values in a range's data span as the batch will leave it. */
    long spanBytes(RangeDescriptor desc) {
        long bytes = 0;
        for (KeyValue kv : view.scan(storeStart(desc), storeEnd(desc), Long.MAX_VALUE)) {
            bytes += kv.key().length + kv.value().length;
        }
        return bytes;
    }

    /**
     * The range's data in key order from the committed store, read a page at a time as iterated,
     * as user keys: on a user range every store row of one user key (its intent, versions,
     * records) becomes one entry with their summed bytes, so a split key found in it is a user
     * key and never falls between the versions of one.
     */
    java.util.Iterator<java.util.Map.Entry<byte[], byte[]>> spanIterator(RangeDescriptor desc) {
        java.util.Iterator<java.util.Map.Entry<byte[], byte[]>> rows = storeRows(desc);
        if (!isMvccRange(desc)) return rows;
        return new java.util.Iterator<>() {
            private java.util.Map.Entry<byte[], byte[]> pending;

            @Override
            public boolean hasNext() {
                return pending != null || rows.hasNext();
            }

            @Override
            public java.util.Map.Entry<byte[], byte[]> next() {
                java.util.Map.Entry<byte[], byte[]> row = pending != null ? pending : rows.next();
                pending = null;
                byte[] user = MvccKeys.decode(row.getKey()).userKey();
                long bytes = row.getKey().length + row.getValue().length;
                while (rows.hasNext()) {
                    java.util.Map.Entry<byte[], byte[]> more = rows.next();
                    if (!Arrays.equals(MvccKeys.decode(more.getKey()).userKey(), user)) {
                        pending = more;
                        break;
                    }
                    bytes += more.getKey().length + more.getValue().length;
                }
                // The value stands in for the bytes: SplitKeys counts key + value lengths.
                long valueBytes = Math.max(0, Math.min(Integer.MAX_VALUE - 16, bytes - user.length));
                return java.util.Map.entry(user, new byte[(int) valueBytes]);
            }
        };
    }

    private java.util.Iterator<java.util.Map.Entry<byte[], byte[]>> storeRows(RangeDescriptor desc) {
        byte[] end = storeEnd(desc);
        return new java.util.Iterator<>() {
            private byte[] next = storeStart(desc);
            private List<KeyValue> page = List.of();
            private int at;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (at < page.size()) return true;
                if (done) return false;
                page = store.scan(next, end, 1_024);
                at = 0;
                done = page.size() < 1_024;
                if (!page.isEmpty()) next = Keys.next(page.get(page.size() - 1).key());
                return !page.isEmpty();
            }

            @Override
            public java.util.Map.Entry<byte[], byte[]> next() {
                if (!hasNext()) throw new java.util.NoSuchElementException();
                KeyValue kv = page.get(at++);
                return java.util.Map.entry(kv.key(), kv.value());
            }
        };
    }

    // ---- reads, from the committed store ----

    KvResponse get(byte[] key) {
        return store.get(key)
                .map(v -> KvResponse.newBuilder().setFound(true).setValue(ByteString.copyFrom(v)).build())
                .orElse(KvResponse.newBuilder().setFound(false).build());
    }

    /** The scan clipped to the range's span, at most min(limit, maxScanRows) rows, with a resume key. */
    KvResponse scan(RangeDescriptor desc, KvScan scan) {
        int limit = scan.getLimit() == 0 ? settings.maxScanRows() : Math.min(scan.getLimit(), settings.maxScanRows());
        byte[] start = scan.getStartKey().toByteArray();
        byte[] dataStart = Keys.dataStart(desc.getStartKey().toByteArray());
        if (Keys.compare(start, dataStart) < 0) start = dataStart;
        byte[] end = scan.getEndKey().isEmpty() ? desc.getEndKey().toByteArray() : scan.getEndKey().toByteArray();
        List<KeyValue> rows = store.scan(start, end, limit + 1);
        KvResponse.Builder b = KvResponse.newBuilder();
        for (int i = 0; i < Math.min(limit, rows.size()); i++) {
            KeyValue kv = rows.get(i);
            b.addPairs(KvPair.newBuilder().setKey(ByteString.copyFrom(kv.key())).setValue(ByteString.copyFrom(kv.value())));
        }
        if (rows.size() > limit) b.setResumeKey(ByteString.copyFrom(rows.get(limit).key()));
        return b.build();
    }

    // ---- snapshots ----

    /** The store's {@code SnapshotSource}: the range's local keys and data span, read now (see {@link SnapshotData}). */
    byte[] snapshotData(long rangeId, SnapshotMetadata meta) {
        RangeDescriptor desc = storedDescriptor(rangeId);
        Invariants.check(desc != null, "node %s: a snapshot of range %s was asked for, but it has no descriptor",
                localNodeId, rangeId);
        List<KeyValue> rows = new ArrayList<>(store.scan(Keys.rangeLocalStart(rangeId), Keys.rangeLocalEnd(rangeId),
                1_000));
        rows.addAll(store.scan(storeStart(desc), storeEnd(desc), settings.maxSnapshotKeys() + 1));
        if (rows.size() > settings.maxSnapshotKeys()) {
            throw new IllegalStateException("node " + localNodeId + " range " + rangeId + " holds more than "
                    + settings.maxSnapshotKeys() + " keys: too many for one snapshot message; split it");
        }
        return SnapshotData.encode(rows);
    }

    /**
     * Replaces the range's state with a snapshot's, in the cycle's batch: deletes its range-local
     * keys and the snapshot descriptor's data span, then writes the image.
     */
    void installSnapshot(Replica r, Snapshot snapshot, WriteBatch batch) {
        long id = r.groupId;
        List<KvPair> pairs = SnapshotData.decode(id, snapshot.data());
        RangeDescriptor desc = SnapshotData.descriptor(id, pairs);
        byte[] dataStart = storeStart(desc);
        byte[] dataEnd = storeEnd(desc);
        batch.deleteRange(Keys.rangeLocalStart(id), Keys.rangeLocalEnd(id));
        view.deleteSpan(Keys.rangeLocalStart(id), Keys.rangeLocalEnd(id));
        batch.deleteRange(dataStart, dataEnd);
        view.deleteSpan(dataStart, dataEnd);
        long size = 0;
        Lease lease = Lease.getDefaultInstance();
        Timestamp gcThreshold = Timestamp.MIN;
        byte[] leaseKey = Keys.rangeLeaseKey(id);
        byte[] gcKey = Keys.rangeGcThresholdKey(id);
        for (KvPair p : pairs) {
            byte[] key = p.getKey().toByteArray();
            byte[] value = p.getValue().toByteArray();
            batch.put(key, value);
            view.put(key, value);
            if (Keys.contains(dataStart, dataEnd, key)) size += key.length + value.length;
            if (Arrays.equals(key, gcKey)) gcThreshold = parseTimestamp(value);
            if (Arrays.equals(key, leaseKey)) {
                try {
                    lease = Lease.parseFrom(value);
                } catch (InvalidProtocolBufferException e) {
                    throw new IllegalStateException("corrupt lease in a snapshot of range " + id, e);
                }
            }
        }
        batch.applySnapshot(id, snapshot);
        SnapshotMetadata meta = snapshot.metadata();
        r.applied = meta.index();
        r.appliedTerm = meta.term();
        r.snapshotIndex = meta.index();
        r.bytesSinceSnapshot = 0;
        r.confState = meta.confState();
        r.desc = desc;
        r.lease = lease;
        r.sizeBytes = size;
        r.gcThreshold = gcThreshold;
        batch.setApplied(id, r.applied, r.confState);
    }
}
