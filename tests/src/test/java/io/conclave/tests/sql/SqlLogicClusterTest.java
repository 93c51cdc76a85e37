package io.conclave.tests.sql;

import io.conclave.sql.LogicRunner;
import io.conclave.sql.Result;
import io.conclave.sql.Session;
import io.conclave.sql.SqlEngine;
import io.conclave.sql.SqlException;
import io.conclave.sql.Value;
import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import io.conclave.sql.kv.RangeAdmin;
import io.conclave.sql.kv.TxnKv;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.tests.ranges.RangeTestCluster;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** sql-lite's logic files on a three-node cluster of real node processes, unsplit and split (see package docs). */
class SqlLogicClusterTest {
    private static final Path LOGIC_DIR = Path.of("..", "sql-lite", "src", "test", "resources", "logic");
    private static final String MAX_OFFSET = "20ms";
    private static final RangeClientSettings CLIENT = new RangeClientSettings(Duration.ofSeconds(3),
            Duration.ofSeconds(20), Duration.ofMillis(20), Duration.ofMillis(300), 16);
    /** Primary-key values every new table is split at in the split run; those of the wrong type are refused and skipped. */
    private static final List<String> SPLIT_VALUES = List.of("2", "5", "'m'");
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "^\\s*CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(\\w+)", Pattern.CASE_INSENSITIVE);

    @TempDir
    static Path root;

    /** Statements of the differential run: bounded so it stays a few seconds on two cores (-Dsql.statements for more). */
    private static final int DIFFERENTIAL_STATEMENTS = Math.min(Integer.getInteger("sql.statements", 80), 5_000);

    private static long seed;
    private static RangeTestCluster cluster;
    private static RangeClient rangeClient;
    private static TxnClient txnClient;
    private static int engines;

    @BeforeAll
    static void startCluster() throws Exception {
        seed = Long.getLong("sql.seed", System.nanoTime());
        System.out.println("[sql-logic] client seed " + seed + " (-Dsql.seed=" + seed + " to replay)");
        cluster = new RangeTestCluster(root, "sql-logic", 3, 3, List.of("--max-offset", MAX_OFFSET),
                id -> List.of(), Path.of("target", "sql-logic-logs"));
        cluster.startAll();
        rangeClient = cluster.client(CLIENT, seed);
        txnClient = new TxnClient(rangeClient, TxnSettings.builder().maxOffset(Duration.ofMillis(20))
                .deadline(Duration.ofSeconds(30)).build());
    }

    @AfterAll
    static void stopCluster() {
        if (txnClient != null) txnClient.close();
        if (rangeClient != null) rangeClient.close();
        if (cluster != null) cluster.close();
    }

    @TestFactory
    Stream<DynamicNode> logicFilesOnCluster() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(LOGIC_DIR)) {
            files = list.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        }
        return Stream.of(false, true).map(split -> DynamicContainer.dynamicContainer(split ? "split" : "one range",
                files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f, split)))));
    }

    private static void run(Path file, boolean split) throws Exception {
        SqlEngine engine = new SqlEngine(new TxnKv(txnClient), new RangeAdmin(rangeClient), System::nanoTime,
                ++engines);
        int[] splits = {0};
        try {
            LogicRunner.runFile(file, engine, LogicRunner.CLUSTER, false,
                    split ? (session, sql) -> splits[0] += splitNewTable(engine, sql) : (session, sql) -> {});
            if (split && splits[0] == 0) {
                throw new AssertionError(file.getFileName() + ": the split run split no table, so it tested nothing more");
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n" + cluster.logTails(15), e);
        } finally {
            dropAllTables(engine);
        }
    }

    /**
     * On a table split into four ranges: a filtered scan reads every range in parallel and only
     * matching rows come back (EXPLAIN ANALYZE); DROP TABLE leaves no key behind.
     */
    @Test
    void pushdownSendsOnlyMatchingRowsAndDropTableRemovesTheData() {
        Session s = new SqlEngine(new TxnKv(txnClient), new RangeAdmin(rangeClient), System::nanoTime,
                ++engines).openSession();
        s.execute("CREATE TABLE pushed (id INT PRIMARY KEY, v INT, pad STRING)");
        s.execute("ALTER TABLE pushed SPLIT AT VALUES (10), (20), (30)");
        StringBuilder rows = new StringBuilder("INSERT INTO pushed VALUES ");
        for (int id = 0; id < 40; id++) {
            rows.append(id == 0 ? "" : ", ").append("(").append(id).append(", ").append(id % 10).append(", 'pad')");
        }
        s.execute(rows.toString());
        String scans = "";
        for (List<Value> line : s.execute("EXPLAIN ANALYZE SELECT id FROM pushed WHERE v = 3").rows()) {
            if (line.get(0).asString().startsWith("scans at the ranges")) {
                scans = line.get(0).asString();
            }
        }
        if (!scans.startsWith("scans at the ranges: rows scanned 40, rows returned 4,") || !scans.contains("ranges 4,")
                || !scans.contains("at most 4 in parallel")) {
            throw new AssertionError("expected 40 rows scanned, 4 returned, by 4 ranges at once: " + scans);
        }
        Matcher id = Pattern.compile("/Table/(\\d+)/").matcher(String.valueOf(
                s.execute("EXPLAIN SELECT * FROM pushed WHERE id = 1").rows()));
        if (!id.find()) {
            throw new AssertionError("EXPLAIN names no table span");
        }
        byte[] prefix = io.conclave.sql.encoding.TableKeys.tablePrefix(Long.parseLong(id.group(1)));
        byte[] end = io.conclave.sql.encoding.KeyEncoding.prefixEnd(prefix);
        if (rangeClient.scan(prefix, end, 100).size() != 40) {
            throw new AssertionError("the table's rows are not where its keys say");
        }
        s.execute("DROP TABLE pushed");
        List<io.conclave.range.client.KeyValue> left = rangeClient.scan(prefix, end, 100);
        if (!left.isEmpty()) {
            throw new AssertionError(left.size() + " keys of the dropped table are still there");
        }
    }

    /**
     * Seeded random statements, some in explicit transactions that commit or roll back, on the
     * cluster (the table split at several keys, more rows than one scan batch of the SQL layer or
     * one scan page of the coordinator) and on an in-memory engine: every result and every error
     * code must be the same.
     */
    @Test
    void randomStatementsAgreeWithMemory() {
        SplittableRandom random = new SplittableRandom(seed);
        Session onCluster = new SqlEngine(new TxnKv(txnClient), new RangeAdmin(rangeClient), System::nanoTime,
                ++engines).openSession();
        Session inMemory = new SqlEngine(new MemoryKv(), new MemoryAdmin()).openSession();
        List<String> done = new ArrayList<>();
        try {
            both(onCluster, inMemory, "CREATE TABLE diff (id INT PRIMARY KEY, v INT, s STRING)", done);
            both(onCluster, inMemory, "CREATE INDEX diff_v ON diff (v)", done);
            onCluster.execute("ALTER TABLE diff SPLIT AT VALUES (300), (900), (1500), (2100)");
            StringBuilder rows = new StringBuilder("INSERT INTO diff VALUES ");
            for (int id = 0; id < 2400; id += 2) {
                rows.append(id == 0 ? "" : ", ").append("(").append(id).append(", ").append(id % 37).append(", 's")
                        .append(id).append("')");
            }
            both(onCluster, inMemory, rows.toString(), done);
            boolean inTxn = false;
            for (int n = 0; n < DIFFERENTIAL_STATEMENTS; n++) {
                int lo = random.nextInt(2400);
                int hi = lo + 1 + random.nextInt(1200);
                String sql = switch (random.nextInt(inTxn ? 9 : 8)) {
                    case 0 -> "SELECT count(*), sum(id), sum(v) FROM diff WHERE id >= " + lo + " AND id < " + hi;
                    case 1 -> "SELECT id, v, s FROM diff WHERE id >= " + lo + " ORDER BY id DESC LIMIT 7";
                    case 2 -> "SELECT id FROM diff WHERE v = " + random.nextInt(37) + " ORDER BY id";
                    case 3 -> "UPDATE diff SET v = v + 1 WHERE id >= " + lo + " AND id < " + (lo + 40)
                            + " RETURNING id, v";
                    case 4 -> "DELETE FROM diff WHERE id >= " + lo + " AND id < " + (lo + 30) + " RETURNING id";
                    case 5 -> "INSERT INTO diff VALUES (" + lo + ", 1, 'n'), (" + (lo + 1) + ", 2, 'n')"
                            + " ON CONFLICT (id) DO NOTHING";
                    case 6 -> "SELECT id, s FROM diff ORDER BY id LIMIT 5 OFFSET " + lo;
                    case 7 -> inTxn ? "SELECT count(*) FROM diff" : "BEGIN";
                    default -> random.nextBoolean() ? "COMMIT" : "ROLLBACK";
                };
                if (sql.equals("BEGIN")) inTxn = true;
                if (sql.equals("COMMIT") || sql.equals("ROLLBACK")) inTxn = false;
                both(onCluster, inMemory, sql, done);
            }
            if (inTxn) both(onCluster, inMemory, "COMMIT", done);
            both(onCluster, inMemory, "SELECT count(*), sum(id), sum(v) FROM diff", done);
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (-Dsql.seed=" + seed + "), after:\n"
                    + String.join("\n", done.subList(Math.max(0, done.size() - 10), done.size())) + "\n"
                    + e.getMessage(), e);
        } finally {
            onCluster.execute("DROP TABLE IF EXISTS diff");
        }
    }

    private static void both(Session onCluster, Session inMemory, String sql, List<String> done) {
        String cluster = outcome(onCluster, sql);
        String memory = outcome(inMemory, sql);
        if (!cluster.equals(memory)) {
            throw new AssertionError(sql + "\non the cluster: " + cluster + "\nin memory: " + memory);
        }
        done.add(sql.length() > 120 ? sql.substring(0, 120) + "..." : sql);
    }

    /** The rows (RETURNING rows sorted, since their order is not specified), or the error code. */
    private static String outcome(Session session, String sql) {
        try {
            Result r = session.execute(sql);
            List<String> rows = new ArrayList<>();
            for (List<Value> row : r.rows()) rows.add(row.toString());
            if (sql.contains("RETURNING")) rows.sort(null);
            return r.rowCount() + " " + rows;
        } catch (SqlException e) {
            return "error " + e.sqlState();
        }
    }

    /** After a CREATE TABLE, splits the table at a few primary-key values, in a session of its own. */
    private static int splitNewTable(SqlEngine engine, String sql) {
        Matcher m = CREATE_TABLE.matcher(sql);
        if (!m.find()) return 0;
        Session admin = engine.openSession();
        int splits = 0;
        for (String value : SPLIT_VALUES) {
            try {
                admin.execute("ALTER TABLE " + m.group(1) + " SPLIT AT VALUES (" + value + ")");
                splits++;
            } catch (SqlException e) {
                // A value of another type than the key, or the table created in a transaction not yet committed.
                System.out.println("[sql-logic] no split of " + m.group(1) + " at " + value + ": " + e.getMessage());
            }
        }
        return splits;
    }

    private static void dropAllTables(SqlEngine engine) throws SqlException {
        Session s = engine.openSession();
        Result tables = s.execute("SHOW TABLES");
        List<String> names = new ArrayList<>();
        for (List<Value> row : tables.rows()) names.add(row.get(0).toString());
        for (String name : names) s.execute("DROP TABLE " + name);
    }
}
