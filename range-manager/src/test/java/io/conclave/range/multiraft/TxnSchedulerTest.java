package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.SystemClock;
import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.MvccGc;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.TxnGet;
import io.conclave.range.rpc.TxnHeartbeat;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnReadOptions;
import io.conclave.range.rpc.TxnResolve;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.range.rpc.TxnWrite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions through a real scheduler on real stores (an in-JVM 3-node cluster, one user
 * range): prepare, commit with commit-wait, resolve, reads behind latches, the timestamp cache,
 * the node's clock reading and GC. The MVCC semantics themselves are the engine's tests'.
 */
class TxnSchedulerTest {
    private static final long RANGE = 2;
    /** LocalCluster's steady elections: each test talks to one leaseholder. */
    private static final SchedulerSettings STEADY = SchedulerSettings.defaults();

    @TempDir
    Path dir;

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s.getBytes(UTF_8));
    }

    private static TxnMeta txn(int id, String anchor, Timestamp ts) {
        byte[] bytes = new byte[16];
        bytes[15] = (byte) id;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(bytes)).setAnchorKey(bs(anchor))
                .setWriteTs(ts.toProto()).setMinTs(ts.toProto()).build();
    }

    private static KvRequest req(KvRequest.Builder b) {
        return b.setRangeId(RANGE).build();
    }

    private static KvRequest prepare(TxnMeta txn, String... keyValues) {
        TxnPrepare.Builder p = TxnPrepare.newBuilder().setTxn(txn);
        for (int i = 0; i < keyValues.length; i += 2) {
            p.addWrites(TxnWrite.newBuilder().setKey(bs(keyValues[i])).setValue(bs(keyValues[i + 1])));
        }
        return req(KvRequest.newBuilder().setTxnPrepare(p));
    }

    private static KvRequest txnGet(TxnMeta txn, String key, Timestamp readTs) {
        TxnReadOptions.Builder read = TxnReadOptions.newBuilder().setReadTs(readTs.toProto());
        if (txn != null) read.setTxn(txn);
        return req(KvRequest.newBuilder().setTxnGet(TxnGet.newBuilder().setKey(bs(key)).setRead(read)));
    }

    private static KvRequest get(String key) {
        return req(KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(bs(key))));
    }

    private static KvRequest put(String key, String value) {
        return req(KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(bs(key)).setValue(bs(value))));
    }

    /** The range's leaseholder, once there is one (a write acquires it). */
    private static long holder(LocalCluster cluster) throws Exception {
        long[] found = {0};
        LocalCluster.await("a leaseholder of range 2", () -> {
            SplitTest.send(cluster, put("warm-up", "x"));
            found[0] = LeaseTest.holder(cluster, RANGE);
            return found[0] != 0;
        });
        return found[0];
    }


    /** Sends to whichever node serves the request (following hints); returns the first real answer. */
    private static RangeReply serve(LocalCluster cluster, KvRequest req) throws Exception {
        long node = 1;
        RangeReply last = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (int attempt = 0; attempt < 2_000 && System.nanoTime() < deadline; attempt++) {
            last = cluster.kv(node, req);
            ErrorResponse.Code code = last.hasError() ? last.getError().getCode() : null;
            if (code != ErrorResponse.Code.NOT_LEASEHOLDER && code != ErrorResponse.Code.PROPOSAL_DROPPED
                    && code != ErrorResponse.Code.TIMEOUT && code != ErrorResponse.Code.RANGE_NOT_FOUND) {
                return last;
            }
            long hint = last.getError().getLeaderHint();
            node = hint != 0 && hint != node ? hint : node % cluster.nodeIds().size() + 1;
            TimeUnit.MILLISECONDS.sleep(10);
        }
        throw new AssertionError("no node served " + req + "; last answer " + last);
    }

    private static RangeReply ok(RangeReply reply) {
        assertTrue(reply.hasKvResponse(), reply.toString());
        return reply;
    }

    @Test
    void aTransactionPreparesCommitsAfterCommitWaitAndResolves() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, STEADY, 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            Timestamp start = cluster.now(lh);
            TxnMeta t = txn(1, "a", start);
            RangeReply hb = ok(cluster.kv(lh, req(KvRequest.newBuilder().setTxnHeartbeat(
                    TxnHeartbeat.newBuilder().setTxn(t)))));
            assertEquals(TxnStatus.PENDING, hb.getKvResponse().getTxnRecord().getStatus());

            RangeReply prepared = ok(cluster.kv(lh, prepare(t, "a", "1", "b", "2")));
            assertEquals(lh, prepared.getKvResponse().getNodeId());
            Timestamp writeTs = Timestamp.fromProto(prepared.getKvResponse().getWriteTs());
            assertFalse(writeTs.isBefore(start));

            // Others meet the intents; the transaction reads its own writes.
            RangeReply blocked = cluster.kv(lh, get("a"));
            assertEquals(ErrorResponse.Code.WRITE_INTENT, blocked.getError().getCode(), blocked.toString());
            RangeReply own = ok(cluster.kv(lh, txnGet(t, "a", writeTs)));
            assertEquals("1", own.getKvResponse().getValue().toStringUtf8());

            // Commit 1.2 s in the future: the answer waits until it is past on every clock. So long,
            // so that on a loaded machine the put below and the commit's own evaluation
            // still take far less than the wait; and longer than the request's deadline, which
            // must not turn the applied commit into AMBIGUOUS_RESULT while it waits.
            long waitNanos = 1_200_000_000L;
            assertTrue(waitNanos > SchedulerSettings.defaults().requestTimeoutTicks() * LocalCluster.TICK_MILLIS * 1_000_000L);
            Timestamp commitTs = Timestamp.max(writeTs, cluster.now(lh)).addNanos(waitNanos);
            long sent = System.nanoTime();
            CompletableFuture<RangeReply> ending = new CompletableFuture<>();
            cluster.schedulers.get(lh).submitKv(req(KvRequest.newBuilder().setTxnEnd(TxnEnd.newBuilder()
                    .setTxn(t).setCommit(true).setCommitTs(commitTs.toProto()).addResolveKeys(bs("a"))
                    .setCommitWait(true))), ending::complete);
            // The scheduler goes on serving while the commit waits.
            ok(cluster.kv(lh, put("elsewhere", "x")));
            assertFalse(ending.isDone(), "the commit was answered before its commit-wait");
            RangeReply committed = ok(ending.get(5, TimeUnit.SECONDS));
            long tookNanos = System.nanoTime() - sent;
            assertEquals(TxnStatus.COMMITTED, committed.getKvResponse().getTxnRecord().getStatus());
            assertTrue(committed.getKvResponse().getCommitWaitNanos() > 200_000_000L, committed.toString());
            assertTrue(tookNanos >= committed.getKvResponse().getCommitWaitNanos(), tookNanos + " ns");
            // The nodes' physical clock, at its resolution: currentTimeMillis rounds down by up to
            // a millisecond, and the answer may come within one of the moment the wait ends.
            assertTrue(SystemClock.INSTANCE.nowNanos() > commitTs.wallNanos() + LocalCluster.MAX_OFFSET_NANOS,
                    "answered before the commit timestamp was past on every clock");

            ok(cluster.kv(lh, req(KvRequest.newBuilder().setTxnResolve(TxnResolve.newBuilder().setTxn(t)
                    .setStatus(TxnStatus.COMMITTED).setCommitTs(commitTs.toProto()).addKeys(bs("b"))))));
            assertEquals("1", ok(cluster.kv(lh, get("a"))).getKvResponse().getValue().toStringUtf8());
            assertEquals("2", ok(cluster.kv(lh, get("b"))).getKvResponse().getValue().toStringUtf8());
            // Below the commit timestamp the writes are not there.
            assertFalse(ok(cluster.kv(lh, txnGet(null, "a", writeTs))).getKvResponse().getFound());
            for (long id : cluster.nodeIds()) {
                LocalCluster.await("node " + id + " to apply the resolution",
                        () -> cluster.storedValue(id, "b".getBytes(UTF_8)) != null);
                assertArrayEquals("1".getBytes(UTF_8), cluster.storedValue(id, "a".getBytes(UTF_8)));
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    /**
     * The commit-wait of a one-phase commit starts when it is proposed (it commits at its write
     * timestamp or not at all); the answer must still wait until that timestamp is past on every
     * clock, and one the timestamp cache pushes must not commit.
     */
    @Test
    void aOnePhaseCommitStartsItsWaitEarlyButAnswersOnlyOnceItsTimestampHasPassed() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, STEADY, 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            long waitNanos = 1_200_000_000L;
            Timestamp writeTs = cluster.now(lh).addNanos(waitNanos);
            TxnMeta t = txn(3, "p", writeTs);
            KvRequest onePhase = req(KvRequest.newBuilder().setTxnPrepare(prepare(t, "p", "1").getTxnPrepare()
                    .toBuilder().setOnePhase(true).setCommitWait(true)));
            long sent = System.nanoTime();
            CompletableFuture<RangeReply> answer = new CompletableFuture<>();
            cluster.schedulers.get(lh).submitKv(onePhase, answer::complete);
            ok(cluster.kv(lh, put("elsewhere", "x")));
            assertFalse(answer.isDone(), "the one-phase commit was answered before its commit-wait");
            RangeReply committed = ok(answer.get(5, TimeUnit.SECONDS));
            long tookNanos = System.nanoTime() - sent;
            assertTrue(committed.getKvResponse().getCommitted(), committed.toString());
            assertTrue(SystemClock.INSTANCE.nowNanos() > writeTs.wallNanos() + LocalCluster.MAX_OFFSET_NANOS,
                    "answered before the commit timestamp was past on every clock");
            // Reported: the part of the wait left after the apply, so never more than it took.
            assertTrue(committed.getKvResponse().getCommitWaitNanos() > 200_000_000L, committed.toString());
            assertTrue(tookNanos >= committed.getKvResponse().getCommitWaitNanos(), tookNanos + " ns");

            // Read above its timestamp: a one-phase write below that read is pushed and does not commit.
            Timestamp now = cluster.now(lh);
            ok(cluster.kv(lh, txnGet(txn(4, "r", now), "q", now.addNanos(1_000_000))));
            RangeReply pushed = cluster.kv(lh, req(KvRequest.newBuilder().setTxnPrepare(
                    prepare(txn(5, "q", now), "q", "2").getTxnPrepare().toBuilder().setOnePhase(true).setCommitWait(true))));
            assertEquals(ErrorResponse.Code.TXN_RETRY, pushed.getError().getCode(), pushed.toString());
            assertFalse(ok(cluster.kv(lh, get("q"))).getKvResponse().getFound());
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void aReadOverlappingAWriteInFlightGoesThroughTheLogAndSeesIt() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, STEADY, 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            Scheduler s = cluster.schedulers.get(lh);
            int seen = 0;
            for (int round = 0; round < 20 && seen == 0; round++) {
                Timestamp ts = cluster.now(lh);
                TxnMeta writer = txn(10 + round, "w" + round, ts);
                long throughLogBefore = s.readsThroughLog();
                CompletableFuture<RangeReply> write = new CompletableFuture<>();
                CompletableFuture<RangeReply> read = new CompletableFuture<>();
                // Back to back: the read arrives while the prepare is proposed, not applied.
                s.submitKv(prepare(writer, "w" + round, "v"), write::complete);
                s.submitKv(txnGet(txn(99, "r", ts), "w" + round,
                        ts.addNanos(LocalCluster.MAX_OFFSET_NANOS / 2)), read::complete);
                ok(write.get(5, TimeUnit.SECONDS));
                RangeReply r = read.get(5, TimeUnit.SECONDS);
                assertEquals(ErrorResponse.Code.WRITE_INTENT, r.getError().getCode(), r.toString());
                assertEquals(writer.getId(), r.getError().getIntents(0).getTxn().getId());
                if (s.readsThroughLog() > throughLogBefore) seen++;
            }
            assertTrue(seen > 0, "no read ever overlapped a write in flight");
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void writesLandAboveReadsOfOtherTransactionsAndTheNodeAnswersItsClock() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, STEADY, 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            Timestamp ts = cluster.now(lh);
            Timestamp readTs = ts.addNanos(30_000_000L);
            TxnMeta reader = txn(1, "c", ts);
            ok(cluster.kv(lh, txnGet(reader, "c", readTs)));
            ok(cluster.kv(lh, txnGet(reader, "d", readTs)));

            RangeReply plain = ok(cluster.kv(lh, put("c", "x")));
            assertTrue(Timestamp.fromProto(plain.getKvResponse().getWriteTs()).isAfter(readTs), plain.toString());
            RangeReply other = ok(cluster.kv(lh, prepare(txn(2, "c", ts), "c", "y")));
            assertTrue(Timestamp.fromProto(other.getKvResponse().getWriteTs()).isAfter(readTs), other.toString());
            // The reader's own read does not push its own write.
            RangeReply own = ok(cluster.kv(lh, prepare(reader, "d", "z")));
            assertEquals(ts, Timestamp.fromProto(own.getKvResponse().getWriteTs()));

            Timestamp later = cluster.now(lh);
            assertTrue(later.isAfter(ts));
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void gcRaisesTheThresholdOnEveryReplicaAndOlderReadsAreRefused() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, STEADY, 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            ok(cluster.kv(lh, put("g", "1")));
            Timestamp between = cluster.now(lh);
            ok(cluster.kv(lh, put("g", "2")));
            Timestamp threshold = cluster.now(lh);
            List<RangeReply> pages = new ArrayList<>();
            pages.add(ok(cluster.kv(lh, req(KvRequest.newBuilder().setMvccGc(MvccGc.newBuilder()
                    .setThreshold(threshold.toProto()).setMaxKeys(1000))))));
            assertTrue(pages.get(0).getKvResponse().getGcResumeKey().isEmpty(), pages.toString());
            RangeReply old = cluster.kv(lh, txnGet(null, "g", between));
            assertEquals(ErrorResponse.Code.GC_THRESHOLD, old.getError().getCode(), old.toString());
            assertEquals("2", ok(cluster.kv(lh, get("g"))).getKvResponse().getValue().toStringUtf8());
            for (long id : cluster.nodeIds()) {
                LocalCluster.await("node " + id + " to store the threshold",
                        () -> cluster.stores.get(id).get(io.conclave.range.Keys.rangeGcThresholdKey(RANGE)).isPresent());
            }
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }

    @Test
    void aSplitMovesIntentsRecordsAndTheGcThresholdAndRefusesRefreshSpansAcrossIt() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, STEADY, 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            Timestamp threshold = cluster.now(lh);
            ok(cluster.kv(lh, req(KvRequest.newBuilder().setMvccGc(MvccGc.newBuilder()
                    .setThreshold(threshold.toProto()).setMaxKeys(1000)))));
            Timestamp start = cluster.now(lh);
            TxnMeta t = txn(7, "p", start);
            ok(cluster.kv(lh, req(KvRequest.newBuilder().setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(t)))));
            Timestamp writeTs = Timestamp.fromProto(ok(cluster.kv(lh, prepare(t, "a", "1", "p", "2")))
                    .getKvResponse().getWriteTs());

            RangeReply split = SplitTest.split(cluster, RANGE, "m".getBytes(UTF_8), 3, 0);
            assertTrue(split.hasAdminResponse(), split.toString());
            // The refresh span [a, z) no longer fits range 2: refused, not clipped.
            RangeReply refresh = cluster.kv(lh, req(KvRequest.newBuilder().setTxnRefresh(
                    io.conclave.range.rpc.TxnRefresh.newBuilder().setTxn(t).setFromTs(start.toProto())
                            .setToTs(writeTs.toProto()).addSpans(io.conclave.range.rpc.KeySpan.newBuilder()
                                    .setStartKey(bs("a")).setEndKey(bs("z"))))));
            assertEquals(ErrorResponse.Code.RANGE_KEY_MISMATCH, refresh.getError().getCode(), refresh.toString());

            // The record (anchor p) and the intent of p moved to range 3, with the GC threshold.
            KvRequest end = KvRequest.newBuilder().setRangeId(3).setTxnEnd(TxnEnd.newBuilder().setTxn(t).setCommit(true)
                    .setCommitTs(writeTs.toProto()).addResolveKeys(bs("p"))).build();
            RangeReply committed = serve(cluster, end);
            assertEquals(TxnStatus.COMMITTED, ok(committed).getKvResponse().getTxnRecord().getStatus());
            ok(serve(cluster, req(KvRequest.newBuilder().setTxnResolve(TxnResolve.newBuilder().setTxn(t)
                    .setStatus(TxnStatus.COMMITTED).setCommitTs(writeTs.toProto()).addKeys(bs("a"))))));
            RangeReply p = ok(serve(cluster, KvRequest.newBuilder().setRangeId(3)
                    .setGet(KvGet.newBuilder().setKey(bs("p"))).build()));
            assertEquals("2", p.getKvResponse().getValue().toStringUtf8());
            assertEquals("1", ok(serve(cluster, get("a"))).getKvResponse().getValue().toStringUtf8());
            RangeReply old = serve(cluster, KvRequest.newBuilder().setRangeId(3).setTxnGet(TxnGet.newBuilder()
                    .setKey(bs("q")).setRead(TxnReadOptions.newBuilder().setReadTs(threshold.prev().toProto())))
                    .build());
            assertEquals(ErrorResponse.Code.GC_THRESHOLD, old.getError().getCode(), old.toString());
            assertTrue(cluster.fatal.isEmpty(), cluster.fatal.toString());
        }
    }
}
