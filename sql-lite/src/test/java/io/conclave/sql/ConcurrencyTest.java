package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sessions on several threads increment one counter and move money between accounts through
 * one engine (shared catalog cache, conflicting transactions, implicit retries). Invariants: the
 * counter equals the number of increments that reported success, and the total never changes.
 */
class ConcurrencyTest {
    private static final int THREADS = 4;
    private static final int OPERATIONS = 60;

    @Test
    void conflictingSessionsKeepInvariants() throws Exception {
        SqlEngine engine = new SqlEngine(new MemoryKv(), new MemoryAdmin());
        Session setup = engine.openSession();
        setup.execute("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)");
        setup.execute("INSERT INTO counter VALUES (1, 0)");
        setup.execute("CREATE TABLE acct (id INT PRIMARY KEY, balance INT NOT NULL)");
        setup.execute("INSERT INTO acct VALUES (1, 100), (2, 100), (3, 100)");
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final int thread = t;
            results.add(pool.submit(() -> {
                Session s = engine.openSession();
                int succeeded = 0;
                for (int i = 0; i < OPERATIONS; i++) {
                    try {
                        s.execute("UPDATE counter SET n = n + 1 WHERE id = 1");
                        succeeded++;
                    } catch (SqlException e) {
                        assertEquals("40001", e.sqlState(), e.toString());
                    }
                    int from = 1 + (thread + i) % 3;
                    int to = 1 + (thread + i + 1) % 3;
                    try {
                        s.execute("BEGIN");
                        s.execute("UPDATE acct SET balance = balance - 7 WHERE id = " + from);
                        s.execute("UPDATE acct SET balance = balance + 7 WHERE id = " + to);
                        s.execute("COMMIT");
                    } catch (SqlException e) {
                        assertEquals("40001", e.sqlState(), e.toString());
                        if (s.inTransaction()) {
                            s.execute("ROLLBACK");
                        }
                    }
                }
                return succeeded;
            }));
        }
        int succeeded = 0;
        for (Future<Integer> f : results) {
            succeeded += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(String.valueOf(succeeded),
                setup.execute("SELECT n FROM counter WHERE id = 1").rows().get(0).get(0).toString());
        assertEquals("300", setup.execute("SELECT sum(balance) FROM acct").rows().get(0).get(0).toString());
        assertTrue(succeeded > 0);
    }
}
