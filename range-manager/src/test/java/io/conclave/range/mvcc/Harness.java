package io.conclave.range.mvcc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.Keys;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvDelete;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.TxnGet;
import io.conclave.range.rpc.TxnHeartbeat;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnResolve;
import io.conclave.range.rpc.TxnScan;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.range.rpc.TxnWrite;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** One range [USER_START, KEY_MAX) over a {@link MemStore}, with request builders for the tests. */
final class Harness {
    static final long NODE = 7;
    static final long RANGE = 2;

    final MemStore store = new MemStore();
    final MvccEvaluator evaluator;
    byte[] rangeStart = Keys.USER_START;
    byte[] rangeEnd = Keys.KEY_MAX;
    Timestamp writeFloor = Timestamp.MIN;
    Timestamp leaseStart = Timestamp.MIN;
    Timestamp gcThreshold = Timestamp.MIN;

    Harness() {
        this(1_000);
    }

    Harness(int maxScanRows) {
        this(maxScanRows, ScanFilters.NONE);
    }

    Harness(int maxScanRows, ScanFilters filters) {
        evaluator = new MvccEvaluator(maxScanRows, filters);
    }

    static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ByteString b(String s) {
        return ByteString.copyFromUtf8(s);
    }

    static Timestamp t(long wall) {
        return new Timestamp(wall, 0);
    }

    static Timestamp t(long wall, int logical) {
        return new Timestamp(wall, logical);
    }

    EvalContext ctx(Timestamp now) {
        return new EvalContext(now, writeFloor, NODE, leaseStart, gcThreshold, MvccEvaluator.TXN_EXPIRATION_NANOS);
    }

    Evaluation run(KvRequest.Builder req, Timestamp now) {
        Evaluation e = evaluator.evaluate(req.setRangeId(RANGE).build(), rangeStart, rangeEnd, store, store, ctx(now));
        if (e.reply().hasKvResponse()) {
            KvResponse kv = e.reply().getKvResponse();
            assertTrue(kv.getNodeId() == NODE && Timestamp.fromProto(kv.getNodeNow()).equals(now), () -> "node id and now: " + kv);
        } else {
            assertTrue(!e.wroteSomething(), () -> "a failed evaluation wrote: " + e.reply());
        }
        return e;
    }

    static KvResponse ok(Evaluation e) {
        assertTrue(e.reply().hasKvResponse(), () -> "expected success, got " + e.reply());
        return e.reply().getKvResponse();
    }

    static ErrorResponse err(Evaluation e, ErrorResponse.Code code) {
        assertTrue(e.reply().hasError() && e.reply().getError().getCode() == code,
                () -> "expected " + code + ", got " + e.reply());
        return e.reply().getError();
    }

    // ---- non-transactional ----

    Evaluation put(String key, String value, long now) {
        return run(KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(b(key)).setValue(b(value))), t(now));
    }

    Evaluation delete(String key, long now) {
        return run(KvRequest.newBuilder().setDelete(KvDelete.newBuilder().setKey(b(key))), t(now));
    }

    Evaluation get(String key, long now) {
        return run(KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(b(key))), t(now));
    }

    /** The value a non-transactional get at {@code now} sees, or null. */
    String value(String key, long now) {
        KvResponse r = ok(get(key, now));
        return r.getFound() ? r.getValue().toStringUtf8() : null;
    }

    Evaluation scan(String start, String end, int limit, long now) {
        return run(KvRequest.newBuilder().setScan(KvScan.newBuilder().setStartKey(b(start)).setEndKey(b(end))
                .setLimit(limit)), t(now));
    }

    static List<String> keys(KvResponse r) {
        List<String> out = new ArrayList<>();
        r.getPairsList().forEach(p -> out.add(p.getKey().toStringUtf8() + "=" + p.getValue().toStringUtf8()));
        return out;
    }

    // ---- transactions ----

    static TxnMeta txn(int n, Timestamp writeTs, Timestamp minTs, String anchor) {
        byte[] id = new byte[16];
        id[15] = (byte) n;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(id)).setAnchorKey(b(anchor)).setWriteTs(writeTs.toProto())
                .setMinTs(minTs.toProto()).build();
    }

    static TxnReadOptions readAt(TxnMeta txn, Timestamp readTs, Timestamp limit, Timestamp observed) {
        TxnReadOptions.Builder r = TxnReadOptions.newBuilder().setReadTs(readTs.toProto());
        if (txn != null) r.setTxn(txn);
        if (limit != null) r.setUncertaintyLimit(limit.toProto());
        if (observed != null) r.setObservedTs(observed.toProto());
        return r.build();
    }

    Evaluation txnGet(String key, TxnReadOptions read, long now) {
        return run(KvRequest.newBuilder().setTxnGet(TxnGet.newBuilder().setKey(b(key)).setRead(read)), t(now));
    }

    Evaluation txnScan(String start, String end, int limit, TxnReadOptions read, long now) {
        return run(KvRequest.newBuilder().setTxnScan(TxnScan.newBuilder().setStartKey(b(start)).setEndKey(b(end))
                .setLimit(limit).setRead(read)), t(now));
    }

    Evaluation prepare(TxnMeta txn, boolean onePhase, long now, String... keyValues) {
        TxnPrepare.Builder p = TxnPrepare.newBuilder().setTxn(txn).setOnePhase(onePhase);
        for (int i = 0; i < keyValues.length; i += 2) {
            TxnWrite.Builder w = TxnWrite.newBuilder().setKey(b(keyValues[i]));
            if (keyValues[i + 1] == null) w.setTombstone(true);
            else w.setValue(b(keyValues[i + 1]));
            p.addWrites(w);
        }
        return run(KvRequest.newBuilder().setTxnPrepare(p), t(now));
    }

    Evaluation heartbeat(TxnMeta txn, long now) {
        return run(KvRequest.newBuilder().setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(txn)), t(now));
    }

    Evaluation end(TxnMeta txn, boolean commit, Timestamp commitTs, long now, String... resolveKeys) {
        TxnEnd.Builder e = TxnEnd.newBuilder().setTxn(txn).setCommit(commit);
        if (commitTs != null) e.setCommitTs(commitTs.toProto());
        for (String k : resolveKeys) e.addResolveKeys(b(k));
        return run(KvRequest.newBuilder().setTxnEnd(e), t(now));
    }

    Evaluation resolve(TxnMeta txn, TxnStatus status, Timestamp commitTs, long now, String... keys) {
        TxnResolve.Builder r = TxnResolve.newBuilder().setTxn(txn).setStatus(status);
        if (commitTs != null) r.setCommitTs(commitTs.toProto());
        for (String k : keys) r.addKeys(b(k));
        return run(KvRequest.newBuilder().setTxnResolve(r), t(now));
    }
}
