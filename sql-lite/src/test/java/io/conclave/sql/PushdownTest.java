package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.mvcc.ScanFilter;
import io.conclave.range.mvcc.ScanFilterException;
import io.conclave.sql.exec.RowFilters;
import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What pushdown changes in cost (EXPLAIN ANALYZE) and what the range side refuses. */
class PushdownTest {
    private final Session s = new SqlEngine(new MemoryKv(), new MemoryAdmin()).openSession();

    private String analyze(String sql) {
        return s.execute("EXPLAIN ANALYZE " + sql).rows().stream().map(r -> r.get(0).asString())
                .filter(l -> l.startsWith("scans at the ranges")).collect(Collectors.joining());
    }

    @Test
    void explainAnalyzeReportsRowsScannedAtTheRangesAgainstRowsReturned() {
        s.execute("CREATE TABLE t (id INT PRIMARY KEY, v INT, pad TEXT)");
        StringBuilder insert = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 0; i < 100; i++) {
            insert.append(i == 0 ? "" : ", ").append("(").append(i).append(", ").append(i % 10).append(", 'x')");
        }
        s.execute(insert.toString());
        String on = analyze("SELECT id FROM t WHERE v = 3");
        assertTrue(on.startsWith("scans at the ranges: rows scanned 100, rows returned 10,"), on);
        s.execute("SET scan_pushdown = off");
        String off = analyze("SELECT id FROM t WHERE v = 3");
        assertTrue(off.startsWith("scans at the ranges: rows scanned 100, rows returned 100,"), off);
        s.execute("SET scan_pushdown = on");
        // A failing filter is evaluated again at the gateway, which raises the statement's error.
        SqlException e = assertThrows(SqlException.class, () -> s.execute("SELECT id FROM t WHERE 10 / v > 1"));
        assertEquals("22012", e.sqlState());
        assertEquals("division by zero", e.getMessage());
        assertEquals(List.of(List.of(Value.ofInt(3))), s.execute("SELECT sum(id) FROM t WHERE v <> 0 AND 10 / v > 4 AND id < 10").rows());
    }

    @Test
    void aRangeRefusesASpecificationItCannotRead() {
        ScanFilter.Factory factory = RowFilters.factory();
        assertEquals(RowFilters.KIND, factory.kind());
        assertTrue(assertThrows(ScanFilterException.class, () -> factory.compile(new byte[] {9, 1, 2}))
                .getMessage().contains("unknown filter format 9"));
        assertTrue(assertThrows(ScanFilterException.class, () -> factory.compile(new byte[] {1, 5, 1}))
                .getMessage().contains("unreadable"));
    }
}
