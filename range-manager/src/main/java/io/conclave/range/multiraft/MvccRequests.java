package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.mvcc.MvccKeys;
import io.conclave.range.rpc.KeySpan;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnWrite;
import java.util.ArrayList;
import java.util.List;

/**
 * What the scheduler needs to know about a request on multi-version user keys before it is
 * evaluated: whether it is acceptable, which keys and spans it reads or writes (for routing,
 * latches and the timestamp cache), and at which timestamp it reads. The evaluation itself is
 * {@link io.conclave.range.mvcc.MvccEvaluator}'s.
 */
final class MvccRequests {
    /**
     * Largest transactional request: one value at the value limit plus room for its keys and
     * the transaction's metadata. A prepare of more must be sent in several (each is idempotent);
     * a request is one Raft entry, and entries must fit in a message.
     */
    static final int MAX_TXN_REQUEST_BYTES = Keys.MAX_VALUE_BYTES + 64 * 1024;

    private MvccRequests() {}

    /** The transactional ops and GC: served only on user ranges. */
    static boolean isTxnOp(KvRequest req) {
        return switch (req.getOpCase()) {
            case TXN_GET, TXN_SCAN, TXN_PREPARE, TXN_HEARTBEAT, TXN_END, TXN_PUSH, TXN_RESOLVE, TXN_REFRESH, MVCC_GC,
                    TXN_QUERY -> true;
            default -> false;
        };
    }

    /** Null if a transactional request is acceptable, else why not; size problems start with "too large". */
    static String validate(KvRequest req) {
        if (req.getSerializedSize() > MAX_TXN_REQUEST_BYTES) {
            return "too large: " + req.getOpCase() + " of " + req.getSerializedSize() + " bytes; the limit is "
                    + MAX_TXN_REQUEST_BYTES + " (send the writes in several prepares)";
        }
        return switch (req.getOpCase()) {
            case TXN_GET -> first(key("txn_get", req.getTxnGet().getKey()), read(req.getTxnGet().getRead()));
            case TXN_SCAN -> first(span("txn_scan", req.getTxnScan().getStartKey(), req.getTxnScan().getEndKey(), true),
                    read(req.getTxnScan().getRead()));
            case TXN_PREPARE -> prepare(req);
            case TXN_HEARTBEAT -> txn("txn_heartbeat", req.getTxnHeartbeat().getTxn(), req.getTxnHeartbeat().hasTxn());
            case TXN_END -> end(req);
            case TXN_PUSH -> first(txn("txn_push pushee", req.getTxnPush().getPushee(), req.getTxnPush().hasPushee()),
                    req.getTxnPush().hasPusher() ? txn("txn_push pusher", req.getTxnPush().getPusher(), true) : null,
                    req.getTxnPush().getType() == io.conclave.range.rpc.PushType.PUSH_TYPE_UNSPECIFIED
                            ? "txn_push needs a type (PUSH_TIMESTAMP, PUSH_ABORT or PUSH_TOUCH)" : null);
            case TXN_RESOLVE -> resolve(req);
            case TXN_REFRESH -> refresh(req);
            case TXN_QUERY -> txn("txn_query", req.getTxnQuery().getTxn(), req.getTxnQuery().hasTxn());
            case MVCC_GC -> !req.getMvccGc().hasThreshold() ? "mvcc_gc needs a threshold"
                    : req.getMvccGc().getStartKey().isEmpty() ? null : key("mvcc_gc start", req.getMvccGc().getStartKey());
            default -> null;
        };
    }

    private static String prepare(KvRequest req) {
        var p = req.getTxnPrepare();
        String t = txn("txn_prepare", p.getTxn(), p.hasTxn());
        if (t != null) return t;
        if (p.getWritesCount() == 0) return "txn_prepare needs at least one write";
        for (TxnWrite w : p.getWritesList()) {
            String k = key("txn_prepare write", w.getKey());
            if (k != null) return k;
            String v = Keys.checkValue(w.getValue().toByteArray());
            if (v != null) return v;
        }
        return null;
    }

    private static String end(KvRequest req) {
        var e = req.getTxnEnd();
        String t = txn("txn_end", e.getTxn(), e.hasTxn());
        if (t != null) return t;
        if (e.getCommit() && !e.hasCommitTs()) return "txn_end with commit needs a commit_ts";
        for (ByteString k : e.getResolveKeysList()) {
            String p = key("txn_end resolve key", k);
            if (p != null) return p;
        }
        return null;
    }

    private static String resolve(KvRequest req) {
        var r = req.getTxnResolve();
        String t = txn("txn_resolve", r.getTxn(), r.hasTxn());
        if (t != null) return t;
        if (r.getKeysCount() == 0 && !r.getRemoveRecord()) return "txn_resolve needs at least one key";
        if (r.getStatus() == io.conclave.range.rpc.TxnStatus.COMMITTED && !r.hasCommitTs()) {
            return "txn_resolve to COMMITTED needs a commit_ts";
        }
        for (ByteString k : r.getKeysList()) {
            String p = key("txn_resolve key", k);
            if (p != null) return p;
        }
        return null;
    }

    private static String refresh(KvRequest req) {
        var r = req.getTxnRefresh();
        if (!r.hasFromTs() || !r.hasToTs()) return "txn_refresh needs from_ts and to_ts";
        if (r.getKeysCount() == 0 && r.getSpansCount() == 0) return "txn_refresh needs keys or spans";
        for (ByteString k : r.getKeysList()) {
            String p = key("txn_refresh key", k);
            if (p != null) return p;
        }
        for (KeySpan s : r.getSpansList()) {
            String p = span("txn_refresh span", s.getStartKey(), s.getEndKey(), false);
            if (p != null) return p;
        }
        return null;
    }

    private static String first(String... problems) {
        for (String p : problems) {
            if (p != null) return p;
        }
        return null;
    }

    private static String key(String what, ByteString key) {
        String p = Keys.checkUserKey(key.toByteArray());
        return p == null ? null : p.startsWith("too large") ? p + " (" + what + ")" : what + ": " + p;
    }

    private static String span(String what, ByteString start, ByteString end, boolean emptyEndAllowed) {
        String p = key(what + " start", start);
        if (p != null) return p;
        if (end.isEmpty()) return emptyEndAllowed ? null : what + ": the span's end key must not be empty";
        if (end.size() > Keys.MAX_KEY_BYTES + 2) return "too large: " + what + " end of " + end.size() + " bytes";
        if (Keys.compare(end.toByteArray(), start.toByteArray()) <= 0) {
            return what + ": the span's end " + Keys.pretty(end.toByteArray()) + " is not after its start "
                    + Keys.pretty(start.toByteArray());
        }
        return null;
    }

    private static String read(TxnReadOptions read) {
        if (!read.hasReadTs()) return "a transactional read needs read.read_ts";
        return read.hasTxn() ? txn("read.txn", read.getTxn(), true) : null;
    }

    private static String txn(String what, TxnMeta txn, boolean present) {
        if (!present) return what + " needs a txn";
        if (txn.getId().size() != MvccKeys.TXN_ID_BYTES) {
            return what + ": a transaction id has " + MvccKeys.TXN_ID_BYTES + " bytes, not " + txn.getId().size();
        }
        String p = Keys.checkUserKey(txn.getAnchorKey().toByteArray());
        return p == null ? null : what + ": anchor key: " + p;
    }

    /** The key a transactional request is routed by; null for none (a GC page from the range start). */
    static byte[] firstKey(KvRequest req) {
        return switch (req.getOpCase()) {
            case TXN_GET -> req.getTxnGet().getKey().toByteArray();
            case TXN_SCAN -> req.getTxnScan().getStartKey().toByteArray();
            case TXN_PREPARE -> req.getTxnPrepare().getWritesCount() == 0 ? null
                    : req.getTxnPrepare().getWrites(0).getKey().toByteArray();
            case TXN_HEARTBEAT -> req.getTxnHeartbeat().getTxn().getAnchorKey().toByteArray();
            case TXN_END -> req.getTxnEnd().getTxn().getAnchorKey().toByteArray();
            case TXN_PUSH -> req.getTxnPush().getPushee().getAnchorKey().toByteArray();
            case TXN_QUERY -> req.getTxnQuery().getTxn().getAnchorKey().toByteArray();
            case TXN_RESOLVE -> req.getTxnResolve().getKeysCount() > 0 ? req.getTxnResolve().getKeys(0).toByteArray()
                    : req.getTxnResolve().getRemoveRecord() ? req.getTxnResolve().getTxn().getAnchorKey().toByteArray()
                    : null;
            case TXN_REFRESH -> req.getTxnRefresh().getKeysCount() > 0 ? req.getTxnRefresh().getKeys(0).toByteArray()
                    : req.getTxnRefresh().getSpansCount() > 0
                            ? req.getTxnRefresh().getSpans(0).getStartKey().toByteArray() : null;
            case MVCC_GC -> req.getMvccGc().getStartKey().toByteArray();
            default -> null;
        };
    }

    /**
     * Null if every key the transactional request touches lies in {@code desc}'s span, else what
     * lies outside. Spans (txn_scan, txn_refresh) must lie inside the range, ends included.
     */
    static String outsideSpan(RangeDescriptor desc, KvRequest req) {
        byte[] start = desc.getStartKey().toByteArray();
        byte[] end = desc.getEndKey().toByteArray();
        List<byte[]> keys = new ArrayList<>();
        switch (req.getOpCase()) {
            case TXN_SCAN -> {
                byte[] s = req.getTxnScan().getStartKey().toByteArray();
                byte[] e = req.getTxnScan().getEndKey().toByteArray();
                boolean ok = Keys.contains(start, end, s) && (e.length == 0 || Keys.compare(e, end) <= 0);
                return ok ? null : "span [" + Keys.pretty(s) + ", " + (e.length == 0 ? "range end" : Keys.pretty(e)) + ")";
            }
            case TXN_PREPARE -> req.getTxnPrepare().getWritesList().forEach(w -> keys.add(w.getKey().toByteArray()));
            case TXN_END -> {
                keys.add(req.getTxnEnd().getTxn().getAnchorKey().toByteArray());
                req.getTxnEnd().getResolveKeysList().forEach(k -> keys.add(k.toByteArray()));
            }
            case TXN_RESOLVE -> {
                req.getTxnResolve().getKeysList().forEach(k -> keys.add(k.toByteArray()));
                if (req.getTxnResolve().getRemoveRecord()) keys.add(req.getTxnResolve().getTxn().getAnchorKey().toByteArray());
            }
            case TXN_REFRESH -> {
                req.getTxnRefresh().getKeysList().forEach(k -> keys.add(k.toByteArray()));
                for (KeySpan s : req.getTxnRefresh().getSpansList()) {
                    keys.add(s.getStartKey().toByteArray());
                    // Never clipped: the part beyond the range (split off since the sender cached
                    // it) would go unchecked, a lost serializability check.
                    if (Keys.compare(s.getEndKey().toByteArray(), end) > 0) {
                        return "refresh span end " + Keys.pretty(s.getEndKey().toByteArray());
                    }
                }
            }
            case MVCC_GC -> {
                byte[] s = req.getMvccGc().getStartKey().toByteArray();
                if (s.length > 0) keys.add(s);
            }
            default -> {
                byte[] k = firstKey(req);
                if (k != null) keys.add(k);
            }
        }
        for (byte[] k : keys) {
            if (!Keys.contains(start, end, k)) return "key " + Keys.pretty(k);
        }
        return null;
    }

    /** Keys and spans of a request (reads: what it reads; writes: the user keys it may write). */
    record Footprint(List<byte[]> keys, List<byte[][]> spans) {
        boolean overlaps(Footprint other) {
            for (byte[] k : keys) {
                if (other.covers(k, Keys.next(k))) return true;
            }
            for (byte[][] s : spans) {
                if (other.covers(s[0], s[1])) return true;
            }
            return false;
        }

        /** Whether any key of [start, end) is one of this footprint's. */
        private boolean covers(byte[] start, byte[] end) {
            for (byte[] k : keys) {
                if (Keys.compare(k, start) >= 0 && Keys.compare(k, end) < 0) return true;
            }
            for (byte[][] s : spans) {
                if (Keys.compare(s[0], end) < 0 && Keys.compare(s[1], start) > 0) return true;
            }
            return false;
        }

        boolean isEmpty() {
            return keys.isEmpty() && spans.isEmpty();
        }
    }

    /** The user keys and spans a request reads or writes, spans clipped to {@code desc}. */
    static Footprint footprint(RangeDescriptor desc, KvRequest req) {
        byte[] rangeEnd = desc.getEndKey().toByteArray();
        byte[] rangeStart = desc.getStartKey().toByteArray();
        List<byte[]> keys = new ArrayList<>();
        List<byte[][]> spans = new ArrayList<>();
        switch (req.getOpCase()) {
            case GET -> keys.add(req.getGet().getKey().toByteArray());
            case PUT -> keys.add(req.getPut().getKey().toByteArray());
            case DELETE -> keys.add(req.getDelete().getKey().toByteArray());
            case CONDITIONAL_PUT -> keys.add(req.getConditionalPut().getKey().toByteArray());
            case INCREMENT -> keys.add(req.getIncrement().getKey().toByteArray());
            case SCAN -> spans.add(clip(req.getScan().getStartKey(), req.getScan().getEndKey(), rangeStart, rangeEnd));
            case DELETE_RANGE -> spans.add(clip(req.getDeleteRange().getStartKey(), req.getDeleteRange().getEndKey(),
                    rangeStart, rangeEnd));
            case TXN_GET -> keys.add(req.getTxnGet().getKey().toByteArray());
            case TXN_SCAN -> spans.add(clip(req.getTxnScan().getStartKey(), req.getTxnScan().getEndKey(), rangeStart,
                    rangeEnd));
            case TXN_PREPARE -> req.getTxnPrepare().getWritesList().forEach(w -> keys.add(w.getKey().toByteArray()));
            case TXN_END -> req.getTxnEnd().getResolveKeysList().forEach(k -> keys.add(k.toByteArray()));
            case TXN_RESOLVE -> req.getTxnResolve().getKeysList().forEach(k -> keys.add(k.toByteArray()));
            case TXN_REFRESH -> {
                req.getTxnRefresh().getKeysList().forEach(k -> keys.add(k.toByteArray()));
                req.getTxnRefresh().getSpansList().forEach(s -> spans.add(clip(s.getStartKey(), s.getEndKey(),
                        rangeStart, rangeEnd)));
            }
            default -> { } // records (heartbeat, push) and GC: no user key a read sees changes
        }
        return new Footprint(keys, spans);
    }

    private static byte[][] clip(ByteString start, ByteString end, byte[] rangeStart, byte[] rangeEnd) {
        byte[] s = start.isEmpty() || Keys.compare(start.toByteArray(), rangeStart) < 0 ? rangeStart
                : start.toByteArray();
        byte[] e = end.isEmpty() || Keys.compare(end.toByteArray(), rangeEnd) > 0 ? rangeEnd : end.toByteArray();
        return new byte[][] {s, e};
    }

    /**
     * A txn_scan with a limit: served optimistically and claiming only the span it read
     * ({@code Scheduler.serveLimitedScan}). Without a limit a scan reads its span up to the
     * node's row bound, and is judged on all of it before it is served, as any other read.
     */
    static boolean isLimitedScan(KvRequest req) {
        return req.getOpCase() == KvRequest.OpCase.TXN_SCAN && req.getTxnScan().getLimit() > 0;
    }

    /** The timestamp a read reads at: its read_ts, a refresh's to_ts, or {@code now} for a plain read. */
    static Timestamp readTimestamp(KvRequest req, Timestamp now) {
        return switch (req.getOpCase()) {
            case TXN_GET -> Timestamp.fromProto(req.getTxnGet().getRead().getReadTs());
            case TXN_SCAN -> Timestamp.fromProto(req.getTxnScan().getRead().getReadTs());
            case TXN_REFRESH -> Timestamp.fromProto(req.getTxnRefresh().getToTs());
            default -> now;
        };
    }

    /** The transaction a request belongs to (its id), or null for a non-transactional one. */
    static byte[] txnId(KvRequest req) {
        TxnMeta t = switch (req.getOpCase()) {
            case TXN_GET -> req.getTxnGet().getRead().hasTxn() ? req.getTxnGet().getRead().getTxn() : null;
            case TXN_SCAN -> req.getTxnScan().getRead().hasTxn() ? req.getTxnScan().getRead().getTxn() : null;
            case TXN_REFRESH -> req.getTxnRefresh().hasTxn() ? req.getTxnRefresh().getTxn() : null;
            case TXN_PREPARE -> req.getTxnPrepare().getTxn();
            case TXN_END -> req.getTxnEnd().getTxn();
            case TXN_RESOLVE -> req.getTxnResolve().getTxn();
            default -> null;
        };
        return t == null ? null : t.getId().toByteArray();
    }

    /** The record marker key a heartbeat, commit or push is judged against (see EvalContext.writeFloor); null for others. */
    static byte[] recordMarker(KvRequest req) {
        TxnMeta t = switch (req.getOpCase()) {
            case TXN_HEARTBEAT -> req.getTxnHeartbeat().getTxn();
            case TXN_END -> req.getTxnEnd().getTxn();
            case TXN_PUSH -> req.getTxnPush().getPushee();
            default -> null;
        };
        return t == null ? null : MvccKeys.recordMarkerKey(t.getAnchorKey().toByteArray(), t.getId().toByteArray());
    }

    /** Whether the write places new versions or intents at a timestamp the timestamp cache bounds. */
    static boolean takesWriteFloor(KvRequest req) {
        return switch (req.getOpCase()) {
            case PUT, DELETE, CONDITIONAL_PUT, INCREMENT, DELETE_RANGE, TXN_PREPARE -> true;
            default -> false;
        };
    }
}
