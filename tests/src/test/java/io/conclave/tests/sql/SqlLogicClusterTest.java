package io.conclave.tests.sql;

import io.conclave.sql.LogicRunner;
import io.conclave.sql.Result;
import io.conclave.sql.Session;
import io.conclave.sql.SqlEngine;
import io.conclave.sql.SqlException;
import io.conclave.sql.Value;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
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

    private static RangeTestCluster cluster;
    private static RangeClient rangeClient;
    private static TxnClient txnClient;
    private static int engines;

    @BeforeAll
    static void startCluster() throws Exception {
        long seed = Long.getLong("sql.seed", System.nanoTime());
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
