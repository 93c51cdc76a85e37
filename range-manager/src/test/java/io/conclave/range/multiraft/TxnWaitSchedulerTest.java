package io.conclave.range.multiraft;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.mvcc.Deadlocks;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.TxnHeartbeat;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnQuery;
import io.conclave.range.rpc.TxnResolve;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.range.rpc.TxnWaitsFor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The txn wait queue on a real scheduler (an in-JVM 3-node cluster, one user range): a push that
 * cannot win waits on the leaseholder and is answered when the pushee finishes or its wait is
 * over; a query names who waits; two pushers waiting for each other lose the lower priority; a
 * finished record removed is not created again by a late request.
 */
class TxnWaitSchedulerTest {
    private static final long RANGE = 2;

    @TempDir
    Path dir;

    private static ByteString bs(String s) {
        return ByteString.copyFrom(s.getBytes(UTF_8));
    }

    private static TxnMeta txn(int id, String anchor, Timestamp minTs, int priority) {
        byte[] bytes = new byte[16];
        bytes[15] = (byte) id;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(bytes)).setAnchorKey(bs(anchor))
                .setWriteTs(minTs.toProto()).setMinTs(minTs.toProto()).setPriority(priority).build();
    }

    private static KvRequest req(KvRequest.Builder b) {
        return b.setRangeId(RANGE).build();
    }

    private static KvRequest heartbeat(TxnMeta t) {
        return req(KvRequest.newBuilder().setTxnHeartbeat(TxnHeartbeat.newBuilder().setTxn(t)));
    }

    private static KvRequest push(TxnMeta pusher, TxnMeta pushee, int waitMillis, List<TxnWaitsFor> edges) {
        return req(KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPusher(pusher).setPushee(pushee)
                .setType(PushType.PUSH_ABORT).setPushTo(pusher.getWriteTs()).setWaitMillis(waitMillis)
                .addAllWaitsFor(edges)));
    }

    private static KvRequest query(TxnMeta t) {
        return req(KvRequest.newBuilder().setTxnQuery(TxnQuery.newBuilder().setTxn(t)));
    }

    private static RangeReply ok(RangeReply r) {
        assertFalse(r.hasError(), () -> "unexpected error " + r.getError());
        return r;
    }

    private static long holder(LocalCluster cluster) throws Exception {
        long[] found = {0};
        LocalCluster.await("a leaseholder of range 2", () -> {
            SplitTest.send(cluster, req(KvRequest.newBuilder().setPut(KvPut.newBuilder().setKey(bs("warm-up"))
                    .setValue(bs("x")))));
            found[0] = LeaseTest.holder(cluster, RANGE);
            return found[0] != 0;
        });
        return found[0];
    }


    private static CompletableFuture<RangeReply> async(LocalCluster cluster, long node, KvRequest req) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return cluster.kv(node, req);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aWaitingPushIsAnsweredWhenThePusheeCommitsAndAnotherWhenItsWaitIsOver() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            Timestamp t0 = cluster.now(lh);
            TxnMeta holderTxn = txn(1, "a", t0, 0);
            TxnMeta waiter = txn(2, "b", t0.next(), 0);
            ok(cluster.kv(lh, heartbeat(holderTxn)));

            // Equal priority: an abort push waits (no wound-wait), here up to 2 s.
            CompletableFuture<RangeReply> waiting = async(cluster, lh, push(waiter, holderTxn, 2_000, List.of()));
            TimeUnit.MILLISECONDS.sleep(300);
            assertFalse(waiting.isDone(), "the push waits at the leaseholder");
            RangeReply q = ok(cluster.kv(lh, query(holderTxn)));
            assertEquals(TxnStatus.PENDING, q.getKvResponse().getTxnRecord().getStatus());
            assertEquals(1, q.getKvResponse().getWaitsForCount(), "the query names the waiter");
            assertEquals(waiter.getId(), q.getKvResponse().getWaitsFor(0).getWaiter().getId());

            long committedAt = System.nanoTime();
            ok(cluster.kv(lh, req(KvRequest.newBuilder().setTxnEnd(TxnEnd.newBuilder().setTxn(holderTxn)
                    .setCommit(true).setCommitTs(holderTxn.getWriteTs())))));
            RangeReply answered = waiting.get(5, TimeUnit.SECONDS);
            long afterCommitMillis = (System.nanoTime() - committedAt) / 1_000_000;
            assertTrue(ok(answered).getKvResponse().getPushed());
            assertEquals(TxnStatus.COMMITTED, answered.getKvResponse().getTxnRecord().getStatus());
            assertTrue(afterCommitMillis < 1_000, "answered when the pushee committed, " + afterCommitMillis + " ms after");

            // Its intents resolved (it had none), the record goes; a late heartbeat (or commit)
            // of it cannot bring it back: the leaseholder marked the removal in its timestamp cache.
            RangeReply removed = ok(cluster.kv(lh, req(KvRequest.newBuilder().setTxnResolve(TxnResolve.newBuilder()
                    .setTxn(holderTxn).setStatus(TxnStatus.COMMITTED).setCommitTs(holderTxn.getWriteTs())
                    .setRemoveRecord(true)))));
            assertEquals(1, removed.getKvResponse().getDeleted());
            assertFalse(ok(cluster.kv(lh, query(holderTxn))).getKvResponse().hasTxnRecord());
            assertEquals(ErrorResponse.Code.TXN_ABORTED, cluster.kv(lh, heartbeat(holderTxn)).getError().getCode());
            assertEquals(ErrorResponse.Code.TXN_ABORTED, cluster.kv(lh, req(KvRequest.newBuilder().setTxnEnd(
                    TxnEnd.newBuilder().setTxn(holderTxn).setCommit(true).setCommitTs(holderTxn.getWriteTs()))))
                    .getError().getCode());
            assertFalse(ok(cluster.kv(lh, query(holderTxn))).getKvResponse().hasTxnRecord(), "not recreated");

            // A pushee that stays pending: the push is answered PUSH_FAILED when its wait is over.
            TxnMeta slow = txn(3, "c", t0.next().next(), 0);
            ok(cluster.kv(lh, heartbeat(slow)));
            long began = System.nanoTime();
            RangeReply timedOut = cluster.kv(lh, push(waiter, slow, 200, List.of()));
            long waitedMillis = (System.nanoTime() - began) / 1_000_000;
            assertEquals(ErrorResponse.Code.PUSH_FAILED, timedOut.getError().getCode());
            assertTrue(waitedMillis >= 190 && waitedMillis < 3_000, "waited " + waitedMillis + " ms");

            // A higher priority wins at once.
            TxnMeta urgent = txn(4, "d", t0.next().next().next(), 1);
            RangeReply won = ok(cluster.kv(lh, push(urgent, slow, 2_000, List.of())));
            assertEquals(TxnStatus.ABORTED, won.getKvResponse().getTxnRecord().getStatus());
            assertEquals("", won.getKvResponse().getTxnRecord().getAbortReason());
        }
    }

    @Test
    void aPrepareThatMeetsAnIntentWaitsAtTheKeyAndGoesWhenTheIntentIsResolved() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            Timestamp t0 = cluster.now(lh);
            TxnMeta holderTxn = txn(1, "k", t0, 0);
            TxnMeta waiter = txn(2, "k", t0.next(), 0);
            ok(cluster.kv(lh, heartbeat(holderTxn)));
            ok(cluster.kv(lh, prepare(holderTxn, "k")));
            long began = System.nanoTime();
            CompletableFuture<RangeReply> waiting = async(cluster, lh, prepare(waiter, "k"));
            // The holder commits and resolves its intent in the same command: the waiter goes.
            ok(cluster.kv(lh, req(KvRequest.newBuilder().setTxnEnd(TxnEnd.newBuilder().setTxn(holderTxn)
                    .setCommit(true).setCommitTs(holderTxn.getWriteTs()).addResolveKeys(bs("k"))))));
            RangeReply answer = waiting.get(5, TimeUnit.SECONDS);
            long waitedMillis = (System.nanoTime() - began) / 1_000_000;
            if (answer.hasError()) {
                // Only if the holder's commit took longer than the key wait (a loaded machine):
                // then the answer is the conflict, after the wait, and the coordinator pushes.
                assertEquals(ErrorResponse.Code.WRITE_INTENT, answer.getError().getCode(), answer.toString());
                assertTrue(waitedMillis >= LockTable.WAIT_NANOS / 1_000_000, "answered after " + waitedMillis + " ms");
            } else {
                assertTrue(Timestamp.fromProto(answer.getKvResponse().getWriteTs()).isAfter(
                        Timestamp.fromProto(holderTxn.getWriteTs())), "written above the holder's commit");
            }
        }
    }

    private static KvRequest prepare(TxnMeta t, String key) {
        return req(KvRequest.newBuilder().setTxnPrepare(io.conclave.range.rpc.TxnPrepare.newBuilder().setTxn(t)
                .addWrites(io.conclave.range.rpc.TxnWrite.newBuilder().setKey(bs(key)).setValue(bs("v")))));
    }

    @Test
    void twoTransactionsWaitingForEachOtherLoseTheYoungerAsTheDeadlocksVictim() throws Exception {
        try (LocalCluster cluster = new LocalCluster(dir, 3, SchedulerSettings.defaults(), 1)) {
            cluster.awaitLeader(RANGE);
            long lh = holder(cluster);
            Timestamp t0 = cluster.now(lh);
            TxnMeta older = txn(1, "a", t0, 0);
            TxnMeta younger = txn(2, "b", t0.next(), 0);
            ok(cluster.kv(lh, heartbeat(older)));
            ok(cluster.kv(lh, heartbeat(younger)));
            long began = System.nanoTime();
            // Each waits for the other (as two prepares that met each other's intents would).
            CompletableFuture<RangeReply> olderWaits = async(cluster, lh, push(older, younger, 1_500, List.of()));
            CompletableFuture<RangeReply> youngerWaits = async(cluster, lh, push(younger, older, 1_500, List.of()));
            LocalCluster.await("both pushes waiting", () -> cluster.kv(lh, query(older)).getKvResponse()
                    .getWaitsForCount() > 0 && cluster.kv(lh, query(younger)).getKvResponse().getWaitsForCount() > 0);

            // The younger learns that the older waits for it, and pushes again carrying that: the
            // cycle closes, but its victim is the younger itself, so it waits.
            List<TxnWaitsFor> intoYounger = ok(cluster.kv(lh, query(younger))).getKvResponse().getWaitsForList();
            assertEquals(older.getId(), intoYounger.get(0).getWaiter().getId());
            CompletableFuture<RangeReply> youngerAgain = async(cluster, lh, push(younger, older, 1_000, intoYounger));
            // The older learns the same and pushes again: now the pushee is the victim.
            List<TxnWaitsFor> intoOlder = ok(cluster.kv(lh, query(older))).getKvResponse().getWaitsForList();
            assertTrue(intoOlder.stream().anyMatch(e -> e.getWaiter().getId().equals(younger.getId())), intoOlder.toString());
            RangeReply broken = ok(cluster.kv(lh, push(older, younger, 1_000, intoOlder)));
            assertEquals(TxnStatus.ABORTED, broken.getKvResponse().getTxnRecord().getStatus());
            assertEquals(Deadlocks.ABORT_REASON, broken.getKvResponse().getTxnRecord().getAbortReason());
            long tookMillis = (System.nanoTime() - began) / 1_000_000;
            assertTrue(tookMillis < 3_000, "broken in " + tookMillis + " ms, far below the 5 s record expiry");
            // The older's first push, waiting for the younger, is answered by the abort too.
            assertTrue(ok(olderWaits.get(5, TimeUnit.SECONDS)).getKvResponse().getPushed());

            // The younger's own waits for the older go on (the older is still pending); its
            // coordinator learns of its abort when it asks its record.
            RangeReply victim = ok(cluster.kv(lh, query(younger)));
            assertEquals(TxnStatus.ABORTED, victim.getKvResponse().getTxnRecord().getStatus());
            assertEquals(TxnStatus.PENDING, ok(cluster.kv(lh, query(older))).getKvResponse().getTxnRecord().getStatus());
            assertEquals(ErrorResponse.Code.PUSH_FAILED, youngerWaits.get(5, TimeUnit.SECONDS).getError().getCode());
            assertEquals(ErrorResponse.Code.PUSH_FAILED, youngerAgain.get(5, TimeUnit.SECONDS).getError().getCode());
        }
    }
}
