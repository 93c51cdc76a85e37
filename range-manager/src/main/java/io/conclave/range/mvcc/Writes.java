package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ConflictingIntent;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvConditionalPut;
import io.conclave.range.rpc.KvDeleteRange;
import io.conclave.range.rpc.KvResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The non-transactional writes: put, delete, conditional_put, increment, delete_range. Each
 * writes versions at one timestamp, max(now, writeFloor) moved above the newest version of every
 * key it writes, and fails with WRITE_INTENT (writing nothing) if any key it touches holds an
 * intent: it cannot know whether that transaction will commit below it.
 */
final class Writes {
    /**
     * Most live keys one delete_range tombstones. It is all-or-nothing (a write cannot stop
     * half-way and answer a resume key), so its size, evaluated on every replica in one batch,
     * needs a bound.
     */
    static final int DELETE_RANGE_MAX_KEYS = 10_000;
    /** Most user keys (live or not) one delete_range examines, for the same reason. */
    static final int DELETE_RANGE_MAX_EXAMINED = 100_000;

    private Writes() {}

    /** put (value non-null) or delete (value null). */
    static Evaluation put(Eval ev, com.google.protobuf.ByteString keyBytes, byte[] value, String what) {
        byte[] key = ev.userKey(keyBytes, what);
        KeyState s = KeyReads.read(ev.reader, key, Timestamp.MAX);
        refuseIntent(ev, s, what);
        Timestamp ts = ev.nonTxnWriteTs(s.version() == null ? null : s.version().ts());
        ev.put(MvccKeys.versionKey(key, ts), value == null ? MvccKeys.tombstone() : MvccKeys.encodeValue(value));
        return ev.written(ev.kv().setWriteTs(ts.toProto()));
    }

    static Evaluation conditionalPut(Eval ev, KvConditionalPut cp) {
        String what = "conditional put";
        byte[] key = ev.userKey(cp.getKey(), what);
        KeyState s = KeyReads.read(ev.reader, key, Timestamp.MAX);
        refuseIntent(ev, s, what);
        byte[] actual = s.liveValue();
        boolean matches = cp.getExpectAbsent() ? actual == null
                : actual != null && Arrays.equals(actual, cp.getExpectedValue().toByteArray());
        if (!matches) {
            ErrorResponse.Builder e = Replies.error(ErrorResponse.Code.CONDITION_FAILED, ev.rangeId, what + " of "
                    + Keys.pretty(key) + " in range " + ev.rangeId + ": "
                    + (actual != null ? "the key holds another value" : "the key is absent")).setFound(actual != null);
            if (actual != null) e.setActualValue(Replies.bytes(actual));
            return ev.failed(e);
        }
        Timestamp ts = ev.nonTxnWriteTs(s.version() == null ? null : s.version().ts());
        ev.put(MvccKeys.versionKey(key, ts), MvccKeys.encodeValue(cp.getValue().toByteArray()));
        return ev.written(ev.kv().setWriteTs(ts.toProto()));
    }

    static Evaluation increment(Eval ev, com.google.protobuf.ByteString keyBytes, long delta) {
        String what = "increment";
        byte[] key = ev.userKey(keyBytes, what);
        KeyState s = KeyReads.read(ev.reader, key, Timestamp.MAX);
        refuseIntent(ev, s, what);
        byte[] current = s.liveValue();
        if (current != null && current.length != 8) {
            return ev.failed(Replies.error(ErrorResponse.Code.BAD_REQUEST, ev.rangeId, what + " of " + Keys.pretty(key)
                    + ": its value is " + current.length + " bytes, not an 8-byte integer"));
        }
        long next = (current == null ? 0L : ByteBuffer.wrap(current).getLong()) + delta;
        byte[] value = ByteBuffer.allocate(8).putLong(next).array();
        Timestamp ts = ev.nonTxnWriteTs(s.version() == null ? null : s.version().ts());
        ev.put(MvccKeys.versionKey(key, ts), MvccKeys.encodeValue(value));
        return ev.written(ev.kv().setFound(true).setValue(Replies.bytes(value)).setWriteTs(ts.toProto()));
    }

    static Evaluation deleteRange(Eval ev, KvDeleteRange dr) {
        String what = "delete_range";
        byte[][] span = ev.clip(dr.getStartKey(), dr.getEndKey());
        if (span == null) return ev.written(ev.kv().setDeleted(0));
        KeyCursor cursor = new KeyCursor(ev.reader, span[0], span[1], Timestamp.MAX);
        List<byte[]> live = new ArrayList<>();
        List<ConflictingIntent> conflicts = new ArrayList<>();
        Timestamp newest = null;
        int examined = 0;
        for (KeyState s = cursor.next(); s != null; s = cursor.next()) {
            if (++examined > DELETE_RANGE_MAX_EXAMINED || live.size() >= DELETE_RANGE_MAX_KEYS && s.liveValue() != null) {
                return ev.failed(Replies.error(ErrorResponse.Code.BAD_REQUEST, ev.rangeId, what + " ["
                        + Keys.pretty(span[0]) + ", " + Keys.pretty(span[1]) + ") covers more than "
                        + DELETE_RANGE_MAX_KEYS + " live keys (or " + DELETE_RANGE_MAX_EXAMINED
                        + " keys in all) in range " + ev.rangeId + "; delete smaller spans"));
            }
            if (s.intent() != null) {
                conflicts.add(Reads.conflict(s));
            } else if (s.liveValue() != null) {
                live.add(s.userKey());
                newest = newest == null ? s.version().ts() : Timestamp.max(newest, s.version().ts());
            }
        }
        if (!conflicts.isEmpty()) return ev.failed(Replies.writeIntent(ev.rangeId, what, conflicts));
        KvResponse.Builder kv = ev.kv().setDeleted(live.size());
        if (!live.isEmpty()) {
            Timestamp ts = ev.nonTxnWriteTs(newest);
            for (byte[] key : live) ev.put(MvccKeys.versionKey(key, ts), MvccKeys.tombstone());
            kv.setWriteTs(ts.toProto());
        }
        return ev.written(kv);
    }

    private static void refuseIntent(Eval ev, KeyState s, String what) {
        if (s.intent() != null) {
            throw new Eval.Refusal(Replies.writeIntent(ev.rangeId, what, List.of(Reads.conflict(s))));
        }
    }
}
