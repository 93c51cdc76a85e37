package io.conclave.node.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The registry of running statements: listed while they run, counted and timed when they finish. */
class ActiveStatementsTest {
    @Test
    void statementsAreListedUntilTheyFinish() {
        ActiveStatements a = new ActiveStatements();
        long first = a.start("SELECT 1", "/127.0.0.1:5000", 7_000_000, 100);
        long second = a.start("x".repeat(ActiveStatements.MAX_TEXT_CHARS + 50), "/127.0.0.1:5001", 8_000_000, 200);
        List<ActiveStatements.Running> running = a.running();
        assertEquals(List.of(first, second), running.stream().map(ActiveStatements.Running::id).toList());
        assertEquals(ActiveStatements.MAX_TEXT_CHARS + 1, running.get(1).sql().length(), "long text is cut");
        a.finish(first, 2_000_100, null);
        a.finish(second, 1_000_200, "error");
        a.finish(second, 9_999_999, "error"); // finished twice: counted once
        assertTrue(a.running().isEmpty());
        assertEquals(1, a.finished().values().get("ok"));
        assertEquals(1, a.finished().values().get("error"));
        assertEquals(2, a.latency().snapshot().count());
        assertEquals(3_000_000, a.latency().snapshot().sumNanos());
    }
}
