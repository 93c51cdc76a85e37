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

/** The per-key wait queues' order and bounds, with time given. */
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
    void eachKeyReleasesItsWaitersOneAtATimeInArrivalOrder() {
        LockTable<String> t = new LockTable<>();
        t.park(k("a"), w("first", 100), false);
        t.park(k("b"), w("elsewhere", 100), false);
        t.park(k("a"), w("second", 100), false);
        t.park(k("a"), w("third", 100), false);
        assertEquals(4, t.size());
        assertEquals("first", head(t, "a"));
        // The head met a new intent when evaluated again: it keeps its place.
        t.park(k("a"), w("first", 100), true);
        assertEquals("first", head(t, "a"));
        assertEquals("second", head(t, "a"));
        assertEquals("third", head(t, "a"));
        assertNull(head(t, "a"));
        assertEquals("elsewhere", head(t, "b"));
        assertTrue(t.isEmpty());
    }

    @Test
    void waitersLeaveWhenTheirWaitIsOverOrTheirRequestNearsItsDeadline() {
        LockTable<String> t = new LockTable<>();
        t.park(k("b"), w("b-late", 300), false);
        t.park(k("a"), w("a-early", 100), false);
        t.park(k("a"), w("a-deadline", 900), false);
        t.park(k("a"), w("a-late", 300), false);
        assertEquals(List.of(), names(t.due(99, p -> false)));
        assertEquals(List.of("a-early", "a-deadline"), names(t.due(100, p -> p.equals("a-deadline"))));
        assertEquals("a-late", head(t, "a"), "the rest keep their order");
        assertEquals(List.of("b-late"), names(t.drain()));
        assertTrue(t.isEmpty());
    }

    @Test
    void theTableIsBounded() {
        LockTable<String> t = new LockTable<>();
        for (int i = 0; i < LockTable.MAX_WAITERS; i++) assertTrue(t.park(k("k" + (i % 7)), w("w" + i, 1), false));
        assertFalse(t.park(k("k"), w("one too many", 1), false));
        assertEquals(LockTable.MAX_WAITERS, t.drain().size());
    }

    private static List<String> names(List<LockTable.Waiter<String>> ws) {
        List<String> out = new ArrayList<>();
        for (LockTable.Waiter<String> w : ws) out.add(w.pending());
        return out;
    }
}
