package io.conclave.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JDBC target end to end on an in-memory H2 database: schema, load, every operation, the driver jar path. */
@Timeout(60)
final class JdbcTargetTest {
    private static CoreWorkload mixedWorkload(int records) {
        Properties p = WorkloadConfig.builtinProperties("a");
        p.setProperty("recordcount", Integer.toString(records));
        p.setProperty("readproportion", "0.3");
        p.setProperty("updateproportion", "0.2");
        p.setProperty("insertproportion", "0.1");
        p.setProperty("scanproportion", "0.2");
        p.setProperty("readmodifywriteproportion", "0.2");
        p.setProperty("maxscanlength", "20");
        p.setProperty("fieldcount", "4");
        p.setProperty("fieldlength", "30");
        return new CoreWorkload(WorkloadConfig.parse(p, "mixed"), 2000);
    }

    @Test
    void loadsAndRunsEveryOperationWithoutErrors() throws Exception {
        String url = "jdbc:h2:mem:ycsb_mixed;DB_CLOSE_DELAY=-1";
        CoreWorkload core = mixedWorkload(1000);
        try (JdbcTarget.Factory factory = new JdbcTarget.Factory(url, "sa", "", null, core.config.fieldNames())) {
            factory.check();
            factory.createTable(core.config);
            Runner runner = new Runner(core, factory, BenchClock.SYSTEM, RunnerTest.QUIET);
            LoadResult load = runner.load(4, 64, 5);
            assertEquals(1000, load.records());
            assertEquals(0, load.errorCount(), load.errors().toString());
            assertEquals(1000, count(url));

            RunResult run = runner.run(new RunSettings(4, 0, 0, 2000, 0, 0, 0, 9));
            assertEquals(Map.of(), run.errors());
            assertEquals(2000, run.total().count());
            for (Operation op : Operation.values()) {
                assertTrue(run.operation(op.label()) != null && run.operation(op.label()).count() > 100,
                        op + " ran too rarely: " + run.operations());
            }
            assertEquals(1000 + run.operation("INSERT").count(), count(url), "every insert is a new row");
        }
    }

    @Test
    void eachOperationDoesWhatYcsbsBindingDoes() throws Exception {
        String url = "jdbc:h2:mem:ycsb_ops;DB_CLOSE_DELAY=-1";
        CoreWorkload core = mixedWorkload(10);
        try (JdbcTarget.Factory factory = new JdbcTarget.Factory(url, "sa", "", null, core.config.fieldNames())) {
            factory.createTable(core.config);
            Target t = factory.create();
            t.init();
            try {
                for (int i = 0; i < 5; i++) assertEquals(Status.OK, t.insert("usertable", "user" + i, record("v" + i)));
                Map<String, byte[]> row = new LinkedHashMap<>();
                assertEquals(Status.OK, t.read("usertable", "user3", null, row));
                assertEquals(Set.of("field0", "field1", "field2", "field3"), row.keySet());
                assertEquals("v3-field2", text(row.get("field2")));
                assertEquals(Status.OK, t.update("usertable", "user3", Map.of("field1", bytes("changed"))));
                row.clear();
                assertEquals(Status.OK, t.read("usertable", "user3", Set.of("field1"), row));
                assertEquals(Map.of("field1", "changed"), texts(row));
                List<Map<String, byte[]>> rows = new ArrayList<>();
                assertEquals(Status.OK, t.scan("usertable", "user1", 3, Set.of("field0"), rows));
                assertEquals(List.of(Map.of("field0", "v1-field0"), Map.of("field0", "v2-field0"),
                        Map.of("field0", "v3-field0")), rows.stream().map(JdbcTargetTest::texts).toList());
                assertEquals(Status.OK, t.delete("usertable", "user3"));
                assertEquals(Status.NOT_FOUND, t.read("usertable", "user3", null, new LinkedHashMap<>()));
                assertEquals(Status.NOT_FOUND, t.update("usertable", "user3", Map.of("field1", bytes("x"))));
                Status duplicate = t.insert("usertable", "user1", record("again"));
                assertTrue(duplicate.name().startsWith("SQLSTATE_23"), duplicate.toString());
            } finally {
                t.cleanup();
            }
        }
    }

    @Test
    void driverJarIsLoadedThroughItsOwnClassLoader() throws Exception {
        Path h2Jar = Path.of(org.h2.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JdbcTarget.Factory factory = new JdbcTarget.Factory("jdbc:h2:mem:ycsb_jar", "sa", "", h2Jar,
                List.of("field0"))) {
            factory.check();
        }
        IllegalArgumentException notAFile = assertThrows(IllegalArgumentException.class,
                () -> new JdbcTarget.Factory("jdbc:h2:mem:x", null, null, Path.of("/nonexistent.jar"), List.of()));
        assertTrue(notAFile.getMessage().contains("is not a file"), notAFile.getMessage());
    }

    @Test
    void anUnreachableDatabaseIsAnErrorBeforeAnyLoad() throws Exception {
        try (JdbcTarget.Factory factory = new JdbcTarget.Factory("jdbc:h2:tcp://127.0.0.1:1/nothing", "sa", "", null,
                List.of("field0"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class, factory::check);
            assertTrue(e.getMessage().startsWith("cannot connect to jdbc:h2:tcp://127.0.0.1:1/nothing"), e.getMessage());
        }
    }

    @Test
    void anErrorIsCountedByItsSqlStateAndRetriedOnlyWhenTheDatabaseSaysItMaySucceed() {
        Status conflict = JdbcTarget.status(new java.sql.SQLException("could not serialize access", "40001"));
        assertEquals("SQLSTATE_40001", conflict.name());
        assertTrue(conflict.retryable());
        assertTrue(JdbcTarget.status(new java.sql.SQLException("deadlock detected", "40P01")).retryable());
        assertTrue(JdbcTarget.status(new java.sql.SQLTransientConnectionException("reset", "08006")).retryable());
        Status duplicate = JdbcTarget.status(new java.sql.SQLException("duplicate key", "23505"));
        assertEquals("SQLSTATE_23505", duplicate.name());
        assertFalse(duplicate.retryable());
        Status unknown = JdbcTarget.status(new java.sql.SQLException("no state"));
        assertEquals("SQLSTATE_UNKNOWN", unknown.name());
        assertFalse(unknown.retryable());
    }

    private static Map<String, byte[]> record(String prefix) {
        Map<String, byte[]> r = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) r.put("field" + i, bytes(prefix + "-field" + i));
        return r;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static Map<String, String> texts(Map<String, byte[]> row) {
        Map<String, String> out = new LinkedHashMap<>();
        row.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }

    private static long count(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM usertable")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
