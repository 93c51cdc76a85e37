package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.MvccGc;
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
 * is aborted. COMMITTED records are removed only by their coordinator once every intent is
 * resolved (txn_resolve remove_record): GC cannot know that.
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
        while (true) {
            List<KeyValue> page = ev.reader.scan(position, end, KeyCursor.PAGE_ROWS);
            for (KeyValue row : page) {
                MvccKeys.Decoded d = MvccKeys.decode(row.key());
                if (current == null || !Arrays.equals(current, d.userKey())) {
                    if (keys >= maxKeys || rows >= MAX_ROWS) {
                        return ev.written(kv.setDeleted(deleted).setGcResumeKey(Replies.bytes(d.userKey())));
                    }
                    current = d.userKey();
                    keptOne = false;
                    keys++;
                }
                rows++;
                if (d.kind() == MvccKeys.Kind.RECORD) {
                    if (abortedBefore(d.userKey(), row.value(), threshold)) {
                        ev.delete(row.key());
                        deleted++;
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

    private static boolean abortedBefore(byte[] anchor, byte[] stored, Timestamp threshold) {
        io.conclave.range.rpc.TxnRecord r = KeyReads.parseRecord(anchor, stored);
        if (r.getStatus() != io.conclave.range.rpc.TxnStatus.ABORTED) return false;
        Timestamp last = Eval.ts(r.hasLastHeartbeat() ? r.getLastHeartbeat() : r.getMeta().getMinTs());
        return !Timestamp.max(last, Eval.ts(r.getMeta().getWriteTs())).isAfter(threshold);
    }
}
