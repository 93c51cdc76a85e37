package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keyed wait queue's order and bounds, with time given. */
class KeyedWaitQueueTest {
    private record W(String name, long dueAtNanos) implements KeyedWaitQueue.Waiter {}

    private static KeyedWaitQueue<String, W> sorted(int max) {
        return KeyedWaitQueue.inKeyOrder(Comparator.<String>naturalOrder(), max);
    }

    private static List<String> names(List<W> ws) {
        List<String> out = new ArrayList<>();
        for (W w : ws) out.add(w.name());
        return out;
    }

    private static String head(KeyedWaitQueue<String, W> q, String key) {
        W w = q.releaseHead(key);
        return w == null ? null : w.name();
    }

    @Test
    void eachKeyReleasesItsWaitersOneAtATimeInArrivalOrderAndAHeadParkedFirstKeepsItsPlace() {
        KeyedWaitQueue<String, W> q = sorted(100);
        q.park("a", new W("first", 100), false);
        q.park("b", new W("elsewhere", 100), false);
        q.park("a", new W("second", 100), false);
        q.park("a", new W("third", 100), false);
        assertEquals(4, q.size());
        assertEquals("first", head(q, "a"));
        q.park("a", new W("first", 100), true);
        assertEquals("first", head(q, "a"));
        assertEquals("second", head(q, "a"));
        assertEquals("third", head(q, "a"));
        assertNull(head(q, "a"));
        assertEquals("elsewhere", head(q, "b"));
        assertTrue(q.isEmpty());
    }

    @Test
    void releaseAllHandsBackAKeysWaitersInTheOrderTheyCameOnce() {
        KeyedWaitQueue<String, W> q = KeyedWaitQueue.inArrivalOrder(100);
        q.park("9", new W("w1", 1_000), false);
        q.park("8", new W("other", 1_000), false);
        q.park("9", new W("w2", 500), false);
        q.park("9", new W("w3", 2_000), false);
        assertEquals(List.of("w1", "w2", "w3"), names(q.releaseAll("9")));
        assertEquals(List.of(), names(q.releaseAll("9")), "released once");
        assertEquals(1, q.size());
        assertEquals(List.of("other"), names(q.drain()));
        assertTrue(q.isEmpty());
    }

    @Test
    void dueWaitersLeaveByTimeOrPredicateWalkingKeysInTheQueuesOrderAndTheRestKeepTheirPlaces() {
        for (boolean keyOrder : new boolean[] {true, false}) {
            KeyedWaitQueue<String, W> q = keyOrder ? sorted(100) : KeyedWaitQueue.inArrivalOrder(100);
            q.park("b", new W("b-early", 100), false);
            q.park("a", new W("a-early", 100), false);
            q.park("a", new W("a-deadline", 900), false);
            q.park("a", new W("a-late", 300), false);
            q.park("b", new W("b-late", 300), false);
            assertEquals(List.of(), names(q.due(99, w -> false)));
            List<String> due = names(q.due(100, w -> w.name().equals("a-deadline")));
            assertEquals(keyOrder ? List.of("a-early", "a-deadline", "b-early")
                    : List.of("b-early", "a-early", "a-deadline"), due, keyOrder ? "key order" : "arrival order");
            assertEquals(2, q.size());
            List<String> left = new ArrayList<>();
            q.forEachWaiter(w -> left.add(w.name()));
            assertEquals(keyOrder ? List.of("a-late", "b-late") : List.of("b-late", "a-late"), left);
            assertEquals(left, names(q.due(300, w -> false)));
            assertTrue(q.isEmpty());
        }
    }

    @Test
    void theQueueIsBoundedAndAFullQueueChangesNothing() {
        KeyedWaitQueue<String, W> q = sorted(10);
        for (int i = 0; i < 10; i++) assertTrue(q.park("k" + (i % 3), new W("w" + i, 1), false));
        assertFalse(q.park("k0", new W("one too many", 1), false));
        assertFalse(q.park("new", new W("one too many", 1), true));
        assertEquals(10, q.size());
        assertEquals("w0", head(q, "k0"));
        assertTrue(q.park("new", new W("room again", 1), false));
        assertEquals(10, q.drain().size());
        assertThrows(IllegalStateException.class, () -> sorted(0));
    }
}
