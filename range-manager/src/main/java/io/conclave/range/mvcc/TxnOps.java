package io.conclave.range.mvcc;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ConflictingIntent;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.Intent;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnResolve;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.range.rpc.TxnWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** txn_prepare, txn_heartbeat, txn_end, txn_push and txn_resolve. */
final class TxnOps {
    private TxnOps() {}

    // ---- prepare ----

    static Evaluation prepare(Eval ev, TxnPrepare p) {
        TxnMeta txn = checkTxn(ev, p.getTxn(), "prepare");
        String what = (p.getOnePhase() ? "one-phase commit" : "prepare") + " of transaction " + Replies.txnName(txn.getId());
        // Last write per key wins, in key order (so the writes, and the answer, do not depend on
        // the order the coordinator sent them in).
        TreeMap<byte[], TxnWrite> writes = new TreeMap<>(Keys::compare);
        for (TxnWrite w : p.getWritesList()) writes.put(ev.userKey(w.getKey(), what), w);
        if (writes.isEmpty()) {
            throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, what + ": no writes");
        }
        Timestamp ts = Timestamp.max(Eval.ts(txn.getWriteTs()), ev.ctx.writeFloor());
        List<ConflictingIntent> conflicts = new ArrayList<>();
        List<byte[]> ownIntents = new ArrayList<>();
        for (byte[] key : writes.keySet()) {
            KeyState s = KeyReads.read(ev.reader, key, Timestamp.MAX);
            if (s.intent() != null) {
                if (!s.intent().getTxn().getId().equals(txn.getId())) {
                    conflicts.add(Reads.conflict(s));
                } else {
                    ownIntents.add(key);
                    // A repeated prepare of the same epoch keeps the timestamp it reached (a
                    // push may have moved the intent up since).
                    if (s.intent().getTxn().getEpoch() == txn.getEpoch()) ts = Timestamp.max(ts, s.intentTs());
                }
            }
            if (s.version() != null && s.version().ts().compareTo(ts) >= 0) ts = s.version().ts().next();
        }
        if (!conflicts.isEmpty()) return ev.failed(Replies.writeIntent(ev.rangeId, what, conflicts));
        if (p.getOnePhase()) {
            if (ts.isAfter(Eval.ts(txn.getWriteTs()))) {
                return ev.failed(Replies.txnRetry(ev.rangeId, "one-phase commit pushed: " + what + " at "
                        + Eval.ts(txn.getWriteTs()) + " must move to " + ts, ts));
            }
            for (byte[] key : ownIntents) ev.delete(MvccKeys.intentKey(key));
            for (Map.Entry<byte[], TxnWrite> w : writes.entrySet()) {
                ev.put(MvccKeys.versionKey(w.getKey(), ts), w.getValue().getTombstone() ? MvccKeys.tombstone()
                        : MvccKeys.encodeValue(w.getValue().getValue().toByteArray()));
            }
            return ev.written(ev.kv().setCommitted(true).setWriteTs(ts.toProto()));
        }
        TxnMeta at = txn.toBuilder().setWriteTs(ts.toProto()).build();
        for (Map.Entry<byte[], TxnWrite> w : writes.entrySet()) {
            Intent intent = Intent.newBuilder().setTxn(at).setTombstone(w.getValue().getTombstone())
                    .setValue(w.getValue().getTombstone() ? ByteString.EMPTY : w.getValue().getValue()).build();
            ev.put(MvccKeys.intentKey(w.getKey()), intent.toByteArray());
        }
        return ev.written(ev.kv().setWriteTs(ts.toProto()));
    }

    // ---- records ----

    static Evaluation heartbeat(Eval ev, TxnMeta request) {
        TxnMeta txn = checkTxn(ev, request, "heartbeat");
        byte[] anchor = ev.userKey(txn.getAnchorKey(), "heartbeat of transaction " + Replies.txnName(txn.getId()));
        TxnRecord record = KeyReads.record(ev.reader, anchor, txn.getId().toByteArray());
        if (record == null && mayHaveBeenRemoved(ev, txn)) {
            return ev.failed(Replies.aborted(ev.rangeId, "heartbeat", removed(txn)));
        }
        if (record != null && record.getStatus() == TxnStatus.ABORTED) {
            return ev.failed(Replies.aborted(ev.rangeId, "heartbeat", record));
        }
        if (record != null && record.getStatus() == TxnStatus.COMMITTED) {
            return ev.written(ev.kv().setTxnRecord(record));
        }
        TxnRecord updated;
        if (record == null) {
            updated = TxnRecord.newBuilder().setMeta(txn).setStatus(TxnStatus.PENDING)
                    .setLastHeartbeat(ev.ctx.now().toProto()).build();
        } else {
            TxnMeta meta = record.getMeta().toBuilder()
                    .setWriteTs(Timestamp.max(Eval.ts(record.getMeta().getWriteTs()), Eval.ts(txn.getWriteTs())).toProto())
                    .setEpoch(Math.max(record.getMeta().getEpoch(), txn.getEpoch())).build();
            updated = record.toBuilder().setMeta(meta)
                    .setLastHeartbeat(Timestamp.max(Eval.ts(record.getLastHeartbeat()), ev.ctx.now()).toProto()).build();
        }
        writeRecord(ev, anchor, updated);
        return ev.written(ev.kv().setTxnRecord(updated));
    }

    static Evaluation end(Eval ev, TxnEnd end) {
        TxnMeta txn = checkTxn(ev, end.getTxn(), "end");
        String what = (end.getCommit() ? "commit" : "rollback") + " of transaction " + Replies.txnName(txn.getId());
        byte[] anchor = ev.userKey(txn.getAnchorKey(), what);
        List<byte[]> resolveKeys = new ArrayList<>();
        for (ByteString k : end.getResolveKeysList()) resolveKeys.add(ev.userKey(k, what));
        for (ByteString k : end.getIntentKeysList()) {
            String bad = Keys.checkUserKey(k.toByteArray());
            if (bad != null) throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, what + ": intent key " + bad);
        }
        TxnRecord record = KeyReads.record(ev.reader, anchor, txn.getId().toByteArray());
        if (record == null && mayHaveBeenRemoved(ev, txn)) {
            if (end.getCommit()) return ev.failed(Replies.aborted(ev.rangeId, what, removed(txn)));
            resolve(ev, txn, TxnStatus.ABORTED, null, resolveKeys);
            return ev.written(ev.kv().setTxnRecord(removed(txn)));
        }
        if (record != null && record.getStatus() == TxnStatus.COMMITTED) {
            // Idempotent: a repeated commit (or a late rollback) learns the outcome.
            resolve(ev, record.getMeta(), TxnStatus.COMMITTED, Eval.ts(record.getCommitTs()), resolveKeys);
            return ev.written(ev.kv().setTxnRecord(record));
        }
        if (record != null && record.getStatus() == TxnStatus.ABORTED) {
            if (end.getCommit()) return ev.failed(Replies.aborted(ev.rangeId, what, record));
            resolve(ev, txn, TxnStatus.ABORTED, null, resolveKeys);
            return ev.written(ev.kv().setTxnRecord(record));
        }
        TxnRecord pending = record != null ? record : TxnRecord.newBuilder().setMeta(txn).setStatus(TxnStatus.PENDING)
                .setLastHeartbeat(txn.getMinTs()).build();
        if (!end.getCommit()) {
            TxnRecord aborted = pending.toBuilder().setStatus(TxnStatus.ABORTED).build();
            writeRecord(ev, anchor, aborted);
            resolve(ev, txn, TxnStatus.ABORTED, null, resolveKeys);
            return ev.written(ev.kv().setTxnRecord(aborted));
        }
        if (!end.hasCommitTs()) throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, what + ": no commit timestamp");
        Timestamp commitTs = Eval.ts(end.getCommitTs());
        Timestamp minimum = Eval.ts(pending.getMeta().getWriteTs());
        if (minimum.isAfter(commitTs)) {
            return ev.failed(Replies.txnRetry(ev.rangeId, "pushed: " + what + " at " + commitTs
                    + ": the transaction was pushed to " + minimum, minimum).setTxnRecord(pending));
        }
        TxnMeta meta = pending.getMeta().toBuilder().setWriteTs(commitTs.toProto())
                .setEpoch(Math.max(pending.getMeta().getEpoch(), txn.getEpoch())).build();
        TxnRecord committed = pending.toBuilder().setMeta(meta).setStatus(TxnStatus.COMMITTED)
                .setCommitTs(commitTs.toProto()).addAllIntentKeys(end.getIntentKeysList()).build();
        writeRecord(ev, anchor, committed);
        resolve(ev, meta, TxnStatus.COMMITTED, commitTs, resolveKeys);
        return ev.written(ev.kv().setTxnRecord(committed));
    }

    static Evaluation push(Eval ev, TxnPush push) {
        TxnMeta pushee = checkTxn(ev, push.getPushee(), "push");
        String what = push.getType() + " push of transaction " + Replies.txnName(pushee.getId());
        if (push.getType() == PushType.PUSH_TYPE_UNSPECIFIED || push.getType() == PushType.UNRECOGNIZED) {
            throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, what + ": no push type");
        }
        byte[] anchor = ev.userKey(pushee.getAnchorKey(), what);
        TxnRecord record = KeyReads.record(ev.reader, anchor, pushee.getId().toByteArray());
        if (record == null && mayHaveBeenRemoved(ev, pushee)) {
            // Removed once every intent was resolved: the intent the pusher met is gone, so
            // resolving it as aborted changes nothing, and nothing is written.
            return ev.written(ev.kv().setTxnRecord(removed(pushee)).setPushed(true));
        }
        if (record != null && record.getStatus() != TxnStatus.PENDING) {
            return ev.written(ev.kv().setTxnRecord(record).setPushed(true));
        }
        // No record yet: the transaction is as old as its first attempt.
        TxnRecord pending = record != null ? record : TxnRecord.newBuilder().setMeta(pushee)
                .setStatus(TxnStatus.PENDING).setLastHeartbeat(pushee.getMinTs()).build();
        if (expired(pending, ev.ctx)) {
            TxnRecord aborted = pending.toBuilder().setStatus(TxnStatus.ABORTED).build();
            writeRecord(ev, anchor, aborted);
            return ev.written(ev.kv().setTxnRecord(aborted).setPushed(true));
        }
        Timestamp pushTo = Eval.ts(push.getPushTo());
        if (push.getType() == PushType.PUSH_TIMESTAMP && Eval.ts(pending.getMeta().getWriteTs()).isAfter(pushTo)) {
            return ev.written(ev.kv().setTxnRecord(pending).setPushed(true));
        }
        if (push.getDeadlockVictim() && push.getType() != PushType.PUSH_TOUCH) {
            // The leaseholder's wait queue found the pushee the victim of a cycle of waiters.
            TxnRecord aborted = pending.toBuilder().setStatus(TxnStatus.ABORTED).setAbortReason(Deadlocks.ABORT_REASON)
                    .build();
            writeRecord(ev, anchor, aborted);
            return ev.written(ev.kv().setTxnRecord(aborted).setPushed(true));
        }
        if (push.getType() == PushType.PUSH_TOUCH || !pusherWins(push, pending.getMeta(), pushTo)) {
            return ev.failed(Replies.error(ErrorResponse.Code.PUSH_FAILED, ev.rangeId, what + ": it is "
                    + "pending, heartbeated at " + Eval.ts(pending.getLastHeartbeat())
                    + (push.getType() == PushType.PUSH_TOUCH ? "" : ", and has priority")).setTxnRecord(pending));
        }
        TxnRecord updated = push.getType() == PushType.PUSH_ABORT
                ? pending.toBuilder().setStatus(TxnStatus.ABORTED).build()
                : pending.toBuilder().setMeta(pending.getMeta().toBuilder().setWriteTs(pushTo.next().toProto())).build();
        writeRecord(ev, anchor, updated);
        return ev.written(ev.kv().setTxnRecord(updated).setPushed(true));
    }

    /**
     * A higher priority wins. On a tie an abort push loses (the writer waits: deadlocks are
     * detected, not prevented), and a timestamp push is won by the older min_ts, then the smaller
     * id. A non-transactional pusher only pushes younger transactions' timestamps.
     */
    static boolean pusherWins(TxnPush push, TxnMeta pushee, Timestamp pushTo) {
        Timestamp pusheeMin = Eval.ts(pushee.getMinTs());
        if (!push.hasPusher() || push.getPusher().getId().isEmpty()) {
            return push.getType() == PushType.PUSH_TIMESTAMP && pusheeMin.isAfter(pushTo);
        }
        int byPriority = Integer.compareUnsigned(push.getPusher().getPriority(), pushee.getPriority());
        if (byPriority != 0) return byPriority > 0;
        if (push.getType() == PushType.PUSH_ABORT) return false;
        int byAge = Eval.ts(push.getPusher().getMinTs()).compareTo(pusheeMin);
        if (byAge != 0) return byAge < 0;
        return ByteString.unsignedLexicographicalComparator().compare(push.getPusher().getId(), pushee.getId()) < 0;
    }

    static boolean expired(TxnRecord record, EvalContext ctx) {
        long last = record.getLastHeartbeat().getWallNanos();
        return record.getStatus() == TxnStatus.PENDING && last <= Long.MAX_VALUE - ctx.txnExpirationNanos()
                && last + ctx.txnExpirationNanos() < ctx.now().wallNanos();
    }

    /** The record of the transaction (absent if there is none); the wait queue adds who waits for it. */
    static Evaluation query(Eval ev, io.conclave.range.rpc.TxnQuery q) {
        TxnMeta txn = checkTxn(ev, q.getTxn(), "query");
        byte[] anchor = ev.userKey(txn.getAnchorKey(), "query of transaction " + Replies.txnName(txn.getId()));
        TxnRecord record = KeyReads.record(ev.reader, anchor, txn.getId().toByteArray());
        var kv = ev.kv();
        if (record != null) kv.setTxnRecord(record);
        return ev.read(kv, List.of(), List.of(), Timestamp.MIN);
    }

    // ---- resolve ----

    static Evaluation resolve(Eval ev, TxnResolve r) {
        TxnMeta txn = checkTxn(ev, r.getTxn(), "resolve");
        String what = "resolve of transaction " + Replies.txnName(txn.getId()) + " as " + r.getStatus();
        if (r.getStatus() != TxnStatus.PENDING && r.getStatus() != TxnStatus.COMMITTED
                && r.getStatus() != TxnStatus.ABORTED) {
            throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, what + ": no status");
        }
        if (r.getStatus() == TxnStatus.COMMITTED && !r.hasCommitTs()) {
            throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, what + ": no commit timestamp");
        }
        List<byte[]> keys = new ArrayList<>();
        for (ByteString k : r.getKeysList()) keys.add(ev.userKey(k, what));
        resolve(ev, txn, r.getStatus(), r.hasCommitTs() ? Eval.ts(r.getCommitTs()) : null, keys);
        if (r.getRemoveRecord()) {
            byte[] anchor = ev.userKey(txn.getAnchorKey(), what);
            TxnRecord record = KeyReads.record(ev.reader, anchor, txn.getId().toByteArray());
            if (record != null && record.getStatus() != TxnStatus.PENDING) {
                ev.delete(MvccKeys.txnRecordKey(anchor, txn.getId().toByteArray()));
                return ev.written(ev.kv().setTxnRecord(record).setDeleted(1));
            }
        }
        return ev.written(ev.kv());
    }

    /**
     * Whether an absent record may have existed and been removed, so must not be created again:
     * the transaction's timestamp is at or below the leaseholder's mark for it (or, after a lease
     * change, the new timestamp cache's start), or below the range's GC threshold (GC removes
     * old ABORTED records).
     */
    static boolean mayHaveBeenRemoved(Eval ev, TxnMeta txn) {
        Timestamp ts = Eval.ts(txn.getWriteTs());
        return ts.compareTo(ev.ctx.writeFloor()) < 0 || !ts.isAfter(ev.ctx.gcThreshold());
    }

    /** What a removed (or never creatable) record reads as: finished, ABORTED, nothing written. */
    private static TxnRecord removed(TxnMeta txn) {
        return TxnRecord.newBuilder().setMeta(txn).setStatus(TxnStatus.ABORTED)
                .setAbortReason("the transaction record was removed (the transaction finished), or may have been").build();
    }

    /**
     * Resolves the intents of {@code txn} at {@code keys}; intents of other transactions, and
     * keys without one, are left alone. An intent of an earlier epoch than a committed
     * transaction's is not part of what committed: it is removed.
     */
    private static void resolve(Eval ev, TxnMeta txn, TxnStatus status, Timestamp commitTs, List<byte[]> keys) {
        for (byte[] key : keys) {
            byte[] stored = ev.reader.get(MvccKeys.intentKey(key));
            if (stored == null) continue;
            Intent intent = KeyReads.parseIntent(key, stored);
            if (!intent.getTxn().getId().equals(txn.getId())) continue;
            switch (status) {
                case COMMITTED -> {
                    ev.delete(MvccKeys.intentKey(key));
                    if (intent.getTxn().getEpoch() >= txn.getEpoch()) {
                        ev.put(MvccKeys.versionKey(key, commitTs), intent.getTombstone() ? MvccKeys.tombstone()
                                : MvccKeys.encodeValue(intent.getValue().toByteArray()));
                    }
                }
                case ABORTED -> ev.delete(MvccKeys.intentKey(key));
                case PENDING -> {
                    Timestamp to = Timestamp.max(Eval.ts(intent.getTxn().getWriteTs()), Eval.ts(txn.getWriteTs()));
                    if (to.isAfter(Eval.ts(intent.getTxn().getWriteTs()))) {
                        Intent moved = intent.toBuilder()
                                .setTxn(intent.getTxn().toBuilder().setWriteTs(to.toProto())).build();
                        ev.put(MvccKeys.intentKey(key), moved.toByteArray());
                    }
                }
                default -> throw new IllegalStateException("resolve to " + status);
            }
        }
    }

    // ---- shared ----

    private static TxnMeta checkTxn(Eval ev, TxnMeta txn, String what) {
        if (txn.getId().size() != MvccKeys.TXN_ID_BYTES) {
            throw ev.refuse(ErrorResponse.Code.BAD_REQUEST, what + ": a transaction id is " + MvccKeys.TXN_ID_BYTES
                    + " bytes, got " + txn.getId().size());
        }
        return txn;
    }

    private static void writeRecord(Eval ev, byte[] anchor, TxnRecord record) {
        ev.put(MvccKeys.txnRecordKey(anchor, record.getMeta().getId().toByteArray()), record.toByteArray());
    }
}
