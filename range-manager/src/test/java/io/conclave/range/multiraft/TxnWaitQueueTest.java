package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPush;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the txn wait queue adds to its {@link KeyedWaitQueue} (whose order and bounds are that
 * class's tests): waiters keyed by pushee, and the waits-for edges it knows.
 */
class TxnWaitQueueTest {
    private static TxnMeta txn(int id) {
        byte[] b = new byte[16];
        b[15] = (byte) id;
        return TxnMeta.newBuilder().setId(ByteString.copyFrom(b)).build();
    }

    private static TxnWaitQueue.Waiter<String> waiter(String name, int pusher, int pushee, long dueAt, boolean reevaluate) {
        KvRequest req = KvRequest.newBuilder().setTxnPush(TxnPush.newBuilder().setPusher(txn(pusher))
                .setPushee(txn(pushee)).setType(PushType.PUSH_ABORT).setWaitMillis(100)).build();
        return new TxnWaitQueue.Waiter<>(req, name, dueAt, reevaluate);
    }

    private static List<String> names(List<TxnWaitQueue.Waiter<String>> ws) {
        List<String> out = new ArrayList<>();
        for (TxnWaitQueue.Waiter<String> w : ws) out.add(w.pending());
        return out;
    }

    @Test
    void aReleaseHandsBackThePusheesWaitersAndDueOnesSayWhetherToEvaluateAgain() {
        TxnWaitQueue<String> q = new TxnWaitQueue<>();
        assertTrue(q.park(waiter("w1", 1, 9, 1_000, false)));
        assertTrue(q.park(waiter("expiry", 2, 8, 1_000, true)));
        assertTrue(q.park(waiter("w2", 3, 9, 500, false)));
        assertTrue(q.park(waiter("nearDeadline", 4, 8, 9_000, false)));
        assertEquals(4, q.size());
        assertEquals(List.of("w1", "w2"), names(q.release(txn(9).getId())));
        List<TxnWaitQueue.Waiter<String>> due = q.due(1_000, p -> p.equals("nearDeadline"));
        assertEquals(List.of("expiry", "nearDeadline"), names(due));
        assertTrue(due.get(0).reevaluate(), "a pushee's expiry: evaluate the push again");
        assertFalse(due.get(1).reevaluate(), "a wait that is over: answer PUSH_FAILED");
        assertTrue(q.isEmpty());
    }

    @Test
    void anAnsweredPushsEdgeCountsForAWhileAndNotAfterThePusheeFinished() {
        TxnWaitQueue<String> q = new TxnWaitQueue<>();
        TxnWaitQueue.Waiter<String> w = waiter("w", 1, 9, 100, false);
        q.park(w);
        q.park(waiter("v", 2, 1, 100, false));
        assertEquals(2, q.edgesInto(txn(9).getId(), 0).size(), "1 -> 9, and 2 -> 1 through it");
        q.due(100, p -> false);
        q.answeredAfterWait(w, 350);
        assertEquals(1, q.edgesInto(txn(9).getId(), 200).size(), "1 -> 9 still counts while 1 pushes again");
        assertEquals(0, q.edgesInto(txn(9).getId(), 350).size(), "then it ages out");
        q.answeredAfterWait(w, 1_000);
        q.release(txn(9).getId());
        assertEquals(0, q.edgesInto(txn(9).getId(), 400).size(), "9 finished: nobody waits for it");
    }

    @Test
    void theQueueIsBounded() {
        TxnWaitQueue<String> q = new TxnWaitQueue<>();
        for (int i = 0; i < TxnWaitQueue.MAX_WAITERS; i++) assertTrue(q.park(waiter("w" + i, i % 100, 9, 1, false)));
        assertFalse(q.park(waiter("one too many", 1, 9, 1, false)));
        assertEquals(TxnWaitQueue.MAX_WAITERS, q.drain().size());
    }
}
