package io.conclave.range.mvcc;

import static io.conclave.range.mvcc.Harness.ok;
import static io.conclave.range.mvcc.Harness.t;
import static io.conclave.range.mvcc.Harness.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.KvResponse;
import io.conclave.range.rpc.MvccGc;
import io.conclave.range.rpc.TxnMeta;
import org.junit.jupiter.api.Test;

class MvccGcTest {
    private static KvResponse gc(Harness h, Timestamp threshold, String start, int maxKeys) {
        return ok(h.run(KvRequest.newBuilder().setMvccGc(MvccGc.newBuilder().setThreshold(threshold.toProto())
                .setStartKey(Harness.b(start)).setMaxKeys(maxKeys)), t(1_000)));
    }

    @Test
    void gcRemovesWhatNoReadAtOrAboveTheThresholdSeesAndNeverIntentsOrRecords() {
        Harness h = new Harness();
        h.put("a", "1", 10);
        h.put("a", "2", 20);
        h.put("a", "3", 30);
        h.put("b", "1", 10);
        h.delete("b", 20);
        h.put("c", "1", 10);
        TxnMeta tx = txn(1, t(40), t(40), "c");
        ok(h.heartbeat(tx, 40));
        ok(h.prepare(tx, false, 40, "c", "2"));
        int before = h.store.map.size();

        KvResponse r = gc(h, t(25), "", 2);
        assertEquals("c", r.getGcResumeKey().toStringUtf8()); // a page of two keys
        assertEquals(3, r.getDeleted()); // a@10, b@10 and b's tombstone at 20
        r = gc(h, t(25), "c", 2);
        assertTrue(r.getGcResumeKey().isEmpty());
        assertEquals(0, r.getDeleted()); // c@10 is the newest at or below 25
        assertEquals(before - 3, h.store.map.size());
        assertEquals("2", h.value("a", 25));
        assertEquals("3", h.value("a", 30));
        assertNull(h.value("b", 25));
        assertNotNull(h.store.map.get(MvccKeys.intentKey(Harness.k("c"))));
        assertNotNull(h.store.map.get(MvccKeys.txnRecordKey(Harness.k("c"), tx.getId().toByteArray())));
    }
}
