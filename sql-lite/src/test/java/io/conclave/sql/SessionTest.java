package io.conclave.sql;

import static io.conclave.sql.SessionResults.rows;
import static io.conclave.sql.SessionResults.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import io.conclave.sql.parser.StatementParser;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionTest {
    private final MemoryKv kv = new MemoryKv();
    private final SqlEngine engine = new SqlEngine(kv, new MemoryAdmin());

    @Test
    void implicitStatementsAreRetriedOnSerializationFailures() {
        Session s = engine.openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        kv.failNextCommits(3);
        assertEquals("INSERT 0 1", s.execute("INSERT INTO t VALUES (1)").tag());
        assertEquals("1", rows(s.execute("SELECT count(*) FROM t")));

        // Failures that outlast a handful of attempts are still retried while the budget lasts.
        kv.failNextCommits(ImplicitRetries.MIN_ATTEMPTS + 5);
        assertEquals("INSERT 0 1", s.execute("INSERT INTO t VALUES (2)").tag());
        assertEquals("2", rows(s.execute("SELECT count(*) FROM t")));
    }

    @Test
    void anImplicitStatementGivesUpOnceItsRetryBudgetIsSpent() {
        // A clock that moves a second per read: the budget runs out as soon as the attempt floor is reached.
        AtomicLong nanos = new AtomicLong();
        SqlEngine timed = new SqlEngine(kv, new MemoryAdmin(), () -> nanos.addAndGet(1_000_000_000L));
        Session s = timed.openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        kv.failNextCommits(Integer.MAX_VALUE);
        SqlException e = assertThrows(SqlException.class, () -> s.execute("INSERT INTO t VALUES (1)"));
        assertEquals("40001", e.sqlState());
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().contains("(after " + ImplicitRetries.MIN_ATTEMPTS + " attempts)"), e.getMessage());
        kv.failNextCommits(0);
        assertEquals("0", rows(s.execute("SELECT count(*) FROM t")));
    }

    @Test
    void asOfSystemTimeReadsThePast() {
        Session s = engine.openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
        s.execute("INSERT INTO t VALUES (1, 'old')");
        Timestamp before = kv.now();
        s.execute("UPDATE t SET v = 'new' WHERE k = 1");
        assertEquals("old", rows(s.execute("SELECT v FROM t AS OF SYSTEM TIME '" + before + "' WHERE k = 1")));
        assertEquals("new", rows(s.execute("SELECT v FROM t WHERE k = 1")));
        assertEquals("22023", state(s, "SELECT v FROM t AS OF SYSTEM TIME '" + new Timestamp(before.wallNanos() + 1_000_000_000_000L, 0) + "'"));
        assertEquals("22023", state(s, "SELECT v FROM t AS OF SYSTEM TIME 'yesterday'"));
        assertEquals("42P01", state(s, "SELECT v FROM t AS OF SYSTEM TIME '-1h'"));
        s.execute("BEGIN");
        assertEquals("0A000", state(s, "SELECT v FROM t AS OF SYSTEM TIME '-1us'"));
        s.execute("ROLLBACK");
    }

    @Test
    void anOrderByThePrimaryKeyWithALimitReadsOnlyTheRowsItReturns() {
        Session s = engine.openSession();
        s.execute("CREATE TABLE t (k STRING PRIMARY KEY, v INT)");
        for (int i = 0; i < 20; i++) {
            s.execute("INSERT INTO t VALUES ($1, $2)", List.of(Value.ofString("k" + (100 + i)), Value.ofInt(i)));
        }
        String sql = "SELECT * FROM t WHERE k >= 'k105' ORDER BY k LIMIT 3";
        assertEquals("k105 5; k106 6; k107 7", rows(s.execute(sql)));
        String plan = rows(s.execute("EXPLAIN " + sql));
        assertTrue(plan.contains("(primary key order: none needed)") && plan.contains("asking for 3 rows"), plan);
        String analyzed = rows(s.execute("EXPLAIN ANALYZE " + sql));
        assertTrue(analyzed.contains("rows read: 3,"), analyzed);
        // Not a key prefix: sorted, every matching row read.
        analyzed = rows(s.execute("EXPLAIN ANALYZE SELECT * FROM t WHERE k >= 'k105' ORDER BY v LIMIT 3"));
        assertTrue(analyzed.contains("rows read: 15,"), analyzed);
    }

    @Test
    void explainAnalyzeRunsTheStatementAndReportsItsCost() {
        Session s = engine.openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        Result r = s.execute("EXPLAIN ANALYZE INSERT INTO t VALUES (1), (2)");
        String text = rows(r);
        assertTrue(text.contains("rows affected: 2"), text);
        assertTrue(text.contains("rows written: 2"), text);
        assertTrue(text.contains("transaction restarts: 0"), text);
        assertTrue(text.contains("commit-wait"), text);
        assertEquals("2", rows(s.execute("SELECT count(*) FROM t")));
        text = rows(s.execute("EXPLAIN ANALYZE SELECT * FROM t WHERE k = 2"));
        assertTrue(text.contains("rows returned: 1") && text.contains("rows read: 1"), text);
    }

    @Test
    void limitsFailClearly() {
        Session s = engine.openSession();
        String huge = "SELECT '" + "x".repeat(StatementParser.MAX_STATEMENT_BYTES) + "'";
        SqlException e = assertThrows(SqlException.class, () -> s.execute(huge));
        assertEquals("54000", e.sqlState());
        assertTrue(e.getMessage().contains("MAX_STATEMENT_BYTES"), e.getMessage());
        s.execute("CREATE TABLE t (k STRING PRIMARY KEY)");
        e = assertThrows(SqlException.class, () -> s.execute("INSERT INTO t VALUES ('" + "k".repeat(300) + "')"));
        assertEquals("54000", e.sqlState());
        assertTrue(e.getMessage().contains("MAX_KEY_BYTES"), e.getMessage());
        assertEquals("42601", state(s, ""));
    }

    @Test
    void schemaChangesReachOtherSessionsAndConflictWithTransactionsThatUsedTheOldSchema() {
        Session a = engine.openSession();
        Session b = engine.openSession();
        a.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        b.execute("INSERT INTO t VALUES (1)");
        a.execute("DROP TABLE t");
        a.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING NOT NULL)");
        assertEquals("23502", state(b, "INSERT INTO t VALUES (2)"));
        assertEquals("", rows(b.execute("SELECT * FROM t")));

        b.execute("BEGIN");
        b.execute("INSERT INTO t VALUES (3, 'x')");
        a.execute("CREATE INDEX t_v ON t (v)");
        assertEquals("40001", state(b, "COMMIT"));
        assertEquals("", rows(a.execute("SELECT * FROM t")));
        assertTrue(a.execute("SHOW CREATE TABLE t").rows().get(0).get(1).asString().contains("INDEX t_v (v)"));
    }

    @Test
    void noInternalErrorsForCommonMistakes() {
        Session s = engine.openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
        for (String sql : List.of("SELECT * FROM", "SELECT 1 +", "INSERT INTO t VALUES", "SELECT k FROM t GROUP BY",
                "SELECT count(count(k)) FROM t", "SELECT nosuch(1)", "SELECT substr('a', 'b')", "SELECT * FROM t WHERE k = 'x'",
                "SELECT sum(v) FROM t", "SELECT 'a' + 1", "UPDATE t SET k = 'z'", "CREATE TABLE u (a INT, PRIMARY KEY (b))",
                "CREATE TABLE u (a INT PRIMARY KEY, b INT PRIMARY KEY)", "SHOW nosuch", "SELECT * FROM t LIMIT -1",
                "SELECT 1 LIMIT k", "CREATE TABLE u (a INT DEFAULT 'x')", "DROP INDEX nope", "SELECT t.* FROM t AS x",
                "INSERT INTO t (nope) VALUES (1)", "SELECT * FROM t ORDER BY nope", "SELECT abs('x')")) {
            SqlException e = assertThrows(SqlException.class, () -> s.execute(sql), sql);
            assertTrue(!e.sqlState().equals("XX000"), sql + " -> " + e);
        }
    }

    @Test
    void statementTimeoutCancelsLongStatements() {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
        // Every clock read advances 1 ms: the statement's own checks drive time forward.
        Session s = new SqlEngine(kv, null, () -> clock.addAndGet(1_000_000)).openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        StringBuilder insert = new StringBuilder("INSERT INTO t VALUES (0)");
        for (int i = 1; i < 3000; i++) {
            insert.append(", (").append(i).append(')');
        }
        s.execute(insert.toString());
        assertEquals("22023", state(s, "SET statement_timeout = 'soon'"));
        s.execute("SET statement_timeout = '5ms'");
        SqlException e = assertThrows(SqlException.class, () -> s.execute("SELECT count(*) FROM t"));
        assertEquals("57014", e.sqlState());
        assertTrue(e.getMessage().contains("statement_timeout = 5ms"), e.getMessage());
        s.execute("SET statement_timeout = 0");
        assertEquals("3000", rows(s.execute("SELECT count(*) FROM t")));
    }

    @Test
    void commitWaitSettingReachesEveryTransaction() {
        Session s = engine.openSession();
        assertEquals("on", s.settings().get("commit_wait"), "on by default");
        s.execute("SET commit_wait = off");
        s.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        assertEquals(0, kv.commitsWithCommitWait());
        s.execute("SET commit_wait = on");
        assertEquals("on", s.settings().get("commit_wait"));
        s.execute("INSERT INTO t VALUES (1)");
        s.execute("BEGIN");
        s.execute("INSERT INTO t VALUES (2)");
        s.execute("COMMIT");
        assertEquals(2, kv.commitsWithCommitWait());
        s.execute("SET commit_wait = off");
        s.execute("INSERT INTO t VALUES (3)");
        assertEquals(2, kv.commitsWithCommitWait());
    }

    @Test
    void resetReturnsSettingsToWhatTheSessionStartedWithAndShowAllListsThem() {
        Session s = engine.openSession();
        s.execute("SET application_name = 'loader'"); // as a connection's options are set
        s.markStartSettings();
        s.execute("SET application_name = 'other'");
        s.execute("SET statement_timeout = '5s'");
        assertEquals(Map.of("commit_wait", "off"), s.execute("SET commit_wait = off").settings());
        Result reset = s.execute("RESET application_name");
        assertEquals("RESET", reset.tag());
        assertEquals(List.of("application_name"), reset.settingsReset());
        assertEquals("loader", rows(s.execute("SHOW application_name")));
        Result setDefault = s.execute("SET statement_timeout TO DEFAULT");
        assertEquals("SET", setDefault.tag());
        assertEquals(List.of("statement_timeout"), setDefault.settingsReset());
        assertEquals("0", rows(s.execute("SHOW statement_timeout")));
        assertEquals("application_name loader; commit_wait off; scan_pushdown on; statement_timeout 0",
                rows(s.execute("SHOW ALL")));
        s.execute("SET CLUSTER SETTING commit_wait = off");
        s.execute("SET commit_wait = on");
        assertEquals(List.of("application_name", "commit_wait", "scan_pushdown", "statement_timeout"),
                s.execute("reset all").settingsReset());
        // commit_wait was not set when the session started: the cluster's setting decides again.
        assertEquals("off", rows(s.execute("SHOW commit_wait")));
        assertEquals("42704", state(s, "RESET nonsense"));
        assertEquals("42704", state(s, "SET nonsense TO DEFAULT"));
        assertEquals("42704", state(s, "SHOW nonsense"));
        s.execute("CREATE TABLE reset (reset INT PRIMARY KEY)"); // still a name a table or column may have
    }

    @Test
    void parametersBindByPositionAndTakeTheirContextsType() {
        Session s = engine.openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING, d DECIMAL)");
        for (int i = 1; i <= 3; i++) {
            s.execute("INSERT INTO t VALUES ($1, $2, $3)", List.of(Value.ofInt(i), Value.ofString("v" + i), Value.ofString(i + ".5")));
        }
        assertEquals("v2 2.5", rows(s.execute("SELECT v, d FROM t WHERE k = ?", List.of(Value.ofInt(2)))));
        assertEquals("2", rows(s.execute("SELECT count(*) FROM t WHERE k > $1 AND v <> $2",
                List.of(Value.ofString("1"), Value.ofString("zz")))));
        assertEquals("0", rows(s.execute("SELECT count(*) FROM t WHERE v <> $1", java.util.Collections.singletonList(Value.NULL))));
        assertEquals("1", rows(s.execute("UPDATE t SET v = ? WHERE k = ? RETURNING k", List.of(Value.NULL, Value.ofInt(1)))));
        assertTrue(rows(s.execute("EXPLAIN SELECT v FROM t WHERE k = $1", List.of(Value.ofInt(3)))).contains("point lookup"));
        assertEquals("42P02", state(s, "SELECT $2"));
        SqlException e = assertThrows(SqlException.class, () -> s.execute("SELECT $1 + ?", List.of(Value.ofInt(1))));
        assertEquals("42601", e.sqlState());
        assertEquals("42P02", state(s, "CREATE TABLE u (a INT DEFAULT $1)"));
        assertEquals("22P02", assertThrows(SqlException.class,
                () -> s.execute("SELECT * FROM t WHERE k = $1", List.of(Value.ofString("x")))).sqlState());
    }

    @Test
    void adminIsOptional() {
        Session s = new SqlEngine(kv, null).openSession();
        s.execute("CREATE TABLE t (k INT PRIMARY KEY)");
        assertEquals("0A000", state(s, "SHOW RANGES FROM TABLE t"));
        assertEquals("0A000", state(s, "ALTER TABLE t SPLIT AT VALUES (1)"));
        assertTrue(rows(s.execute("EXPLAIN SELECT * FROM t")).contains("scan t@t_pkey"));
    }
}
