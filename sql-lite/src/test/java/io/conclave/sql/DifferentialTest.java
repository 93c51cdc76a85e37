package io.conclave.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random data, queries and writes run on Conclave and on an embedded H2 (the reference), with
 * the results compared. The query generator stays inside the SQL both agree on (no NULL
 * ordering, no division, no AVG); unordered results are compared as sorted rows. Seeded; the
 * seed and the statement are printed on a difference.
 */
class DifferentialTest {
    private static final long SEED = Long.getLong("sql.seed", 42L);
    private static final int ROWS = 40;
    private static final int STATEMENTS = 300;

    private final SplittableRandom random = new SplittableRandom(SEED);

    @Test
    void conclaveAgreesWithH2() throws SQLException {
        SqlEngine engine = new SqlEngine(new MemoryKv(), new MemoryAdmin());
        Session conclave = engine.openSession();
        // The same store read with every filter and projection evaluated at the gateway: each
        // query must give H2's answer both ways.
        Session gatewayOnly = engine.openSession();
        gatewayOnly.execute("SET scan_pushdown = off");
        try (Connection h2 = DriverManager.getConnection("jdbc:h2:mem:diff" + SEED + ";MODE=PostgreSQL");
             Statement reference = h2.createStatement()) {
            List<String> setup = new ArrayList<>(List.of(
                    "CREATE TABLE t (id INT PRIMARY KEY, a INT, b INT, s VARCHAR(10))",
                    "CREATE TABLE u (id INT PRIMARY KEY, t_id INT, w INT)"));
            for (String sql : setup) {
                conclave.execute(sql);
                reference.execute(sql.replace(" INT", " BIGINT"));
            }
            conclave.execute("CREATE INDEX t_a ON t (a)");
            conclave.execute("CREATE INDEX u_t_id ON u (t_id, w)");
            for (int i = 0; i < ROWS; i++) {
                both(conclave, reference, "INSERT INTO t VALUES (" + i + ", " + small() + ", " + small() + ", " + text() + ")");
                both(conclave, reference, "INSERT INTO u VALUES (" + i + ", " + small() + ", " + small() + ")");
            }
            for (int i = 0; i < STATEMENTS; i++) {
                int kind = random.nextInt(10);
                if (kind == 0) {
                    both(conclave, reference, "UPDATE t SET b = b + " + random.nextInt(3) + ", s = " + text() + " WHERE " + predicate("t"));
                } else if (kind == 1) {
                    both(conclave, reference, "DELETE FROM u WHERE " + predicate("u"));
                } else {
                    String query = query();
                    compare(conclave, reference, query);
                    compare(gatewayOnly, reference, query);
                }
            }
            compare(conclave, reference, "SELECT id, a, b, s FROM t ORDER BY id");
        }
    }

    private String query() {
        switch (random.nextInt(6)) {
            case 0:
                return "SELECT id, a, b, s FROM t WHERE " + predicate("t") + " ORDER BY id";
            case 1:
                return "SELECT a, count(*), sum(b), min(b), max(b), count(b) FROM t WHERE " + predicate("t") + " GROUP BY a";
            case 2:
                return "SELECT t.id, u.id, t.a + u.w FROM t JOIN u ON t.id = u.t_id WHERE " + predicate("t", "t.");
            case 3:
                return random.nextBoolean() ? "SELECT DISTINCT a, b - 1 FROM t WHERE " + predicate("t")
                        : "SELECT u.id, t.s FROM u JOIN t ON t.id = u.t_id WHERE " + predicate("u", "u.")
                        + " AND " + predicate("t", "t.");
            case 4:
                return "SELECT id, a * 2 - b FROM t WHERE " + predicate("t") + " ORDER BY id LIMIT " + random.nextInt(1, 6)
                        + " OFFSET " + random.nextInt(3);
            default:
                return "SELECT u.id, u.w FROM u WHERE t_id = " + random.nextInt(6) + " AND " + predicate("u");
        }
    }

    private String predicate(String table) {
        return predicate(table, "");
    }

    /** A random condition on one table's columns, each prefixed with {@code qualifier}. */
    private String predicate(String table, String qualifier) {
        return predicate(table, qualifier, random.nextInt(3));
    }

    private String predicate(String table, String q, int depth) {
        if (depth > 0 && random.nextInt(3) == 0) {
            String op = random.nextBoolean() ? " AND " : " OR ";
            String p = "(" + predicate(table, q, depth - 1) + op + predicate(table, q, depth - 1) + ")";
            return random.nextInt(4) == 0 ? "NOT " + p : p;
        }
        String column = q + (table.equals("t")
                ? List.of("id", "a", "b").get(random.nextInt(3))
                : List.of("id", "t_id", "w").get(random.nextInt(3)));
        return switch (random.nextInt(7)) {
            case 0 -> column + " = " + random.nextInt(8);
            case 1 -> column + " " + List.of("<", "<=", ">", ">=", "<>").get(random.nextInt(5)) + " " + random.nextInt(8);
            case 2 -> column + " IS " + (random.nextBoolean() ? "NOT " : "") + "NULL";
            case 3 -> column + (random.nextBoolean() ? " NOT" : "") + " BETWEEN " + random.nextInt(4) + " AND " + random.nextInt(3, 9);
            case 4 -> column + (random.nextBoolean() ? " NOT" : "") + " IN (" + random.nextInt(5) + ", " + random.nextInt(5)
                    + (random.nextBoolean() ? ", NULL" : "") + ")";
            case 5 -> table.equals("t") ? q + "s LIKE '" + (char) ('a' + random.nextInt(3)) + "%'"
                    : q + "w + " + q + "t_id > " + random.nextInt(8);
            default -> table.equals("t") ? q + "a = " + q + "b" : q + "id > " + random.nextInt(40);
        };
    }

    private String small() {
        return random.nextInt(6) == 0 ? "NULL" : String.valueOf(random.nextInt(6));
    }

    private String text() {
        return random.nextInt(6) == 0 ? "NULL" : "'" + (char) ('a' + random.nextInt(3)) + random.nextInt(10) + "'";
    }

    private static void both(Session conclave, Statement reference, String sql) throws SQLException {
        long expected = reference.executeUpdate(sql);
        Result actual;
        try {
            actual = conclave.execute(sql);
        } catch (SqlException e) {
            throw new AssertionError("seed " + SEED + " (-Dsql.seed=" + SEED + "): " + sql + " -> " + e, e);
        }
        assertEquals(expected, actual.rowCount(), "seed " + SEED + ": row count of " + sql);
    }

    private static void compare(Session conclave, Statement reference, String sql) throws SQLException {
        List<String> expected = new ArrayList<>();
        try (ResultSet rs = reference.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(normalize(rs.getObject(c)));
                }
                expected.add(String.join("|", row));
            }
        }
        List<String> actual = new ArrayList<>();
        try {
            for (List<Value> row : conclave.execute(sql).rows()) {
                List<String> out = new ArrayList<>();
                for (Value v : row) {
                    out.add(v.isNull() ? "NULL" : v.family() == SqlType.Family.STRING ? v.asString() : normalize(v.toString()));
                }
                actual.add(String.join("|", out));
            }
        } catch (SqlException e) {
            fail("seed " + SEED + " (-Dsql.seed=" + SEED + "): " + sql + " -> " + e, e);
        }
        if (!sql.contains("ORDER BY")) {
            expected.sort(null);
            actual.sort(null);
        }
        assertEquals(expected, actual, "seed " + SEED + " (-Dsql.seed=" + SEED + "): " + sql);
    }

    private static String normalize(Object o) {
        if (o == null) {
            return "NULL";
        }
        if (o instanceof Number || o instanceof String s && s.matches("-?[0-9]+(\\.[0-9]+)?")) {
            BigDecimal d = new BigDecimal(o.toString()).stripTrailingZeros();
            return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
        }
        return o.toString();
    }
}
