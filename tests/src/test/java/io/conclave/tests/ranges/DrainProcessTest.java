package io.conclave.tests.ranges;

import static io.conclave.tests.ranges.RangeTests.utf8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import io.conclave.clock.Timestamp;
import io.conclave.node.cluster.Liveness;
import io.conclave.node.launch.NodeProcess;
import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.NodeLiveness;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful stop (SIGTERM) drains a node: the leases it held move to other nodes before it
 * exits, so its ranges serve at once rather than after the leases expire, and its liveness
 * record has expired, so witness rounds stop asking it. Without the drain the lease would still
 * name the stopped node and its record would be live for most of the 9 s ttl. An application
 * whose SQL session was on the stopped node sees no error: the node ends the session between two
 * statements, and the driver runs the next one on another node.
 */
final class DrainProcessTest {
    static final long USER_RANGE = Keys.FIRST_USER_RANGE_ID;
    static final Duration STOP_GRACE = Duration.ofSeconds(30);
    static final int MAX_NODES = 64;
    /** Inserts the SQL writer must complete after the stop, so that its session had to move. */
    static final int SQL_ROWS_AFTER_STOP = 20;
    static final Pattern SESSIONS_ENDED = Pattern.compile("ended its (\\d+) SQL sessions in \\d+ ms");
    static final Pattern DRAINED = Pattern.compile("drained in \\d+ ms: moved (\\d+) of its (\\d+) leases; its liveness record expired");

    private RangeTestCluster cluster;
    private RangeClient client;
    private Connection idle;

    @AfterEach
    void stop() throws SQLException {
        if (idle != null) idle.close();
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void aLeaseholderStoppedBySigtermHandsItsLeasesOverAndWithdrawsBeforeItExits(@TempDir Path dir) throws Exception {
        cluster = new RangeTestCluster(dir, "drain", 3, 3, List.of("--initial-ranges", "1"));
        cluster.start(1, 2, 3);
        client = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, RangeTests.seed());
        client.put(utf8("before"), utf8("1")); // the user range now has a leaseholder
        // A settled cluster: every node registered, so the leases have live nodes to go to.
        assertEquals(null, RangeTests.awaitNoProblem(30_000, 100, () -> {
            Map<Long, NodeLiveness> all = Liveness.readAll(client, MAX_NODES);
            long nowWall = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
            long live = all.values().stream().filter(r -> Timestamp.fromProto(r.getExpiration()).wallNanos() > nowWall).count();
            return live == 3 ? null : live + " of 3 nodes registered: " + all.keySet();
        }), "the cluster did not settle");
        long holder = client.leaseholderStatus(USER_RANGE).getLease().getHolder();
        assertNotEquals(0, holder, "the user range has no lease after a write");
        NodeProcess victim = cluster.node(holder);
        SqlWriter writer = new SqlWriter(jdbcUrl(holder));
        writer.start();
        assertTrue(writer.awaitRows(20, Duration.ofSeconds(30)), () -> "the SQL writer made no progress: " + writer.errors);
        // A session that runs nothing while the node stops: it must not find a dead socket after.
        idle = DriverManager.getConnection(jdbcUrl(holder));
        try (Statement st = idle.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM drained")) {
            assertTrue(rs.next());
        }

        long stopNanos = System.nanoTime();
        victim.stop(STOP_GRACE);
        long exitedWallNanos = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        assertNotNull(victim.awaitExit(Duration.ZERO), "node " + holder + " still runs after SIGTERM");
        String log = victim.log();
        Matcher drained = DRAINED.matcher(log);
        assertTrue(drained.find(), () -> "node " + holder + " logged no complete drain; log tail:\n" + victim.logTail(40));
        assertEquals(drained.group(2), drained.group(1), "node " + holder + " kept a lease: " + drained.group());
        System.out.println("[drain] node " + holder + " stopped in " + RangeTests.millisSince(stopNanos) + " ms: "
                + drained.group());
        Matcher ended = SESSIONS_ENDED.matcher(log);
        assertTrue(ended.find(), () -> "node " + holder + " did not end its SQL sessions; log tail:\n" + victim.logTail(40));
        assertEquals("2", ended.group(1), "the writer's and the idle session: " + ended.group());
        System.out.println("[drain] " + ended.group());

        // The lease moved before the exit: a lease taken after its expiry would start after it.
        long putStart = System.nanoTime();
        client.put(utf8("after"), utf8("2"));
        GroupStatus after = client.leaseholderStatus(USER_RANGE);
        System.out.println("[drain] a write to range " + USER_RANGE + " after the stop took "
                + RangeTests.millisSince(putStart) + " ms; lease " + TextFormat.shortDebugString(after.getLease()));
        assertNotEquals(holder, after.getLease().getHolder(), "the stopped node still holds the lease");
        assertTrue(after.getLease().getStart().getWallNanos() < exitedWallNanos,
                () -> "range " + USER_RANGE + "'s lease started after node " + holder + " exited (waited for expiry): "
                        + TextFormat.shortDebugString(after.getLease()));

        long rowsAtStop = writer.acknowledged.get();
        assertTrue(writer.awaitRows(rowsAtStop + SQL_ROWS_AFTER_STOP, Duration.ofSeconds(30)),
                () -> "the SQL writer stalled after the stop: " + writer.errors);
        writer.finish();
        assertEquals(List.of(), writer.errors, "statements failed across the graceful stop");
        System.out.println("[drain] SQL writer: " + writer.acknowledged.get() + " inserts, none failed; the slowest took "
                + writer.slowestMillis + " ms");
        try (Statement st = idle.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM drained")) {
            assertTrue(rs.next());
            assertEquals(writer.acknowledged.get(), rs.getLong(1), "every acknowledged insert, and nothing else");
        }

        Map<Long, NodeLiveness> records = Liveness.readAll(client, MAX_NODES);
        NodeLiveness record = records.get(holder);
        assertNotNull(record, "no liveness record of node " + holder + ": " + records.keySet());
        assertTrue(Timestamp.fromProto(record.getExpiration()).wallNanos() < exitedWallNanos,
                () -> "node " + holder + "'s liveness record outlived its exit: " + TextFormat.shortDebugString(record));

        // It comes back like any restarted node: registered again, serving.
        cluster.restart(holder);
        String problem = RangeTests.awaitNoProblem(30_000, 200, () -> {
            Optional<NodeLiveness> r = Optional.ofNullable(Liveness.readAll(client, MAX_NODES).get(holder));
            long nowWall = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
            return r.isPresent() && Timestamp.fromProto(r.get().getExpiration()).wallNanos() > nowWall ? null
                    : "node " + holder + "'s record: " + r.orElse(null);
        });
        assertEquals(null, problem, "the restarted node did not register again");
        client.put(utf8("restarted"), utf8("3"));
    }

    /** Every node's SQL address, {@code first}'s first, so that a session starts there. */
    private String jdbcUrl(long first) {
        List<String> addresses = new ArrayList<>();
        addresses.add(cluster.address(first));
        for (long id : cluster.nodeIds()) if (id != first) addresses.add(cluster.address(id));
        return "jdbc:conclave://" + String.join(",", addresses) + "?socket_timeout_ms=20000";
    }

    /** Inserts rows 1, 2, ... in autocommit mode through one JDBC connection, recording every failure. */
    private static final class SqlWriter extends Thread {
        private static final long MAX_ROWS = 100_000;
        private static final Duration MAX_RUN = Duration.ofSeconds(120);
        final AtomicLong acknowledged = new AtomicLong();
        final List<String> errors = new CopyOnWriteArrayList<>();
        private final String url;
        private volatile boolean stop;
        volatile long slowestMillis;

        SqlWriter(String url) {
            super("drain-test-sql-writer");
            setDaemon(true);
            this.url = url;
        }

        @Override
        public void run() {
            long deadline = System.nanoTime() + MAX_RUN.toNanos();
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.executeUpdate("CREATE TABLE drained (k INT PRIMARY KEY)");
                for (long k = 1; k <= MAX_ROWS && !stop && System.nanoTime() < deadline; k++) {
                    long start = System.nanoTime();
                    try {
                        st.executeUpdate("INSERT INTO drained VALUES (" + k + ")");
                        acknowledged.set(k);
                    } catch (SQLException e) {
                        errors.add("row " + k + ": " + e.getSQLState() + " " + e.getMessage());
                        return; // an ambiguous insert would make the count below meaningless
                    }
                    slowestMillis = Math.max(slowestMillis, RangeTests.millisSince(start));
                }
            } catch (SQLException e) {
                errors.add("setup: " + e.getSQLState() + " " + e.getMessage());
            }
        }

        boolean awaitRows(long rows, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (acknowledged.get() < rows && errors.isEmpty() && isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return acknowledged.get() >= rows;
        }

        void finish() throws InterruptedException {
            stop = true;
            join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!isAlive(), "the SQL writer did not stop");
        }
    }
}
