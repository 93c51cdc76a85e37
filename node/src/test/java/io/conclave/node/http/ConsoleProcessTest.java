package io.conclave.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import io.conclave.node.metrics.ExpositionTest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics and the console on a real 3-node cluster of child JVMs, each with --http: a scrape
 * parses and its counters move under a small SQL load; and in a real browser (headless
 * chromium, skipped with a message when it is not installed) the console lists the three nodes
 * and shows a range split within seconds of {@code ALTER TABLE ... SPLIT AT}.
 *
 * <p>The browser runs with {@code --dump-dom --virtual-time-budget}: it loads the page, lets
 * its script poll the node for a few seconds of virtual time, and prints the DOM it built.
 */
class ConsoleProcessTest {
    private static final Duration READY = Duration.ofSeconds(40);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** How soon after the SPLIT AT answers the console must show the new range. */
    private static final Duration SPLIT_SHOWN_WITHIN = Duration.ofSeconds(20);
    private static final Duration BROWSER_TIMEOUT = Duration.ofSeconds(40);
    private static final int VIRTUAL_TIME_MS = 2500;
    private static final Pattern KEYSPACE = Pattern.compile("<div id=\"keyspace\">(.*?)</section>", Pattern.DOTALL);
    private static final Pattern RANGE = Pattern.compile("class=\"range[^\"]*\" data-range-id=\"(\\d+)\"");
    private static final Pattern LIVE_NODE = Pattern.compile("<tr data-node-id=\"(\\d+)\" class=\"node live-node\">");
    private static final Pattern REPLICA_TABLE = Pattern.compile("<table id=\"replicas\">(.*?)</table>", Pattern.DOTALL);
    /** A replica's row: its node, its Raft leader (or none yet) and its term. */
    private static final Pattern REPLICA_ROW = Pattern.compile(
            "<tr data-node-id=\"(\\d+)\"><td>n\\d+</td><td>(?:n\\d+|none)</td><td class=\"num\">\\d+</td>");
    private static final Pattern SPLIT_ROW = Pattern.compile(
            "<tr class=\"split\" data-range-id=\"(\\d+)\" data-new-range-id=\"(\\d+)\">");

    @TempDir
    static Path dir;

    private static final List<NodeProcess> nodes = new ArrayList<>();
    private static final List<String> httpAddresses = new ArrayList<>();
    private static String jdbcUrl;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startCluster() throws Exception {
        int[] ports = NodeProcess.freePorts(6);
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < 3; i++) peers.add((i + 1) + "=127.0.0.1:" + ports[i]);
        List<String> jvmFlags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        jvmFlags.addAll(List.of("-Xmx192m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        for (int i = 0; i < 3; i++) {
            httpAddresses.add("127.0.0.1:" + ports[3 + i]);
            NodeProcess n = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), jvmFlags, i + 1, dir.resolve("s" + (i + 1)),
                    "127.0.0.1:" + ports[i], dir.resolve("n" + (i + 1) + ".log"),
                    NodeProcessSpec.insecure(List.of("--peers", String.join(",", peers), "--fsync", "false",
                            "--tick", "50ms", "--http", httpAddresses.get(i)))));
            nodes.add(n);
            n.start();
        }
        for (NodeProcess n : nodes) n.awaitReady(READY);
        jdbcUrl = "jdbc:conclave://127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1];
    }

    @AfterAll
    static void stopCluster() {
        NodeProcess.stopAll(nodes, STOP_GRACE);
    }

    @Test
    void metricsCountersMoveUnderLoad() throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE m (k INT PRIMARY KEY, v STRING)");
            String before = get(httpAddresses.get(0), "/metrics");
            ExpositionTest.assertEveryLineParses(before);
            for (int i = 0; i < 20; i++) s.execute("INSERT INTO m VALUES (" + i + ", 'v" + i + "')");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM m")) {
                assertTrue(rs.next());
                assertEquals(20, rs.getLong(1));
            }
            String after = get(httpAddresses.get(0), "/metrics");
            ExpositionTest.assertEveryLineParses(after);
            assertTrue(sum(after, "conclave_sql_statements_total") - sum(before, "conclave_sql_statements_total") >= 21,
                    "21 statements ran on node 1:\n" + after);
            assertTrue(sum(after, "conclave_sql_statement_duration_seconds_count")
                    - sum(before, "conclave_sql_statement_duration_seconds_count") >= 21);
            assertTrue(sum(after, "conclave_txn_commits_total") - sum(before, "conclave_txn_commits_total") >= 20,
                    "20 inserts committed");
            assertTrue(sum(after, "conclave_txn_commit_wait_seconds_count") > 0, "commit-wait is on by default");
            assertTrue(sum(after, "conclave_sql_catalog_leases_total") > 0, "statements took a catalog lease");
            assertTrue(sum(after, "conclave_sql_statements_under_catalog_lease_total")
                    > sum(before, "conclave_sql_statements_under_catalog_lease_total"),
                    "21 statements back to back: some ran under the lease");
        }
        // The writes reached the leaseholders' replicas: KV requests and Raft proposals, summed over the nodes.
        double kv = 0;
        double proposals = 0;
        for (String h : httpAddresses) {
            String text = get(h, "/metrics");
            kv += sum(text, "conclave_kv_requests_total");
            proposals += sum(text, "conclave_raft_proposals_total");
            assertTrue(sum(text, "conclave_ranges{state=\"replicas\"}") >= 2, "each node holds range 1 and a user range");
            assertTrue(sum(text, "conclave_jvm_memory_used_bytes") > 0);
        }
        assertTrue(kv >= 20, "KV requests answered: " + kv);
        assertTrue(proposals >= 20, "Raft proposals: " + proposals);
    }

    @Test
    void consoleListsNodesAndShowsASplit() throws Exception {
        Path chromium = chromium();
        Assumptions.assumeTrue(chromium != null, "the console browser test needs Debian's chromium (apt-get install "
                + "chromium) on the PATH or -Dconsole.chromium=PATH; skipped");
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE b (k INT PRIMARY KEY, v STRING)");
            s.execute("INSERT INTO b VALUES (1, 'one'), (500, 'five hundred')");
            String page = dumpDom(chromium, httpAddresses.get(0), "/");
            Set<Long> live = ids(LIVE_NODE, page);
            assertEquals(Set.of(1L, 2L, 3L), live, "the console lists three live nodes:\n" + page);
            assertTrue(!page.contains("status unreachable"), "every node answered the console's fan-out:\n" + page);
            Set<Long> rangesBefore = keyspaceRanges(page);
            assertTrue(rangesBefore.size() >= 2, "the keyspace shows range 1 and the user range:\n" + page);

            try (ResultSet rs = s.executeQuery("ALTER TABLE b SPLIT AT VALUES (100)")) {
                assertTrue(rs.next(), "SPLIT AT answers with the split key");
            }
            long splitAt = System.nanoTime();
            String last = "";
            while (System.nanoTime() - splitAt < SPLIT_SHOWN_WITHIN.toNanos()) {
                last = dumpDom(chromium, httpAddresses.get(1), "/"); // any node serves the whole cluster
                Set<Long> now = keyspaceRanges(last);
                Set<Long> added = new TreeSet<>(now);
                added.removeAll(rangesBefore);
                Matcher split = SPLIT_ROW.matcher(last);
                boolean listed = false;
                while (split.find()) listed |= added.contains(Long.parseLong(split.group(2)));
                if (!added.isEmpty() && listed) {
                    assertTrue(last.contains("/1/100</code>"), "the split key reads as SQL (/Table/N/1/100):\n" + last);
                    long shownMs = (System.nanoTime() - splitAt) / 1_000_000;
                    System.out.println("console showed the split (new range " + added + ") " + shownMs
                            + " ms after SPLIT AT answered");
                    long newRange = added.iterator().next();
                    String detail = dumpDom(chromium, httpAddresses.get(2), "/#range=" + newRange);
                    Matcher replicas = REPLICA_TABLE.matcher(detail);
                    assertTrue(replicas.find(), "the range detail lists its replicas:\n" + detail);
                    assertEquals(Set.of(1L, 2L, 3L), ids(REPLICA_ROW, replicas.group(1)),
                            "each node reports its replica of range " + newRange + ":\n" + detail);
                    return;
                }
            }
            fail("the console did not show a new range and its split within " + SPLIT_SHOWN_WITHIN + " (ranges before "
                    + rangesBefore + "); last page:\n" + last);
        }
    }

    private static Set<Long> keyspaceRanges(String page) {
        Matcher m = KEYSPACE.matcher(page);
        return m.find() ? ids(RANGE, m.group(1)) : Set.of();
    }

    private static Set<Long> ids(Pattern p, String text) {
        Set<Long> out = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) out.add(Long.parseLong(m.group(1)));
        return out;
    }

    /** The DOM the console built after a few seconds of polling, as headless chromium prints it. */
    private static String dumpDom(Path chromium, String httpAddress, String path) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium");
        Path out = dir.resolve("dom-" + System.nanoTime() + ".html");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile, "--dump-dom",
                "--virtual-time-budget=" + VIRTUAL_TIME_MS, "http://" + httpAddress + path)
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(BROWSER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            fail("chromium did not finish within " + BROWSER_TIMEOUT);
        }
        assertEquals(0, p.exitValue(), "chromium exit code");
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** -Dconsole.chromium, else chromium or chromium-browser on the PATH; null when there is none. */
    private static Path chromium() {
        String configured = System.getProperty("console.chromium");
        if (configured != null && !configured.isBlank()) return Path.of(configured);
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(":")) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path p = Path.of(dirName.isEmpty() ? "." : dirName, name);
                if (Files.isExecutable(p)) return p;
            }
        }
        return null;
    }

    private static String get(String httpAddress, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + httpAddress + path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + " on " + httpAddress + ": " + r.body());
        return r.body();
    }

    /** The sum of every sample of a metric (all label sets) in a scrape; {@code name} may include labels. */
    private static double sum(String text, String name) {
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) continue;
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            if (series.equals(name) || !name.contains("{") && series.startsWith(name + "{")) {
                total += Double.parseDouble(line.substring(space + 1));
            }
        }
        return total;
    }
}
