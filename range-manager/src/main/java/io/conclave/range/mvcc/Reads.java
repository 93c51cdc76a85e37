package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ConflictingIntent;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPair;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnRefresh;
import java.util.ArrayList;
import java.util.List;

/** get, scan, txn_get, txn_scan and txn_refresh: reads at a timestamp, never writing. */
final class Reads {
    /**
     * Most user keys one refresh examines: a refresh must see every key of its spans (it cannot
     * stop half-way like a scan), and a span the transaction read with a bounded scan should not
     * have grown past this; beyond it the refresh fails and the transaction restarts.
     */
    static final int REFRESH_MAX_KEYS = 100_000;

    private Reads() {}

    /**
     * How a request sees the keys: at {@code readTs}; committed values in (readTs, limit] are
     * uncertain; {@code own} is the reading transaction (null for a non-transactional read).
     */
    record View(Timestamp readTs, Timestamp limit, TxnMeta own) {
        static View nonTxn(Timestamp now) {
            return new View(now, now, null);
        }

        static View of(Eval ev, TxnReadOptions read) {
            if (!read.hasReadTs()) throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, "a transactional read needs read_ts");
            Timestamp leaseStart = ev.ctx.leaseStart();
            Timestamp readTs = Eval.ts(read.getReadTs());
            Timestamp limit = read.hasUncertaintyLimit() ? Eval.ts(read.getUncertaintyLimit()) : readTs;
            if (read.hasObservedTs()) {
                // A value written after the transaction first read from this node (or, for a
                // node whose lease began later, after the lease began) cannot precede it.
                limit = Timestamp.min(limit, Timestamp.max(Eval.ts(read.getObservedTs()), leaseStart));
            }
            return new View(readTs, Timestamp.max(readTs, limit), read.hasTxn() ? read.getTxn() : null);
        }

        boolean ownedBy(com.google.protobuf.ByteString txnId) {
            return own != null && own.getId().equals(txnId);
        }
    }

    /** What one key shows a view: a value (null: absent), another transaction's intent, or an uncertain version. */
    private record Seen(byte[] value, ConflictingIntent conflict, Timestamp uncertainTs) {}

    private static Seen see(KeyState s, View view) {
        if (s.intent() != null) {
            TxnMeta holder = s.intent().getTxn();
            if (view.ownedBy(holder.getId())) {
                if (holder.getEpoch() == view.own().getEpoch()) {
                    // The transaction's own write, at whatever timestamp it was prepared.
                    return new Seen(s.intent().getTombstone() ? null : s.intent().getValue().toByteArray(), null, null);
                }
                // An intent of an earlier epoch of the same transaction is not part of it any more.
            } else if (s.intentTs().compareTo(view.limit()) <= 0) {
                return new Seen(null, conflict(s), null);
            }
        }
        if (s.version() == null) return new Seen(null, null, null);
        if (s.version().ts().isAfter(view.readTs())) return new Seen(null, null, s.version().ts());
        return new Seen(s.liveValue(), null, null);
    }

    static ConflictingIntent conflict(KeyState s) {
        return ConflictingIntent.newBuilder().setKey(Replies.bytes(s.userKey())).setTxn(s.intent().getTxn()).build();
    }

    // ---- point reads ----

    static Evaluation get(Eval ev, com.google.protobuf.ByteString keyBytes, View view, String what) {
        byte[] key = ev.userKey(keyBytes, what);
        refuseBelowGcThreshold(ev, view.readTs(), what + " of " + Keys.pretty(key));
        Seen seen = see(KeyReads.read(ev.reader, key, view.limit()), view);
        if (seen.conflict() != null) return ev.failed(Replies.writeIntent(ev.rangeId, what, List.of(seen.conflict())));
        if (seen.uncertainTs() != null) return ev.failed(uncertain(ev, key, view, seen.uncertainTs(), what));
        KvResponse.Builder kv = ev.kv().setFound(seen.value() != null);
        if (seen.value() != null) kv.setValue(Replies.bytes(seen.value()));
        return ev.read(kv, List.of(key), List.of(), view.readTs());
    }

    // ---- scans ----

    static Evaluation scan(Eval ev, com.google.protobuf.ByteString start, com.google.protobuf.ByteString end,
            int askedLimit, View view, String what) {
        return scan(ev, start, end, askedLimit, view, what, null);
    }

    /**
     * A scan whose live values pass through {@code filter} (null: none). The limit counts rows
     * the filter kept; the resume key and the read span are those of the keys examined, kept or
     * not, so a filtered scan reads (for the timestamp cache and refreshes) exactly what an
     * unfiltered one would.
     */
    static Evaluation scan(Eval ev, com.google.protobuf.ByteString start, com.google.protobuf.ByteString end,
            int askedLimit, View view, String what, ScanFilter filter) {
        refuseBelowGcThreshold(ev, view.readTs(), what);
        byte[][] span = ev.clip(start, end);
        if (span == null) return ev.read(ev.kv(), List.of(), List.of(), view.readTs());
        int limit = ev.scanLimit(askedLimit);
        KeyCursor cursor = new KeyCursor(ev.reader, span[0], span[1], view.limit());
        KvResponse.Builder kv = ev.kv();
        List<ConflictingIntent> conflicts = new ArrayList<>();
        byte[] resume = null;
        int examined = 0;
        long scanned = 0;
        for (KeyState s = cursor.next(); s != null; s = cursor.next()) {
            if (kv.getPairsCount() >= limit || examined >= ev.maxScanRows) {
                resume = s.userKey();
                break;
            }
            examined++;
            Seen seen = see(s, view);
            if (seen.uncertainTs() != null) return ev.failed(uncertain(ev, s.userKey(), view, seen.uncertainTs(), what));
            if (seen.conflict() != null) {
                conflicts.add(seen.conflict());
            } else if (seen.value() != null) {
                scanned++;
                byte[] value = seen.value();
                if (filter != null && conflicts.isEmpty()) {
                    try {
                        value = filter.apply(s.userKey(), value);
                    } catch (RuntimeException e) {
                        return ev.failed(Replies.error(ErrorResponse.Code.FILTER_FAILED, ev.rangeId, what
                                + ": the scan filter failed on key " + Keys.pretty(s.userKey()) + ": " + describe(e)));
                    }
                }
                if (value != null) {
                    kv.addPairs(KvPair.newBuilder().setKey(Replies.bytes(s.userKey())).setValue(Replies.bytes(value)));
                }
            }
        }
        kv.setRowsScanned(scanned);
        if (!conflicts.isEmpty()) return ev.failed(Replies.writeIntent(ev.rangeId, what, conflicts));
        if (resume != null) kv.setResumeKey(Replies.bytes(resume));
        byte[][] read = {span[0], resume != null ? resume : span[1]};
        return ev.read(kv, List.of(), List.<byte[][]>of(read), view.readTs());
    }

    // ---- refresh ----

    static Evaluation refresh(Eval ev, TxnRefresh refresh) {
        if (!refresh.hasToTs()) throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, "a refresh needs to_ts");
        Timestamp from = Eval.ts(refresh.getFromTs());
        Timestamp to = Eval.ts(refresh.getToTs());
        View view = new View(to, to, refresh.hasTxn() ? refresh.getTxn() : null);
        String what = "refresh from " + from + " to " + to;
        // Below the threshold, GC may have removed the very versions that would fail the refresh.
        refuseBelowGcThreshold(ev, from, what);
        List<byte[]> keys = new ArrayList<>();
        for (com.google.protobuf.ByteString k : refresh.getKeysList()) {
            byte[] key = ev.userKey(k, what);
            ErrorResponse.Builder failure = check(ev, KeyReads.read(ev.reader, key, to), view, from, what);
            if (failure != null) return ev.failed(failure);
            keys.add(key);
        }
        List<byte[][]> spans = new ArrayList<>();
        int examined = 0;
        for (var s : refresh.getSpansList()) {
            byte[][] span = ev.clip(s.getStartKey(), s.getEndKey());
            if (span == null) continue;
            KeyCursor cursor = new KeyCursor(ev.reader, span[0], span[1], to);
            for (KeyState st = cursor.next(); st != null; st = cursor.next()) {
                if (++examined > REFRESH_MAX_KEYS) {
                    return ev.failed(Replies.txnRetry(ev.rangeId, "refresh failed: " + what + " covers more than "
                            + REFRESH_MAX_KEYS + " keys in range " + ev.rangeId, to));
                }
                ErrorResponse.Builder failure = check(ev, st, view, from, what);
                if (failure != null) return ev.failed(failure);
            }
            spans.add(span);
        }
        return ev.read(ev.kv(), keys, spans, to);
    }

    /** Null if the key did not change in (from, to] as the view sees it, else the TXN_RETRY. */
    private static ErrorResponse.Builder check(Eval ev, KeyState s, View view, Timestamp from, String what) {
        if (s.intent() != null && !view.ownedBy(s.intent().getTxn().getId())
                && s.intentTs().compareTo(view.readTs()) <= 0) {
            return Replies.txnRetry(ev.rangeId, "refresh failed: " + what + ": key " + Keys.pretty(s.userKey())
                    + " holds an intent of transaction " + Replies.txnName(s.intent().getTxn().getId()) + " at "
                    + s.intentTs(), view.readTs()).setExistingTs(s.intent().getTxn().getWriteTs()).addIntents(conflict(s));
        }
        if (s.version() != null && s.version().ts().isAfter(from)) {
            return Replies.txnRetry(ev.rangeId, "refresh failed: " + what + ": key " + Keys.pretty(s.userKey())
                    + " has a value committed at " + s.version().ts(), view.readTs())
                    .setExistingTs(s.version().ts().toProto());
        }
        return null;
    }

    // ---- shared ----

    /** A filter failure for a message: its own message, with its type if it is not a ScanFilterException (a bug). */
    static String describe(RuntimeException e) {
        if (e instanceof ScanFilterException) return e.getMessage();
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void refuseBelowGcThreshold(Eval ev, Timestamp readTs, String what) {
        if (readTs.isBefore(ev.ctx.gcThreshold())) {
            throw new Eval.Refusal(Replies.error(ErrorResponse.Code.GC_THRESHOLD, ev.rangeId, what + " at " + readTs
                    + " is below range " + ev.rangeId + "'s GC threshold " + ev.ctx.gcThreshold()
                    + ": older versions may have been removed").setExistingTs(ev.ctx.gcThreshold().toProto()));
        }
    }

    private static ErrorResponse.Builder uncertain(Eval ev, byte[] key, View view, Timestamp existing, String what) {
        return Replies.error(ErrorResponse.Code.READ_WITHIN_UNCERTAINTY, ev.rangeId, what + " at " + view.readTs()
                + ": key " + Keys.pretty(key) + " has a value committed at " + existing
                + ", within the uncertainty window up to " + view.limit()).setExistingTs(existing.toProto());
    }
}
