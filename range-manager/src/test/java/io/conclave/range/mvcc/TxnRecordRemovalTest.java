package io.conclave.range.mvcc;

import static io.conclave.range.mvcc.Harness.err;
import static io.conclave.range.mvcc.Harness.ok;
import static io.conclave.range.mvcc.Harness.t;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.ErrorResponse.Code;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.MvccGc;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnResolve;
import io.conclave.range.rpc.TxnEnd;
import io.conclave.range.rpc.KvResponse;
import java.util.List;
import io.conclave.range.rpc.TxnStatus;
import org.junit.jupiter.api.Test;

/**
 * Finished records are removed once their intents are resolved (txn_resolve remove_record) or,
 * ABORTED ones, by GC; a removed record is never created again by a late heartbeat, commit or
 * push at or below the leaseholder's mark (the evaluation's writeFloor for them).
 */
class TxnRecordRemovalTest {
    static final long SEC = 1_000_000_000L;

    private static TxnMeta txn(int id, long tsNanos, String anchor) {
        byte[] b = new byte[16];
        b[15] = (byte) id;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(b)).setAnchorKey(Harness.b(anchor))
                .setWriteTs(t(tsNanos).toProto()).setMinTs(t(tsNanos).toProto()).build();
    }

    private static TxnRecord record(Harness h, TxnMeta m) {
        return KeyReads.record(h.store, m.getAnchorKey().toByteArray(), m.getId().toByteArray());
    }

    private static Evaluation remove(Harness h, TxnMeta m, TxnStatus status, Timestamp commitTs, long now) {
        TxnResolve.Builder r = TxnResolve.newBuilder().setTxn(m).setStatus(status).setRemoveRecord(true);
        if (commitTs != null) r.setCommitTs(commitTs.toProto());
        return h.run(KvRequest.newBuilder().setTxnResolve(r), t(now));
    }

    private static Evaluation push(Harness h, TxnMeta pushee, long now) {
        TxnMeta pusher = txn(99, now, "z").toBuilder().setPriority(9).build();
        return h.run(KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPushee(pushee).setPusher(pusher)
                .setType(PushType.PUSH_ABORT).setPushTo(t(now).toProto())), t(now));
    }

    /** Transaction {@code id}, anchored at a, with its record and intents a=1 and b=2, at 10 s. */
    private static TxnMeta preparedAtAAndB(Harness h, int id) {
        TxnMeta m = txn(id, 10 * SEC, "a");
        ok(h.heartbeat(m, 10 * SEC));
        ok(h.prepare(m, false, 10 * SEC, "a", "1", "b", "2"));
        return m;
    }

    @Test
    void aCommittedRecordIsRemovedAndALateHeartbeatCommitOrPushCannotBringItBack() {
        Harness h = new Harness();
        TxnMeta m = preparedAtAAndB(h, 1);
        ok(h.end(m, true, t(10 * SEC), 11 * SEC, "a", "b"));
        assertEquals(TxnStatus.COMMITTED, record(h, m).getStatus());

        KvRequest removal = KvRequest.newBuilder().setTxnResolve(TxnResolve.newBuilder().setTxn(m)
                .setStatus(TxnStatus.COMMITTED).setCommitTs(t(10 * SEC).toProto()).setRemoveRecord(true)).build();
        Evaluation removed = remove(h, m, TxnStatus.COMMITTED, t(10 * SEC), 12 * SEC);
        assertEquals(1, ok(removed).getDeleted());
        assertNull(record(h, m));
        assertEquals("1", h.value("a", 13 * SEC), "the data stays");
        assertNotNull(removal);

        // The leaseholder marked the removal at max(now, write_ts) = 12 s: anything of the
        // transaction at or below it finds it finished, and nothing is written.
        h.writeFloor = t(12 * SEC).next();
        var hb = err(h.heartbeat(m, 13 * SEC), Code.TXN_ABORTED);
        assertEquals(TxnStatus.ABORTED, hb.getTxnRecord().getStatus());
        err(h.end(m, true, t(10 * SEC), 13 * SEC), Code.TXN_ABORTED);
        Evaluation late = push(h, m, 13 * SEC);
        assertTrue(ok(late).getPushed());
        assertEquals(TxnStatus.ABORTED, ok(late).getTxnRecord().getStatus());
        assertFalse(late.wroteSomething());
        assertNull(record(h, m), "still gone");

        // Without the mark (another transaction), records are created as before.
        h.writeFloor = Timestamp.MIN;
        TxnMeta other = txn(2, 20 * SEC, "a");
        assertEquals(TxnStatus.PENDING, ok(h.heartbeat(other, 20 * SEC)).getTxnRecord().getStatus());
    }

    @Test
    void aPendingRecordIsNotRemoved() {
        Harness h = new Harness();
        TxnMeta m = txn(3, 10 * SEC, "a");
        ok(h.heartbeat(m, 10 * SEC));
        assertEquals(0, ok(remove(h, m, TxnStatus.ABORTED, null, 11 * SEC)).getDeleted());
        assertEquals(TxnStatus.PENDING, record(h, m).getStatus());
    }

    @Test
    void gcRemovesAbortedRecordsBelowTheThresholdOnlyAndAnIntentLeftBehindReadsAsAborted() {
        Harness h = new Harness();
        TxnMeta aborted = txn(4, 10 * SEC, "a");
        ok(h.heartbeat(aborted, 10 * SEC));
        ok(h.prepare(aborted, false, 10 * SEC, "k", "v"));
        ok(push(h, aborted, 11 * SEC)); // a higher priority aborts it; its intent at k stays
        TxnMeta committed = txn(5, 10 * SEC, "b");
        ok(h.heartbeat(committed, 10 * SEC));
        ok(h.end(committed, true, t(10 * SEC), 10 * SEC));
        TxnMeta recent = txn(6, 100 * SEC, "c");
        ok(h.heartbeat(recent, 100 * SEC));
        ok(h.end(recent, false, null, 100 * SEC));

        Evaluation gc = h.run(KvRequest.newBuilder().setMvccGc(MvccGc.newBuilder().setThreshold(t(50 * SEC).toProto())),
                t(200 * SEC));
        assertEquals(1, ok(gc).getDeleted());
        assertNull(record(h, aborted));
        assertEquals(TxnStatus.COMMITTED, record(h, committed).getStatus(), "GC cannot know its intents are resolved");
        assertEquals(0, ok(gc).getAbandonedRecordsCount(), "and it lists no keys to resolve");
        assertEquals(TxnStatus.ABORTED, record(h, recent).getStatus(), "above the threshold");

        // The intent it left is met later: its record reads as removed, aborted, and is not recreated.
        h.gcThreshold = t(50 * SEC);
        Evaluation p = push(h, aborted, 200 * SEC);
        assertEquals(TxnStatus.ABORTED, ok(p).getTxnRecord().getStatus());
        assertFalse(p.wroteSomething());
        ok(h.resolve(aborted, TxnStatus.ABORTED, null, 200 * SEC, "k"));
        assertNull(h.value("k", 201 * SEC));
    }

    private static Evaluation commitListing(Harness h, TxnMeta m, long commitNanos, String... intentKeys) {
        TxnEnd.Builder e = TxnEnd.newBuilder().setTxn(m).setCommit(true).setCommitTs(t(commitNanos).toProto());
        for (String k : intentKeys) e.addIntentKeys(Harness.b(k));
        return h.run(KvRequest.newBuilder().setTxnEnd(e), t(commitNanos));
    }

    private static KvResponse gc(Harness h, long thresholdNanos, long now) {
        return ok(h.run(KvRequest.newBuilder().setMvccGc(MvccGc.newBuilder().setThreshold(t(thresholdNanos).toProto())),
                t(now)));
    }

    @Test
    void gcReportsACommittedRecordListingItsIntentsOnceOldAndExpiredAndResolvingThenRemovingFinishesIt() {
        Harness h = new Harness();
        TxnMeta m = preparedAtAAndB(h, 7);
        TxnRecord committed = ok(commitListing(h, m, 10 * SEC, "a", "b")).getTxnRecord();
        assertEquals(List.of(Harness.b("a"), Harness.b("b")), committed.getIntentKeysList());
        // Its coordinator died: nobody resolved a or b.
        err(h.get("b", 11 * SEC), Code.WRITE_INTENT);

        assertEquals(0, gc(h, 5 * SEC, 100 * SEC).getAbandonedRecordsCount(), "newer than the threshold");
        assertEquals(0, gc(h, 12 * SEC, 12 * SEC).getAbandonedRecordsCount(), "not expired yet");
        KvResponse found = gc(h, 50 * SEC, 100 * SEC);
        assertEquals(List.of(record(h, m)), found.getAbandonedRecordsList());
        assertEquals(TxnStatus.COMMITTED, record(h, m).getStatus(), "reported, not removed: intents may remain");

        // What the maintenance loop does with it: resolve the listed keys, then remove the record.
        TxnRecord r = found.getAbandonedRecords(0);
        TxnResolve.Builder resolve = TxnResolve.newBuilder().setTxn(r.getMeta()).setStatus(TxnStatus.COMMITTED)
                .setCommitTs(r.getCommitTs()).addAllKeys(r.getIntentKeysList());
        ok(h.run(KvRequest.newBuilder().setTxnResolve(resolve), t(100 * SEC)));
        assertEquals(1, ok(remove(h, r.getMeta(), TxnStatus.COMMITTED, t(10 * SEC), 100 * SEC)).getDeleted());
        assertNull(record(h, m));
        assertEquals("1", h.value("a", 101 * SEC));
        assertEquals("2", h.value("b", 101 * SEC), "committed, not lost with the record");
        assertEquals(0, gc(h, 50 * SEC, 101 * SEC).getAbandonedRecordsCount());
    }

    @Test
    void aCommitListingASystemKeyAsAnIntentIsRefused() {
        Harness h = new Harness();
        TxnMeta m = txn(8, 10 * SEC, "a");
        ok(h.heartbeat(m, 10 * SEC));
        TxnEnd.Builder e = TxnEnd.newBuilder().setTxn(m).setCommit(true).setCommitTs(t(10 * SEC).toProto())
                .addIntentKeys(ByteString.copyFrom(new byte[] {0x02, 'x'}));
        var refused = err(h.run(KvRequest.newBuilder().setTxnEnd(e), t(10 * SEC)), Code.BAD_REQUEST);
        assertTrue(refused.getMessage().contains("intent key"), refused.getMessage());
        assertEquals(TxnStatus.PENDING, record(h, m).getStatus());
    }
}
