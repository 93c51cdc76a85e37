package io.conclave.node.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes on loopback, driven only through the JDBC driver and DriverManager: DDL,
 * DML, an explicit transaction, concurrent transfers through every node as gateway with the total
 * checked, a syntax error's SQLSTATE, a split through SQL, and a kill -9 of a node that is not the
 * client's gateway while statements go on.
 */
class SqlClusterTest {
    private static final List<String> NODE_JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k");
    /** How long a statement may keep failing while leaders are elected or a dead node's leases run out. */
    private static final long RETRY_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(30);

    @TempDir
    Path dir;

    private final List<NodeProcess> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        NodeProcess.stopAll(nodes, Duration.ofSeconds(3));
    }

    private String startCluster() throws Exception {
        int[] ports = NodeProcess.freePorts(3);
        List<String> addrs = new ArrayList<>();
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            addrs.add("127.0.0.1:" + ports[i]);
            peers.append(i == 0 ? "" : ",").append(i + 1).append('=').append(addrs.get(i));
        }
        List<String> jvm = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        jvm.addAll(NODE_JVM_FLAGS);
        for (int i = 0; i < 3; i++) {
            NodeProcess n = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), jvm, i + 1, dir.resolve("n" + (i + 1)), addrs.get(i),
                    dir.resolve("n" + (i + 1) + ".log"), NodeProcessSpec.insecure(List.of("--peers", peers.toString()))));
            n.start();
            nodes.add(n);
        }
        for (NodeProcess n : nodes) n.awaitReady(Duration.ofSeconds(60));
        // Node 1 first: it is the gateway (and so the transaction coordinator) of the connections.
        return "jdbc:conclave://" + String.join(",", addrs);
    }

    /** Runs {@code sql} until it succeeds or the retry budget is spent; the update count, -1 for rows. */
    private static int retrying(Connection c, String sql) throws Exception {
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        while (true) {
            try (Statement s = c.createStatement()) {
                return s.execute(sql) ? -1 : s.getUpdateCount();
            } catch (SQLException e) {
                if (System.nanoTime() > deadline || e.getSQLState().startsWith("42")) throw e;
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private static long count(Connection c, String sql) throws Exception {
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        while (true) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                assertTrue(rs.next());
                return rs.getLong(1);
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) throw e;
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private static int rows(Connection c, String sql) throws Exception {
        long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
        while (true) {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                int n = 0;
                while (rs.next()) n++;
                return n;
            } catch (SQLException e) {
                if (System.nanoTime() > deadline) throw e;
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    @Test
    @Timeout(150)
    void sqlThroughJdbcOnAThreeNodeCluster() throws Exception {
        String url = startCluster();
        try (Connection c = DriverManager.getConnection(url)) {
            retrying(c, "CREATE TABLE accounts (id INT PRIMARY KEY, owner STRING NOT NULL, balance INT)");
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
                for (int i = 0; i < 100; i++) {
                    insert.setInt(1, i);
                    insert.setString(2, "owner-" + i + "'s");
                    insert.setLong(3, 100);
                    insert.addBatch();
                }
                assertEquals(100, insert.executeBatch().length);
            }
            assertEquals(100, count(c, "SELECT count(*) FROM accounts"));
            assertEquals(10, retrying(c, "UPDATE accounts SET balance = balance + 1 WHERE id < 10"));
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT owner, balance FROM accounts WHERE id = 3")) {
                assertTrue(rs.next());
                assertEquals("owner-3's", rs.getString("owner"));
                assertEquals(101, rs.getInt("balance"));
            }

            // An explicit transaction moves money; the total is unchanged.
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE accounts SET balance = balance - 50 WHERE id = 1");
                s.executeUpdate("UPDATE accounts SET balance = balance + 50 WHERE id = 90");
            }
            c.commit();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("DELETE FROM accounts WHERE id = 2");
            }
            c.rollback();
            c.setAutoCommit(true);
            assertEquals(10_010, count(c, "SELECT sum(balance) FROM accounts"));
            assertEquals(100, count(c, "SELECT count(*) FROM accounts"));
            assertEquals(150, count(c, "SELECT balance FROM accounts WHERE id = 90"));

            transfersThroughEveryGateway(url);
            assertEquals(10_010, count(c, "SELECT sum(balance) FROM accounts"));

            SQLException syntax = assertThrows(SQLException.class, () -> c.createStatement().executeQuery("SELEC 1"));
            assertEquals("42601", syntax.getSQLState());

            // A split through SQL: the table then spans one more range, and reads cross the boundary.
            int before = rows(c, "SHOW RANGES FROM TABLE accounts");
            retrying(c, "ALTER TABLE accounts SPLIT AT VALUES (50)");
            assertEquals(before + 1, rows(c, "SHOW RANGES FROM TABLE accounts"));
            assertEquals(10, count(c, "SELECT count(*) FROM accounts WHERE id >= 45 AND id < 55"));

            // kill -9 of node 3 (not the gateway): statements keep working, retried by the client
            // only while the dead node's leases run out.
            nodes.get(2).kill();
            for (int i = 0; i < 10; i++) {
                assertEquals(1, retrying(c, "UPDATE accounts SET balance = balance + 1 WHERE id = " + (i * 10)));
            }
            assertEquals(10_020, count(c, "SELECT sum(balance) FROM accounts"));
            assertEquals(1, retrying(c, "INSERT INTO accounts VALUES (1000, 'late', 0)"));
            assertEquals(101, count(c, "SELECT count(*) FROM accounts"));
        } catch (SQLException e) {
            throw new AssertionError(e.getSQLState() + ": " + e.getMessage() + "\n" + tails(), e);
        }
    }

    /**
     * Three clients, each with a different node as its gateway (and so its transactions'
     * coordinator), move money between random accounts in explicit transactions, rerunning a
     * transaction on 40001 as a JDBC application must. The total must not change.
     */
    private void transfersThroughEveryGateway(String url) throws Exception {
        String[] hosts = url.substring("jdbc:conclave://".length()).split(",");
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicInteger committed = new java.util.concurrent.atomic.AtomicInteger();
        for (int g = 0; g < hosts.length; g++) {
            String gatewayFirst = "jdbc:conclave://" + hosts[g];
            long seed = 1000 + g;
            Thread t = new Thread(() -> {
                java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
                long deadline = System.nanoTime() + RETRY_BUDGET_NANOS;
                try (Connection c = DriverManager.getConnection(gatewayFirst)) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < 10 && System.nanoTime() < deadline; ) {
                        int from = random.nextInt(100);
                        int to = (from + 1 + random.nextInt(99)) % 100;
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate("UPDATE accounts SET balance = balance - 3 WHERE id = " + from);
                            s.executeUpdate("UPDATE accounts SET balance = balance + 3 WHERE id = " + to);
                            c.commit();
                            committed.incrementAndGet();
                            i++;
                        } catch (SQLException e) {
                            c.rollback();
                            if (!"40001".equals(e.getSQLState())) throw e;
                        }
                    }
                } catch (Throwable e) {
                    failures.add(new AssertionError("gateway " + gatewayFirst + " (seed " + seed + "): " + e, e));
                }
            }, "transfers-" + g);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join(RETRY_BUDGET_NANOS / 1_000_000 + 10_000);
        if (!failures.isEmpty()) throw new AssertionError(failures.get(0).getMessage(), failures.get(0));
        assertEquals(30, committed.get(), "every client commits its 10 transfers within the budget");
    }

    private String tails() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess n : nodes) b.append("--- node ").append(n.nodeId()).append('\n').append(n.logTail(15));
        return b.toString();
    }
}
