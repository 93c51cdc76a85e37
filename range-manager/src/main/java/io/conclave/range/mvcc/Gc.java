package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.MvccGc;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.storage.KeyValue;
import java.util.Arrays;
import java.util.List;

/**
 * mvcc_gc: for each user key of a page, every version older than the newest version at or below
 * the threshold is removed, and that version too if it is a tombstone. A read at or above the
 * threshold sees the newest version at or below its timestamp, which is either above the
 * threshold (kept) or that newest-at-threshold version (kept unless a tombstone, which reads as
 * absent anyway): what such reads see does not change. Intents are never touched; an ABORTED
 * transaction record last heartbeated (or begun) at or below the threshold is removed: an intent
 * it left behind reads, when met, as that of a removed record (TxnOps.mayHaveBeenRemoved), which
 * is aborted. A COMMITTED record is removed by its coordinator once every intent is resolved
 * (txn_resolve remove_record). If the coordinator died first, the record is abandoned: GC cannot
 * know from here whether intents in other ranges are resolved, so it reports the record (last
 * heartbeat or commit at or below the threshold, expired, and listing its intent keys) in
 * abandoned_records, and the caller resolves those keys and then removes the record the way the
 * coordinator would, with the same removal mark. A record listing no keys stays: removing it
 * while an intent of it remains would make that intent read as aborted, losing a commit.
 */
final class Gc {
    /** User keys per command when the request does not say. */
    static final int DEFAULT_MAX_KEYS = 1_000;
    /**
     * Store rows one command examines before it stops at the next key boundary: the command runs
     * on every replica inside one write batch, so its work needs a bound even for a page of keys
     * with long histories. A single key's history is always finished, so every command makes
     * progress.
     */
    static final int MAX_ROWS = 100_000;
    /**
     * Bytes of abandoned COMMITTED records one command reports; once reached, the page ends at
     * the next key boundary, and a record that would pass it waits for a later round. Each record
     * lists at most its coordinator's bound of keys (64 KiB), and the reply must stay well inside
     * a message.
     */
    static final int MAX_ABANDONED_RECORD_BYTES = 256 * 1024;

    private Gc() {}

    static Evaluation gc(Eval ev, MvccGc gc) {
        KvResponse.Builder kv = ev.kv();
        byte[][] span = ev.clip(gc.getStartKey(), com.google.protobuf.ByteString.EMPTY);
        if (span == null) return ev.written(kv.setDeleted(0));
        Timestamp threshold = Eval.ts(gc.getThreshold());
        int maxKeys = gc.getMaxKeys() == 0 ? DEFAULT_MAX_KEYS : gc.getMaxKeys();
        byte[] position = MvccKeys.encode(span[0]);
        byte[] end = MvccKeys.storeKey(span[1]);
        byte[] current = null;
        boolean keptOne = false;
        int keys = 0;
        long rows = 0;
        long deleted = 0;
        long abandonedBytes = 0;
        boolean abandonedFull = false;
        while (true) {
            List<KeyValue> page = ev.reader.scan(position, end, KeyCursor.PAGE_ROWS);
            for (KeyValue row : page) {
                MvccKeys.Decoded d = MvccKeys.decode(row.key());
                if (current == null || !Arrays.equals(current, d.userKey())) {
                    if (keys >= maxKeys || rows >= MAX_ROWS || abandonedFull) {
                        return ev.written(kv.setDeleted(deleted).setGcResumeKey(Replies.bytes(d.userKey())));
                    }
                    current = d.userKey();
                    keptOne = false;
                    keys++;
                }
                rows++;
                if (d.kind() == MvccKeys.Kind.RECORD) {
                    TxnRecord r = KeyReads.parseRecord(d.userKey(), row.value());
                    if (abortedBefore(r, threshold)) {
                        ev.delete(row.key());
                        deleted++;
                    } else if (abandonedCommitted(r, threshold, ev.ctx.now())) {
                        if (abandonedBytes + r.getSerializedSize() <= MAX_ABANDONED_RECORD_BYTES) {
                            kv.addAbandonedRecords(r);
                            abandonedBytes += r.getSerializedSize();
                        } else {
                            abandonedFull = true;
                        }
                    }
                    continue;
                }
                if (d.kind() != MvccKeys.Kind.VERSION || d.ts().isAfter(threshold)) continue;
                if (!keptOne) {
                    keptOne = true;
                    if (!MvccKeys.isTombstone(row.value())) continue;
                }
                ev.delete(row.key());
                deleted++;
            }
            if (page.size() < KeyCursor.PAGE_ROWS) break;
            position = Keys.next(page.get(page.size() - 1).key());
        }
        return ev.written(kv.setDeleted(deleted));
    }

    private static boolean abortedBefore(TxnRecord r, Timestamp threshold) {
        return r.getStatus() == TxnStatus.ABORTED && !lastActive(r).isAfter(threshold);
    }

    /**
     * A COMMITTED record listing its intent keys whose last heartbeat and commit are at or below
     * the threshold and older than the expiration at {@code now}: its coordinator is not coming
     * back to finish (a live one removes the record right after resolving, and a duplicate
     * resolution or removal is harmless).
     */
    private static boolean abandonedCommitted(TxnRecord r, Timestamp threshold, Timestamp now) {
        if (r.getStatus() != TxnStatus.COMMITTED || r.getIntentKeysCount() == 0) return false;
        Timestamp last = Timestamp.max(lastActive(r), Eval.ts(r.getCommitTs()));
        return !last.isAfter(threshold) && now.wallNanos() - last.wallNanos() > MvccEvaluator.TXN_EXPIRATION_NANOS;
    }

    private static Timestamp lastActive(TxnRecord r) {
        Timestamp last = Eval.ts(r.hasLastHeartbeat() ? r.getLastHeartbeat() : r.getMeta().getMinTs());
        return Timestamp.max(last, Eval.ts(r.getMeta().getWriteTs()));
    }
}
