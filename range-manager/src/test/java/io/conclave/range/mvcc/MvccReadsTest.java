package io.conclave.range.mvcc;

import static io.conclave.range.mvcc.Harness.err;
import static io.conclave.range.mvcc.Harness.keys;
import static io.conclave.range.mvcc.Harness.ok;
import static io.conclave.range.mvcc.Harness.readAt;
import static io.conclave.range.mvcc.Harness.t;
import static io.conclave.range.mvcc.Harness.txn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.ErrorResponse.Code;
import io.conclave.range.rpc.KvConditionalPut;
import io.conclave.range.rpc.KvDeleteRange;
import io.conclave.range.rpc.KvIncrement;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnStatus;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reads at timestamps and the non-transactional writes. */
class MvccReadsTest {
    @Test
    void readsSeeTheNewestVersionAtOrBelowTheirTimestamp() {
        Harness h = new Harness();
        assertEquals(t(10), Timestamp.fromProto(ok(h.put("a", "1", 10)).getWriteTs()));
        h.put("a", "2", 20);
        h.delete("a", 30);
        h.put("a", "4", 40);
        assertNull(h.value("a", 9));
        assertEquals("1", h.value("a", 10));
        assertEquals("1", h.value("a", 19));
        assertEquals("2", h.value("a", 29));
        assertNull(h.value("a", 30));
        assertNull(h.value("a", 35));
        assertEquals("4", h.value("a", 1_000));
        Evaluation e = h.get("a", 25);
        assertEquals(List.of("a"), e.readKeys().stream().map(String::new).toList());
        assertEquals(t(25), e.readTs());
        assertFalse(e.wroteSomething());
    }

    @Test
    void nonTransactionalWritesGoAboveTheFloorAndTheNewestVersion() {
        Harness h = new Harness();
        h.put("a", "1", 50);
        // A clock behind the newest version still writes above it.
        assertEquals(t(50, 1), Timestamp.fromProto(ok(h.put("a", "2", 40)).getWriteTs()));
        h.writeFloor = t(100, 3);
        assertEquals(t(100, 3), Timestamp.fromProto(ok(h.put("b", "1", 60)).getWriteTs()));
        assertEquals(t(100, 4), Timestamp.fromProto(ok(h.delete("b", 60)).getWriteTs()));
        assertNull(h.value("b", 200));
        assertNull(h.value("b", 100));
        KvRequest.Builder get = KvRequest.newBuilder().setGet(io.conclave.range.rpc.KvGet.newBuilder().setKey(Harness.b("b")));
        assertEquals("1", ok(h.run(get, t(100, 3))).getValue().toStringUtf8());
    }

    @Test
    void conditionalPutAndIncrementUseTheNewestCommittedValue() {
        Harness h = new Harness();
        KvRequest.Builder cp = KvRequest.newBuilder().setConditionalPut(KvConditionalPut.newBuilder()
                .setKey(Harness.b("c")).setValue(Harness.b("x")).setExpectAbsent(true));
        ok(h.run(cp, t(10)));
        var failed = err(h.run(cp, t(20)), Code.CONDITION_FAILED);
        assertTrue(failed.getFound());
        assertEquals("x", failed.getActualValue().toStringUtf8());
        h.delete("c", 30);
        ok(h.run(cp, t(40))); // a tombstone is absent
        ok(h.run(KvRequest.newBuilder().setConditionalPut(KvConditionalPut.newBuilder().setKey(Harness.b("c"))
                .setValue(Harness.b("y")).setExpectedValue(Harness.b("x"))), t(50)));
        assertEquals("y", h.value("c", 60));

        KvRequest.Builder inc = KvRequest.newBuilder().setIncrement(KvIncrement.newBuilder().setKey(Harness.b("n")).setDelta(5));
        assertEquals(5, ByteBuffer.wrap(ok(h.run(inc, t(10))).getValue().toByteArray()).getLong());
        assertEquals(10, ByteBuffer.wrap(ok(h.run(inc, t(11))).getValue().toByteArray()).getLong());
        err(h.run(KvRequest.newBuilder().setIncrement(KvIncrement.newBuilder().setKey(Harness.b("c")).setDelta(1)), t(70)),
                Code.BAD_REQUEST);
    }

    @Test
    void deleteRangeTombstonesLiveKeysAtOneTimestamp() {
        Harness h = new Harness();
        h.put("a", "1", 10);
        h.put("b", "1", 10);
        h.delete("b", 20);
        h.put("c", "1", 30);
        h.put("d", "1", 10);
        KvResponse r = ok(h.run(KvRequest.newBuilder().setDeleteRange(KvDeleteRange.newBuilder().setStartKey(Harness.b("a"))
                .setEndKey(Harness.b("d"))), t(25)));
        assertEquals(2, r.getDeleted());
        assertEquals(t(30, 1), Timestamp.fromProto(r.getWriteTs()));
        assertEquals(List.of("d=1"), keys(ok(h.scan("a", "z", 0, 100))));
        assertEquals(List.of("a=1", "c=1", "d=1"), keys(ok(h.scan("a", "z", 0, 30))));

        TxnMeta tx = txn(1, t(50), t(50), "d");
        ok(h.prepare(tx, false, 50, "d", "2"));
        var e = err(h.run(KvRequest.newBuilder().setDeleteRange(KvDeleteRange.newBuilder().setStartKey(Harness.b("a"))
                .setEndKey(Harness.b("z"))), t(60)), Code.WRITE_INTENT);
        assertEquals("d", e.getIntents(0).getKey().toStringUtf8());
    }

    @Test
    void anIntentBlocksNonTransactionalWritesAndReadsAboveIt() {
        Harness h = new Harness();
        h.put("a", "1", 10);
        TxnMeta tx = txn(1, t(50), t(50), "a");
        ok(h.prepare(tx, false, 50, "a", "2"));
        assertEquals("1", h.value("a", 49)); // below the intent: read past it
        var e = err(h.get("a", 50), Code.WRITE_INTENT);
        assertEquals(tx, e.getIntents(0).getTxn().toBuilder().setWriteTs(tx.getWriteTs()).build());
        err(h.put("a", "3", 20), Code.WRITE_INTENT); // any intent, at any timestamp
        err(h.delete("a", 20), Code.WRITE_INTENT);
        err(h.scan("a", "b", 0, 60), Code.WRITE_INTENT);
        assertEquals(List.of("a=1"), keys(ok(h.scan("a", "b", 0, 40))));
    }

    @Test
    void ownIntentsAreReadAndForeignIntentsConflict() {
        Harness h = new Harness();
        h.put("a", "old", 10);
        TxnMeta mine = txn(1, t(50), t(40), "a");
        ok(h.prepare(mine, false, 50, "a", "new", "b", null));
        TxnMeta reader = mine.toBuilder().setWriteTs(t(40).toProto()).build();
        KvResponse r = ok(h.txnGet("a", readAt(reader, t(40), t(45), null), 60));
        assertEquals("new", r.getValue().toStringUtf8()); // own write, though above read_ts
        assertFalse(ok(h.txnGet("b", readAt(reader, t(40), null, null), 60)).getFound()); // own delete
        // An earlier epoch's intent is not the transaction's any more: read below it.
        TxnMeta nextEpoch = reader.toBuilder().setEpoch(1).build();
        assertEquals("old", ok(h.txnGet("a", readAt(nextEpoch, t(40), null, null), 60)).getValue().toStringUtf8());

        TxnMeta other = txn(2, t(70), t(70), "z");
        err(h.txnGet("a", readAt(other, t(70), null, null), 80), Code.WRITE_INTENT);
        // Below the intent and its uncertainty window: not a conflict.
        assertEquals("old", ok(h.txnGet("a", readAt(other, t(45), t(49), null), 80)).getValue().toStringUtf8());
        // The intent inside the uncertainty window is a conflict.
        err(h.txnGet("a", readAt(other, t(45), t(55), null), 80), Code.WRITE_INTENT);
        // A snapshot read without a transaction sees the intent as a conflict too.
        err(h.txnGet("a", readAt(null, t(60), null, null), 80), Code.WRITE_INTENT);
        var scanErr = err(h.txnScan("a", "c", 0, readAt(other, t(70), null, null), 80), Code.WRITE_INTENT);
        assertEquals(2, scanErr.getIntentsCount()); // every intent met, so one round of pushes suffices
    }

    @Test
    void uncertaintyWithAndWithoutObservedTimestamps() {
        Harness h = new Harness();
        h.put("a", "1", 10);
        h.put("a", "2", 100);
        TxnMeta tx = txn(1, t(50), t(50), "a");
        var e = err(h.txnGet("a", readAt(tx, t(50), t(150), null), 200), Code.READ_WITHIN_UNCERTAINTY);
        assertEquals(t(100), Timestamp.fromProto(e.getExistingTs()));
        assertEquals("1", ok(h.txnGet("a", readAt(tx, t(50), t(99), null), 200)).getValue().toStringUtf8());
        // Observed at 90 on this node: a value at 100 was written after the txn saw the node.
        assertEquals("1", ok(h.txnGet("a", readAt(tx, t(50), t(150), t(90)), 200)).getValue().toStringUtf8());
        // ... unless the lease began later: the observation is of another leaseholder.
        h.leaseStart = t(120);
        err(h.txnGet("a", readAt(tx, t(50), t(150), t(90)), 200), Code.READ_WITHIN_UNCERTAINTY);
        h.leaseStart = Timestamp.MIN;
        // An observation below read_ts leaves no window.
        assertEquals("1", ok(h.txnGet("a", readAt(tx, t(50), t(150), t(20)), 200)).getValue().toStringUtf8());
        err(h.txnScan("a", "b", 0, readAt(tx, t(50), t(150), null), 200), Code.READ_WITHIN_UNCERTAINTY);
        assertEquals(List.of("a=1"), keys(ok(h.txnScan("a", "b", 0, readAt(tx, t(50), t(150), t(60)), 200))));
    }

    @Test
    void readsBelowTheGcThresholdAreRefused() {
        Harness h = new Harness();
        h.put("a", "1", 10);
        h.gcThreshold = t(30);
        TxnMeta tx = txn(1, t(20), t(20), "a");
        var e = err(h.txnGet("a", readAt(tx, t(29), null, null), 100), Code.GC_THRESHOLD);
        assertEquals(t(30), Timestamp.fromProto(e.getExistingTs()));
        err(h.txnScan("a", "b", 0, readAt(tx, t(29), null, null), 100), Code.GC_THRESHOLD);
        ok(h.txnGet("a", readAt(tx, t(30), null, null), 100));
    }

    @Test
    void scansStopAtTheirLimitAndTheRowBoundWithResumeKeys() {
        Harness h = new Harness(3);
        for (String k : List.of("a", "b", "c", "d", "e", "f")) h.put(k, k, 10);
        h.delete("b", 20);
        for (int i = 0; i < 200; i++) h.put("c", "c" + i, 30 + i); // a long history above the read
        KvResponse r = ok(h.scan("a", "z", 2, 25));
        assertEquals(List.of("a=a", "c=c"), keys(r));
        assertEquals("d", r.getResumeKey().toStringUtf8());
        // Row bound 3: b (deleted) counts as examined.
        r = ok(h.scan("a", "z", 0, 25));
        assertEquals(List.of("a=a", "c=c"), keys(r));
        assertEquals("d", r.getResumeKey().toStringUtf8());
        Evaluation ev = h.scan("d", "z", 0, 25);
        assertEquals(List.of("d=d", "e=e", "f=f"), keys(ok(ev)));
        assertTrue(ok(ev).getResumeKey().isEmpty());
        assertArrayEquals(Harness.k("d"), ev.readSpans().get(0)[0]);
        assertArrayEquals(Harness.k("z"), ev.readSpans().get(0)[1]);
        Evaluation limited = h.scan("a", "z", 2, 25);
        assertArrayEquals(Harness.k("d"), limited.readSpans().get(0)[1]); // only what was read goes to the cache
        // The long history of c costs a bounded number of rows.
        long before = h.store.rowsRead;
        assertEquals(List.of("a=a", "c=c"), keys(ok(h.txnScan("a", "d", 0, readAt(null, t(25), null, null), 300))));
        assertTrue(h.store.rowsRead - before < 150, "rows read: " + (h.store.rowsRead - before));
        assertEquals(List.of("c=c199"), keys(ok(h.scan("c", "d", 0, 1_000))));
    }

    @Test
    void scansClipToTheRangeAndSkipRecords() {
        Harness h = new Harness();
        h.rangeStart = Harness.k("b");
        h.rangeEnd = Harness.k("d");
        h.put("b", "1", 10);
        h.put("c", "1", 10);
        TxnMeta tx = txn(1, t(20), t(20), "b");
        ok(h.heartbeat(tx, 20)); // a record anchored at b
        assertEquals(List.of("b=1", "c=1"), keys(ok(h.scan("", "", 0, 30))));
        assertEquals(List.of("b=1", "c=1"), keys(ok(h.scan("a", "z", 0, 30))));
        err(h.put("a", "1", 10), Code.BAD_REQUEST);
        ok(h.resolve(tx, TxnStatus.ABORTED, null, 30, "b"));
    }
    @Test
    void aScanMergesTheTransactionsOwnIntentsAndObservedTimestampsNarrowIntentConflicts() {
        Harness h = new Harness();
        h.put("a", "1", 10);
        h.put("b", "1", 10);
        h.put("c", "1", 10);
        TxnMeta mine = txn(1, t(50), t(40), "a");
        ok(h.prepare(mine, false, 50, "a", null, "bb", "new"));
        assertEquals(List.of("b=1", "bb=new", "c=1"), keys(ok(h.txnScan("a", "z", 0, readAt(mine, t(40), t(45), null), 60))));
        // Another reader, uncertain up to 60 but having observed this node at 45: the intents at 50 are not its concern.
        TxnMeta other = txn(2, t(40), t(40), "q");
        err(h.txnScan("a", "z", 0, readAt(other, t(40), t(60), null), 60), Code.WRITE_INTENT);
        assertEquals(List.of("a=1", "b=1", "c=1"), keys(ok(h.txnScan("a", "z", 0, readAt(other, t(40), t(60), t(45)), 60))));
    }

    @Test
    void deleteRangeIsAllOrNothingAndBounded() {
        Harness h = new Harness();
        for (int i = 0; i <= Writes.DELETE_RANGE_MAX_KEYS; i++) {
            h.store.put(MvccKeys.versionKey(Harness.k(String.format("k%05d", i)), t(10)), MvccKeys.encodeValue(Harness.k("v")));
        }
        int rows = h.store.map.size();
        var e = err(h.run(KvRequest.newBuilder().setDeleteRange(KvDeleteRange.newBuilder().setStartKey(Harness.b("k"))
                .setEndKey(Harness.b("l"))), t(20)), Code.BAD_REQUEST);
        assertTrue(e.getMessage().contains("covers more than 10000 live keys"), e.getMessage());
        assertEquals(rows, h.store.map.size());
        KvResponse r = ok(h.run(KvRequest.newBuilder().setDeleteRange(KvDeleteRange.newBuilder().setStartKey(Harness.b("k00001"))
                .setEndKey(Harness.b("l"))), t(20)));
        assertEquals(Writes.DELETE_RANGE_MAX_KEYS, r.getDeleted());
        assertEquals(List.of("k00000=v"), keys(ok(h.scan("k", "l", 0, 30))));
    }
}
