package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Random writes against a table with a plain and a unique secondary index, checked after every
 * step against a map: reads by primary key, by each index and by full scan must all agree with
 * it, unique violations must happen exactly when the model says, and a rolled-back explicit
 * transaction must leave no trace. Seeded; the seed is printed on failure.
 */
class ModelTest {
    private static final long SEED = Long.getLong("sql.seed", 7L);
    private static final int STEPS = 400;

    private record Row(long a, String b) {}

    @Test
    void indexesAndConstraintsAgreeWithAModel() {
        SplittableRandom random = new SplittableRandom(SEED);
        Session s = new SqlEngine(new MemoryKv(), new MemoryAdmin()).openSession();
        s.execute("CREATE TABLE m (k INT PRIMARY KEY, a INT NOT NULL, b STRING)");
        s.execute("CREATE INDEX m_a ON m (a)");
        s.execute("CREATE UNIQUE INDEX m_b ON m (b)");
        TreeMap<Long, Row> model = new TreeMap<>();
        for (int step = 0; step < STEPS; step++) {
            String where = "seed " + SEED + " (-Dsql.seed=" + SEED + ") step " + step;
            long k = random.nextInt(40);
            long a = random.nextInt(6);
            String b = random.nextInt(4) == 0 ? null : "s" + random.nextInt(30);
            String bSql = b == null ? "NULL" : "'" + b + "'";
            int op = random.nextInt(10);
            boolean rollback = random.nextInt(8) == 0;
            TreeMap<Long, Row> next = new TreeMap<>(model);
            String sql;
            if (op < 4) {
                sql = "INSERT INTO m VALUES (" + k + ", " + a + ", " + bSql + ")";
                next.put(k, new Row(a, b));
            } else if (op < 6) {
                sql = "UPSERT INTO m VALUES (" + k + ", " + a + ", " + bSql + ")";
                next.put(k, new Row(a, b));
            } else if (op < 8) {
                sql = "UPDATE m SET a = " + a + ", b = " + bSql + " WHERE k = " + k;
                if (next.containsKey(k)) {
                    next.put(k, new Row(a, b));
                }
            } else {
                sql = "DELETE FROM m WHERE k = " + k;
                next.remove(k);
            }
            boolean expectUnique = (op < 4 && model.containsKey(k)) || violatesUniqueB(next);
            if (rollback) {
                s.execute("BEGIN");
            }
            try {
                s.execute(sql);
                if (expectUnique) {
                    fail(where + ": expected a unique violation from " + sql);
                }
                if (!rollback) {
                    model = next;
                }
            } catch (SqlException e) {
                if (!expectUnique || !e.sqlState().equals("23505")) {
                    fail(where + ": " + sql + " -> " + e, e);
                }
            }
            if (rollback) {
                s.execute("ROLLBACK");
            }
            check(s, model, where, random);
        }
    }

    private static boolean violatesUniqueB(Map<Long, Row> rows) {
        List<String> bs = rows.values().stream().map(Row::b).filter(Objects::nonNull).collect(Collectors.toList());
        return bs.size() != bs.stream().distinct().count();
    }

    private static void check(Session s, TreeMap<Long, Row> model, String where, SplittableRandom random) {
        List<String> expected = new ArrayList<>();
        model.forEach((k, r) -> expected.add(k + " " + r.a() + " " + (r.b() == null ? "NULL" : r.b())));
        assertEquals(expected, lines(s.execute("SELECT k, a, b FROM m ORDER BY k")), where + " full scan");
        long a = random.nextInt(6);
        List<String> byA = new ArrayList<>();
        model.forEach((k, r) -> {
            if (r.a() == a) {
                byA.add(String.valueOf(k));
            }
        });
        assertEquals(byA, lines(s.execute("SELECT k FROM m WHERE a = " + a + " ORDER BY k")), where + " by index m_a");
        String b = "s" + random.nextInt(30);
        List<String> byB = new ArrayList<>();
        model.forEach((k, r) -> {
            if (b.equals(r.b())) {
                byB.add(String.valueOf(k));
            }
        });
        assertEquals(byB, lines(s.execute("SELECT k FROM m WHERE b = '" + b + "'")), where + " by index m_b");
        long k = random.nextInt(40);
        assertEquals(model.containsKey(k) ? List.of(String.valueOf(model.get(k).a())) : List.of(),
                lines(s.execute("SELECT a FROM m WHERE k = " + k)), where + " point lookup");
    }

    private static List<String> lines(Result r) {
        return r.rows().stream().map(row -> row.stream().map(Value::toString).collect(Collectors.joining(" ")))
                .collect(Collectors.toList());
    }
}
