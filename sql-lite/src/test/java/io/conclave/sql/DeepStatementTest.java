package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Statements nested too deeply for the parser or the evaluator are refused with 54001 and the
 * session goes on: a client cannot overflow the stack of the thread that runs its statements.
 */
class DeepStatementTest {
    @Test
    void deepStatementsFailWith54001AndTheSessionGoesOn() {
        Session s = new SqlEngine(new MemoryKv(), new MemoryAdmin()).openSession();
        for (String sql : List.of("SELECT " + "(".repeat(10_000) + "1" + ")".repeat(10_000),
                "SELECT " + "- ".repeat(50_000) + "1",
                "SELECT 1" + " + 1".repeat(100_000))) {
            try {
                s.execute(sql);
            } catch (SqlException e) {
                assertEquals("54001", e.sqlState(), e.getMessage());
            }
        }
        assertEquals(2L, s.execute("SELECT 1 + 1").rows().get(0).get(0).asLong());
        assertEquals(1L, s.execute("SELECT " + "(".repeat(100) + "1" + ")".repeat(100)).rows().get(0).get(0).asLong());
    }
}
