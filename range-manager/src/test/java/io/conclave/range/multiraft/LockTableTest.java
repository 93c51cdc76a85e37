package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RangeReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the lock table adds to its {@link KeyedWaitQueue} (whose order and bounds are that class's
 * tests): keys are byte strings compared by content, kept as they were parked, and walked in key
 * order; the deadline test sees the scheduler's answer.
 */
class LockTableTest {
    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static LockTable.Waiter<String> w(String name, long dueAt) {
        return new LockTable.Waiter<>(KvRequest.getDefaultInstance(), name, RangeReply.getDefaultInstance(), dueAt);
    }

    private static String head(LockTable<String> t, String key) {
        LockTable.Waiter<String> w = t.releaseHead(k(key));
        return w == null ? null : w.pending();
    }

    @Test
    void keysAreComparedByContentAndCopiedWhenParked() {
        LockTable<String> t = new LockTable<>();
        byte[] key = k("a");
        t.park(key, w("first", 100), false);
        key[0] = 'z';
        t.park(k("a"), w("second", 100), false);
        assertNull(head(t, "z"), "the caller's array changed after parking, not the table's key");
        assertEquals("first", head(t, "a"));
        assertEquals("second", head(t, "a"));
        assertTrue(t.isEmpty());
    }

    @Test
    void waitersLeaveInKeyOrderWhenTheirWaitIsOverOrTheirRequestNearsItsDeadline() {
        LockTable<String> t = new LockTable<>();
        t.park(k("b"), w("b-late", 300), false);
        t.park(k("b"), w("b-early", 100), false);
        t.park(k("a"), w("a-early", 100), false);
        t.park(k("a"), w("a-deadline", 900), false);
        t.park(k("a"), w("a-late", 300), false);
        assertEquals(List.of(), names(t.due(99, p -> false)));
        assertEquals(List.of("a-early", "a-deadline", "b-early"), names(t.due(100, p -> p.equals("a-deadline"))));
        assertEquals("a-late", head(t, "a"), "the rest keep their order");
        assertEquals(List.of("b-late"), names(t.drain()));
        assertTrue(t.isEmpty());
    }

    @Test
    void theTableHoldsMaxWaiters() {
        LockTable<String> t = new LockTable<>();
        for (int i = 0; i < LockTable.MAX_WAITERS; i++) assertTrue(t.park(k("k" + (i % 7)), w("w" + i, 1), false));
        assertFalse(t.park(k("k"), w("one too many", 1), false));
        assertEquals(LockTable.MAX_WAITERS, t.size());
        assertEquals(LockTable.MAX_WAITERS, t.drain().size());
    }

    private static List<String> names(List<LockTable.Waiter<String>> ws) {
        List<String> out = new ArrayList<>();
        for (LockTable.Waiter<String> w : ws) out.add(w.pending());
        return out;
    }
}
