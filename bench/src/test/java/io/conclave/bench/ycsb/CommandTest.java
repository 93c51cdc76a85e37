package io.conclave.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line: bad arguments are clear errors before any load; a small JDBC run writes its files. */
@Timeout(60)
final class CommandTest {
    record Outcome(int exitCode, String out, String err) {}

    private static synchronized Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = YcsbCommand.execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static void assertRefused(String fragment, int code, String... args) {
        Outcome o = run(args);
        assertEquals(code, o.exitCode(), o.toString());
        assertTrue(o.err().contains(fragment), "stderr lacks '" + fragment + "': " + o.err());
        assertTrue(!o.out().contains("loading"), "it started loading: " + o.out());
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyLoad() {
        String h2 = "jdbc:h2:mem:cmd;DB_CLOSE_DELAY=-1";
        assertRefused("unknown workload 'z'", 2, "--workload", "z", "--target-db", h2);
        assertRefused("recordcount must be in [1,", 2, "--workload", "a", "--records", "0", "--target-db", h2);
        assertRefused("--threads must be in", 2, "--workload", "a", "--threads", "0", "--target-db", h2);
        assertRefused("--retries must be in [0, 100]", 2, "--workload", "a", "--retries", "-1", "--target-db", h2);
        assertRefused("must be a jdbc: URL or conclave-kv://", 2, "--workload", "a", "--target-db", "mysql://x");
        assertRefused("--cluster must be local:N", 2, "--workload", "a", "--cluster", "remote:3");
        assertRefused("not a duration", 2, "--workload", "a", "--duration", "soon", "--target-db", h2);
        assertRefused("mutually exclusive", 2, "--workload", "a", "--workload-file", "x", "--target-db", h2);
        assertRefused("cannot connect to jdbc:h2:tcp://127.0.0.1:1/none", 1, "--workload", "a", "--target-db",
                "jdbc:h2:tcp://127.0.0.1:1/none");
    }

    @Test
    void aSmallJdbcRunPrintsTheSummaryAndWritesTheFiles(@TempDir Path dir) throws Exception {
        Outcome o = run("--workload", "e", "--target-db", "jdbc:h2:mem:cmd_e;DB_CLOSE_DELAY=-1", "--create-table",
                "--records", "2000", "--threads", "4", "--operations", "1000", "--warmup", "0s", "--out",
                dir.toString(), "--seed", "5");
        assertEquals(0, o.exitCode(), o.toString());
        assertTrue(o.out().contains("loaded 2,000 records"), o.out());
        assertTrue(o.out().contains("SCAN") && o.out().contains("INSERT"), o.out());
        assertTrue(o.out().contains("seed 5"), o.out());
        for (String f : new String[] {"summary.txt", "summary.json", "latency.hlog", "report.html"}) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f + " is empty");
        }
        assertTrue(Files.readString(dir.resolve("summary.json")).contains("\"errors\": {}"));
    }
}
