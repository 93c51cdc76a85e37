package io.conclave.range.mvcc;

import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.RangeReply;
import java.util.List;

/** One request being evaluated: its inputs, a writer that remembers whether it was used, and answers. */
final class Eval {
    final KvRequest req;
    final byte[] rangeStart;
    final byte[] rangeEnd;
    final MvccReader reader;
    final EvalContext ctx;
    final int maxScanRows;
    final long rangeId;
    private final MvccWriter target;
    private boolean wrote;

    /** A refusal found before anything was written: the evaluation answers it as an error. */
    static final class Refusal extends RuntimeException {
        final transient ErrorResponse.Builder error;

        Refusal(ErrorResponse.Builder error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }

    Eval(KvRequest req, byte[] rangeStart, byte[] rangeEnd, MvccReader reader, MvccWriter writer, EvalContext ctx,
            int maxScanRows) {
        this.req = req;
        // User data never lies below USER_START, whatever the range's boundary says.
        this.rangeStart = Keys.compare(rangeStart, Keys.USER_START) < 0 ? Keys.USER_START : rangeStart;
        this.rangeEnd = rangeEnd;
        this.reader = reader;
        this.target = writer;
        this.ctx = ctx;
        this.maxScanRows = maxScanRows;
        this.rangeId = req.getRangeId();
    }

    // ---- writes ----

    void put(byte[] storeKey, byte[] value) {
        wrote = true;
        target.put(storeKey, value);
    }

    void delete(byte[] storeKey) {
        wrote = true;
        target.delete(storeKey);
    }

    boolean wrote() {
        return wrote;
    }

    // ---- answers ----

    Evaluation written(KvResponse.Builder kv) {
        return new Evaluation(Replies.reply(kv), List.of(), List.of(), Timestamp.MIN, wrote);
    }

    Evaluation read(KvResponse.Builder kv, List<byte[]> keys, List<byte[][]> spans, Timestamp readTs) {
        Invariants.check(!wrote, "range %s: a read of %s wrote", rangeId, req.getOpCase());
        return new Evaluation(Replies.reply(kv), keys, spans, readTs, false);
    }

    Evaluation failed(ErrorResponse.Builder error) {
        Invariants.check(!wrote, "range %s: %s failed with %s after writing", rangeId, req.getOpCase(),
                error.getCode());
        return new Evaluation(RangeReply.newBuilder().setError(error).build(), List.of(), List.of(), Timestamp.MIN,
                false);
    }

    Refusal refuse(ErrorResponse.Code code, String message) {
        return new Refusal(Replies.error(code, rangeId, message));
    }

    KvResponse.Builder kv() {
        return Replies.kv(ctx);
    }

    // ---- keys and spans ----

    /** The key if it is a user key of this range; otherwise refuses the request (BAD_REQUEST). */
    byte[] userKey(com.google.protobuf.ByteString key, String what) {
        byte[] k = key.toByteArray();
        if (k.length > Keys.MAX_KEY_BYTES) {
            throw refuse(ErrorResponse.Code.BAD_REQUEST, what + ": key of " + k.length + " bytes; the limit is "
                    + Keys.MAX_KEY_BYTES);
        }
        if (!Keys.contains(rangeStart, rangeEnd, k)) {
            throw refuse(ErrorResponse.Code.BAD_REQUEST, what + ": key " + Keys.pretty(k) + " is not a user key of range "
                    + rangeId + " [" + Keys.pretty(rangeStart) + ", " + Keys.pretty(rangeEnd) + ")");
        }
        return k;
    }

    /** [start, end) clipped to the range (an empty bound means the range's); null if nothing is left. */
    byte[][] clip(com.google.protobuf.ByteString start, com.google.protobuf.ByteString end) {
        byte[] s = start.isEmpty() || Keys.compare(start.toByteArray(), rangeStart) < 0 ? rangeStart : start.toByteArray();
        byte[] e = end.isEmpty() || Keys.compare(end.toByteArray(), rangeEnd) > 0 ? rangeEnd : end.toByteArray();
        return Keys.compare(s, e) < 0 ? new byte[][] {s, e} : null;
    }

    /** The limit of a scan: at most maxScanRows, which 0 means. */
    int scanLimit(int asked) {
        return asked == 0 ? maxScanRows : Math.min(asked, maxScanRows);
    }

    // ---- timestamps ----

    static Timestamp ts(TimestampProto proto) {
        return Timestamp.fromProto(proto);
    }

    /**
     * The timestamp a non-transactional write of keys whose newest version is {@code newest}
     * goes at: max(now, writeFloor), then above the newest version.
     */
    Timestamp nonTxnWriteTs(Timestamp newest) {
        Timestamp ts = Timestamp.max(ctx.now(), ctx.writeFloor());
        return newest != null && newest.compareTo(ts) >= 0 ? newest.next() : ts;
    }
}
