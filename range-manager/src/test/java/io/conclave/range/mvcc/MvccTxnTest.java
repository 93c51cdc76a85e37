package io.conclave.range.mvcc;

import static io.conclave.range.mvcc.Harness.err;
import static io.conclave.range.mvcc.Harness.ok;
import static io.conclave.range.mvcc.Harness.readAt;
import static io.conclave.range.mvcc.Harness.t;
import static io.conclave.range.mvcc.Harness.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.ErrorResponse.Code;
import io.conclave.range.rpc.Intent;
import io.conclave.range.rpc.KeySpan;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnRefresh;
import io.conclave.range.rpc.TxnStatus;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Prepare, one-phase commit, records, pushes, resolution and refresh. */
class MvccTxnTest {
    private static final long SEC = 1_000_000_000L;

    private static Intent intent(Harness h, String key) throws Exception {
        byte[] v = h.store.map.get(MvccKeys.intentKey(Harness.k(key)));
        return v == null ? null : Intent.parseFrom(v);
    }

    private static TxnRecord record(Harness h, TxnMeta tx) throws Exception {
        byte[] v = h.store.map.get(MvccKeys.txnRecordKey(tx.getAnchorKey().toByteArray(), tx.getId().toByteArray()));
        return v == null ? null : TxnRecord.parseFrom(v);
    }

    private static Timestamp writeTs(Evaluation e) {
        return Timestamp.fromProto(ok(e).getWriteTs());
    }

    // ---- prepare ----

    @Test
    void prepareWritesIntentsAtOneTimestampAboveFloorAndVersions() throws Exception {
        Harness h = new Harness();
        h.put("b", "old", 70);
        h.writeFloor = t(60);
        TxnMeta tx = txn(1, t(50), t(50), "a");
        Evaluation e = h.prepare(tx, false, 55, "a", "1", "b", "2", "c", null);
        assertEquals(t(70, 1), writeTs(e)); // above b's newest version, which is above the floor
        for (String k : new String[] {"a", "b", "c"}) {
            assertEquals(t(70, 1), Timestamp.fromProto(intent(h, k).getTxn().getWriteTs()), k);
        }
        assertTrue(intent(h, "c").getTombstone());
        assertFalse(ok(e).getCommitted());
        // Idempotent for the same txn; the timestamp it reached is kept.
        h.writeFloor = Timestamp.MIN;
        assertEquals(t(70, 1), writeTs(h.prepare(tx, false, 56, "a", "1", "b", "2", "c", null)));
        // A later epoch simply replaces its intents.
        TxnMeta epoch1 = tx.toBuilder().setEpoch(1).setWriteTs(t(80).toProto()).build();
        assertEquals(t(80), writeTs(h.prepare(epoch1, false, 80, "a", "9")));
        assertEquals("9", intent(h, "a").getValue().toStringUtf8());
        assertEquals(1, intent(h, "a").getTxn().getEpoch());
    }

    @Test
    void prepareMeetingForeignIntentsWritesNothingAndNamesThemAll() throws Exception {
        Harness h = new Harness();
        TxnMeta holder = txn(1, t(50), t(50), "a");
        ok(h.prepare(holder, false, 50, "a", "1", "c", "1"));
        TxnMeta tx = txn(2, t(60), t(60), "b");
        var e = err(h.prepare(tx, false, 60, "c", "2", "b", "2", "a", "2"), Code.WRITE_INTENT);
        assertEquals(2, e.getIntentsCount());
        assertNull(intent(h, "b"));
        err(h.prepare(tx, true, 60, "b", "2", "a", "2"), Code.WRITE_INTENT);
    }

    @Test
    void onePhaseCommitsOrRefusesWhenPushed() throws Exception {
        Harness h = new Harness();
        TxnMeta tx = txn(1, t(50), t(50), "a");
        Evaluation e = h.prepare(tx, true, 55, "a", "1", "b", null);
        assertTrue(ok(e).getCommitted());
        assertEquals(t(50), writeTs(e));
        assertNull(intent(h, "a"));
        assertNull(record(h, tx));
        assertEquals("1", h.value("a", 50));
        assertNull(h.value("a", 49));

        h.writeFloor = t(90);
        TxnMeta late = txn(2, t(60), t(60), "a");
        var retry = err(h.prepare(late, true, 60, "a", "2"), Code.TXN_RETRY);
        assertTrue(retry.getMessage().contains("one-phase commit pushed"), retry.getMessage());
        assertEquals(t(90), Timestamp.fromProto(retry.getRetryTs()));
        assertEquals("1", h.value("a", 100));
        // At the timestamp it was told, it commits.
        h.writeFloor = Timestamp.MIN;
        assertTrue(ok(h.prepare(late.toBuilder().setWriteTs(t(90).toProto()).build(), true, 95, "a", "2")).getCommitted());
        assertEquals("2", h.value("a", 100));
    }

    // ---- resolve ----

    @Test
    void resolveCommitsAbortsOrMovesOnlyTheTransactionsOwnIntents() throws Exception {
        Harness h = new Harness();
        TxnMeta tx = txn(1, t(50), t(50), "a");
        TxnMeta other = txn(2, t(50), t(50), "z");
        h.put("b", "before", 10);
        ok(h.prepare(tx, false, 50, "a", "1", "b", null, "c", "3"));
        ok(h.prepare(other, false, 50, "d", "4"));
        ok(h.resolve(tx, TxnStatus.PENDING, null, 60, "a")); // write_ts 50: nothing to move
        assertEquals(t(50), Timestamp.fromProto(intent(h, "a").getTxn().getWriteTs()));
        ok(h.resolve(tx.toBuilder().setWriteTs(t(70).toProto()).build(), TxnStatus.PENDING, null, 60, "a"));
        assertEquals(t(70), Timestamp.fromProto(intent(h, "a").getTxn().getWriteTs()));

        Evaluation e = h.resolve(tx, TxnStatus.COMMITTED, t(75), 80, "a", "b", "d", "nothing");
        assertTrue(e.wroteSomething());
        assertNull(intent(h, "a"));
        assertNotNull(intent(h, "d")); // another transaction's
        assertEquals("1", h.value("a", 75));
        assertNull(h.value("a", 74));
        assertNull(h.value("b", 75)); // a deleting intent becomes a tombstone
        assertEquals("before", h.value("b", 74));
        ok(h.resolve(tx, TxnStatus.ABORTED, null, 80, "c"));
        assertNull(intent(h, "c"));
        assertNull(h.value("c", 100));
        // Resolving again changes nothing.
        assertFalse(h.resolve(tx, TxnStatus.COMMITTED, t(75), 90, "a", "b", "c").wroteSomething());
        err(h.resolve(tx, TxnStatus.COMMITTED, null, 90, "a"), Code.BAD_REQUEST);
    }

    // ---- heartbeat and end ----

    @Test
    void heartbeatCreatesRefreshesAndReportsTheRecord() throws Exception {
        Harness h = new Harness();
        TxnMeta tx = txn(1, t(50), t(50), "a");
        TxnRecord r = ok(h.heartbeat(tx, 60)).getTxnRecord();
        assertEquals(TxnStatus.PENDING, r.getStatus());
        assertEquals(t(60), Timestamp.fromProto(r.getLastHeartbeat()));
        r = ok(h.heartbeat(tx.toBuilder().setWriteTs(t(65).toProto()).build(), 70)).getTxnRecord();
        assertEquals(t(70), Timestamp.fromProto(r.getLastHeartbeat()));
        assertEquals(t(65), Timestamp.fromProto(r.getMeta().getWriteTs()));
        assertEquals(r, record(h, tx));

        ok(h.end(tx, true, t(80), 90));
        assertEquals(TxnStatus.COMMITTED, ok(h.heartbeat(tx, 100)).getTxnRecord().getStatus());
        TxnMeta gone = txn(2, t(50), t(50), "a");
        ok(h.end(gone, false, null, 60));
        var e = err(h.heartbeat(gone, 70), Code.TXN_ABORTED);
        assertEquals(TxnStatus.ABORTED, e.getTxnRecord().getStatus());
    }

    @Test
    void endCommitsOrRetriesOrReportsTheAbort() throws Exception {
        Harness h = new Harness();
        TxnMeta tx = txn(1, t(50), t(50), "a");
        ok(h.heartbeat(tx, 50));
        ok(h.prepare(tx, false, 50, "a", "1", "b", "2"));
        // Pushed to 90 by a reader: a commit at 80 must refresh to 90.
        ok(h.run(KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPushee(tx).setPusher(txn(9, t(10), t(10), "z"))
                .setType(PushType.PUSH_TIMESTAMP).setPushTo(t(89).toProto())), t(95)));
        var retry = err(h.end(tx, true, t(80), 100), Code.TXN_RETRY);
        assertEquals(t(89).next(), Timestamp.fromProto(retry.getRetryTs()));
        assertTrue(retry.getMessage().startsWith("pushed"), retry.getMessage());
        Evaluation e = h.end(tx, true, t(90), 100, "a");
        TxnRecord committed = ok(e).getTxnRecord();
        assertEquals(TxnStatus.COMMITTED, committed.getStatus());
        assertEquals(t(90), Timestamp.fromProto(committed.getCommitTs()));
        assertNull(intent(h, "a")); // resolved in the same command
        assertNotNull(intent(h, "b")); // not named: left for an asynchronous resolve
        assertEquals("1", h.value("a", 90));
        // Idempotent, and a late rollback learns the commit.
        assertEquals(committed, ok(h.end(tx, true, t(95), 110)).getTxnRecord());
        assertEquals(committed, ok(h.end(tx, false, null, 110, "b")).getTxnRecord());
        assertNull(intent(h, "b"));
        assertEquals("2", h.value("b", 90));

        TxnMeta rolled = txn(2, t(50), t(50), "c");
        ok(h.prepare(rolled, false, 50, "c", "x"));
        assertEquals(TxnStatus.ABORTED, ok(h.end(rolled, false, null, 60, "c")).getTxnRecord().getStatus());
        assertNull(intent(h, "c"));
        err(h.end(rolled, true, t(60), 70), Code.TXN_ABORTED);
        assertEquals(TxnStatus.ABORTED, ok(h.end(rolled, false, null, 70)).getTxnRecord().getStatus());
        err(h.end(txn(3, t(50), t(50), "d"), true, null, 70), Code.BAD_REQUEST);
        // A record never written: committed if not pushed (the heartbeat's reply may have been lost).
        assertEquals(TxnStatus.COMMITTED, ok(h.end(txn(4, t(50), t(50), "e"), true, t(55), 70)).getTxnRecord().getStatus());
    }

    // ---- push ----

    private static Evaluation push(Harness h, TxnMeta pushee, TxnMeta pusher, PushType type, Timestamp to, long now) {
        TxnPush.Builder p = TxnPush.newBuilder().setPushee(pushee).setType(type).setPushTo(to.toProto());
        if (pusher != null) p.setPusher(pusher);
        return h.run(KvRequest.newBuilder().setTxnPush(p), t(now));
    }

    @Test
    void pushesOfFinishedOrExpiredTransactionsSucceed() throws Exception {
        Harness h = new Harness();
        TxnMeta young = txn(1, t(100 * SEC), t(100 * SEC), "a");
        TxnMeta old = txn(2, t(SEC), t(SEC), "b");
        ok(h.heartbeat(young, 100 * SEC));
        ok(h.end(young, true, t(100 * SEC), 100 * SEC));
        KvResponse r = ok(push(h, young, old, PushType.PUSH_ABORT, t(100 * SEC), 101 * SEC));
        assertTrue(r.getPushed());
        assertEquals(TxnStatus.COMMITTED, r.getTxnRecord().getStatus());

        // Expired: heartbeated at 100 s, now 106 s > 100 s + 5 s: even a losing pusher aborts it.
        TxnMeta idle = txn(3, t(SEC / 2), t(SEC / 2), "c");
        ok(h.heartbeat(idle, 100 * SEC));
        err(push(h, idle, old, PushType.PUSH_ABORT, t(100 * SEC), 104 * SEC), Code.PUSH_FAILED);
        r = ok(push(h, idle, old, PushType.PUSH_TOUCH, t(100 * SEC), 106 * SEC));
        assertTrue(r.getPushed());
        assertEquals(TxnStatus.ABORTED, r.getTxnRecord().getStatus());
        assertEquals(TxnStatus.ABORTED, record(h, idle).getStatus());

        // No record: aged by min_ts.
        TxnMeta never = txn(4, t(90 * SEC), t(90 * SEC), "d");
        err(push(h, never, null, PushType.PUSH_TOUCH, t(90 * SEC), 94 * SEC), Code.PUSH_FAILED);
        assertNull(record(h, never));
        assertEquals(TxnStatus.ABORTED, ok(push(h, never, null, PushType.PUSH_TOUCH, t(90 * SEC), 96 * SEC))
                .getTxnRecord().getStatus());
    }

    @Test
    void pushesOfLiveTransactionsFollowPriority() throws Exception {
        Harness h = new Harness();
        long now = 100 * SEC;
        TxnMeta pushee = txn(5, t(now), t(50 * SEC), "a");
        ok(h.heartbeat(pushee, now));
        TxnMeta older = txn(9, t(now), t(40 * SEC), "z");
        TxnMeta younger = txn(1, t(now), t(60 * SEC), "z");
        TxnMeta sameAgeSmallerId = txn(2, t(now), t(50 * SEC), "z");
        TxnMeta sameAgeLargerId = txn(7, t(now), t(50 * SEC), "z");

        var failed = err(push(h, pushee, younger, PushType.PUSH_ABORT, t(now), now), Code.PUSH_FAILED);
        assertEquals(TxnStatus.PENDING, failed.getTxnRecord().getStatus());
        err(push(h, pushee, sameAgeLargerId, PushType.PUSH_TIMESTAMP, t(now + 10), now), Code.PUSH_FAILED);
        err(push(h, pushee, older, PushType.PUSH_TOUCH, t(now), now), Code.PUSH_FAILED);
        err(push(h, pushee, null, PushType.PUSH_ABORT, t(now), now), Code.PUSH_FAILED);
        // A non-transactional pusher pushes the timestamp of a transaction younger than push_to only.
        err(push(h, pushee, null, PushType.PUSH_TIMESTAMP, t(now + 1), now), Code.PUSH_FAILED);

        KvResponse r = ok(push(h, pushee, sameAgeSmallerId, PushType.PUSH_TIMESTAMP, t(now + 10), now));
        assertTrue(r.getPushed());
        assertEquals(t(now + 10).next(), Timestamp.fromProto(record(h, pushee).getMeta().getWriteTs()));
        // Already above: pushed without a write, even by a loser.
        Evaluation e = push(h, pushee, younger, PushType.PUSH_TIMESTAMP, t(now + 5), now);
        assertTrue(ok(e).getPushed());
        assertFalse(e.wroteSomething());

        // An abort push on equal priority waits, however old the pusher (deadlocks are detected,
        // not prevented by age); a higher priority (a restarted transaction) wins at once.
        err(push(h, pushee, older, PushType.PUSH_ABORT, t(now), now), Code.PUSH_FAILED);
        TxnMeta restarted = younger.toBuilder().setPriority(1).build();
        r = ok(push(h, pushee, restarted, PushType.PUSH_ABORT, t(now), now));
        assertTrue(r.getPushed());
        assertEquals(TxnStatus.ABORTED, record(h, pushee).getStatus());
        assertEquals("", record(h, pushee).getAbortReason());
        err(h.heartbeat(pushee, now + 1), Code.TXN_ABORTED);

        // A deadlock's victim, as the wait queue marks it, is aborted whatever the priorities.
        TxnMeta victim = txn(6, t(now), t(30 * SEC), "b").toBuilder().setPriority(5).build();
        ok(h.heartbeat(victim, now));
        Evaluation v = h.run(KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPushee(victim).setPusher(younger)
                .setType(PushType.PUSH_ABORT).setPushTo(t(now).toProto()).setDeadlockVictim(true)), t(now));
        assertEquals(Deadlocks.ABORT_REASON, ok(v).getTxnRecord().getAbortReason());
        assertEquals(TxnStatus.ABORTED, record(h, victim).getStatus());
    }

    // ---- refresh ----

    private static Evaluation refresh(Harness h, TxnMeta tx, long from, long to, String[] keys, String[][] spans) {
        TxnRefresh.Builder r = TxnRefresh.newBuilder().setTxn(tx).setFromTs(t(from).toProto()).setToTs(t(to).toProto());
        for (String k : keys) r.addKeys(Harness.b(k));
        for (String[] s : spans) r.addSpans(KeySpan.newBuilder().setStartKey(Harness.b(s[0])).setEndKey(Harness.b(s[1])));
        return h.run(KvRequest.newBuilder().setTxnRefresh(r), t(to + 1));
    }

    @Test
    void refreshSucceedsOnlyIfNothingChangedInTheWindow() throws Exception {
        Harness h = new Harness();
        TxnMeta tx = txn(1, t(50), t(50), "a");
        h.put("a", "1", 10);
        h.put("m", "1", 60);
        Evaluation e = refresh(h, tx, 50, 59, new String[] {"a", "m"}, new String[][] {{"b", "z"}});
        ok(e);
        assertEquals(t(59), e.readTs());
        assertEquals(2, e.readKeys().size());
        assertEquals(1, e.readSpans().size());
        var f = err(refresh(h, tx, 50, 60, new String[] {"a"}, new String[][] {{"b", "z"}}), Code.TXN_RETRY);
        assertTrue(f.getMessage().startsWith("refresh failed"), f.getMessage());
        assertEquals(t(60), Timestamp.fromProto(f.getExistingTs()));
        err(refresh(h, tx, 50, 60, new String[] {"m"}, new String[0][]), Code.TXN_RETRY);
        ok(refresh(h, tx, 60, 70, new String[] {"m"}, new String[0][])); // the change is not after from

        // Another transaction's intent at or below to_ts fails it; its own intents do not.
        TxnMeta other = txn(2, t(65), t(65), "q");
        ok(h.prepare(other, false, 65, "q", "1"));
        ok(h.prepare(tx.toBuilder().setWriteTs(t(66).toProto()).build(), false, 66, "r", "1"));
        ok(refresh(h, tx, 60, 64, new String[0], new String[][] {{"n", "z"}}));
        var i = err(refresh(h, tx, 60, 70, new String[0], new String[][] {{"n", "z"}}), Code.TXN_RETRY);
        assertEquals(1, i.getIntentsCount());
        ok(refresh(h, tx, 60, 70, new String[] {"r"}, new String[0][]));

        h.gcThreshold = t(55);
        err(refresh(h, tx, 50, 70, new String[] {"a"}, new String[0][]), Code.GC_THRESHOLD);
    }

    @Test
    void evaluationIsDeterministic() {
        // Two replicas evaluating the same commands from the same state write the same bytes.
        Harness a = new Harness();
        Harness b = new Harness();
        for (Harness h : new Harness[] {a, b}) {
            TxnMeta tx = txn(1, t(50), t(50), "k");
            h.put("k", "0", 40);
            h.heartbeat(tx, 50);
            h.prepare(tx, false, 51, "k", "1", "l", "2");
            h.end(tx, true, t(55), 60, "k");
            h.resolve(tx, TxnStatus.COMMITTED, t(55), 61, "l");
        }
        assertEquals(new TreeMap<>(a.store.map).size(), b.store.map.size());
        a.store.map.forEach((k, v) -> assertTrue(java.util.Arrays.equals(v, b.store.map.get(k))));
    }
}
