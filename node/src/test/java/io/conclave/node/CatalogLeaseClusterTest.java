package io.conclave.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.client.RangeClient;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.sql.Result;
import io.conclave.sql.Session;
import io.conclave.sql.SqlEngine;
import io.conclave.sql.SqlException;
import io.conclave.sql.Value;
import io.conclave.sql.kv.CommitInfo;
import io.conclave.sql.kv.ForwardingSqlTxn;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.kv.SqlTxn;
import io.conclave.sql.kv.TxnKv;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog leases between two SQL engines (each with its own catalog cache and coordinator, as
 * two nodes' engines) over three real nodes: a statement under its engine's lease reads no
 * catalog version (one KV read for a point SELECT), and a DDL at one engine is never missed by a
 * statement the other runs after the DDL returned, nor by a write racing it.
 */
class CatalogLeaseClusterTest {
    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    /** A store whose transactions note how many KV reads they had sent when they committed. */
    private static final class ReadCounting implements SqlKv {
        private final SqlKv kv;
        final ConcurrentLinkedQueue<Integer> readsAtCommit = new ConcurrentLinkedQueue<>();

        ReadCounting(SqlKv kv) {
            this.kv = kv;
        }

        @Override
        public SqlTxn begin() {
            return new ForwardingSqlTxn(kv.begin()) {
                @Override
                public CommitInfo commit() {
                    readsAtCommit.add(txn.stats().reads());
                    return txn.commit();
                }
            };
        }

        @Override
        public SqlTxn beginReadOnly(io.conclave.clock.Timestamp asOf) {
            return kv.beginReadOnly(asOf);
        }

        @Override
        public boolean filtersScans() {
            return kv.filtersScans();
        }

        @Override
        public io.conclave.clock.Timestamp now() {
            return kv.now();
        }
    }

    private TestCluster cluster;

    private SqlKv kvVia(long node) throws Exception {
        RangeClient rc = cluster.client(node);
        closing.add(rc);
        TxnClient txns = new TxnClient(rc, TxnSettings.builder().build());
        closing.add(txns);
        return new TxnKv(txns);
    }

    private void start() throws Exception {
        cluster = new TestCluster(dir, 3, SchedulerSettings.defaults(), 1);
        closing.add(cluster);
        RangeClient admin = cluster.client(1, 2, 3);
        closing.add(admin);
        cluster.awaitLeader(admin, 2);
    }

    private static String rows(Result r) {
        List<String> out = new ArrayList<>();
        for (List<Value> row : r.rows()) {
            List<String> cells = new ArrayList<>();
            for (Value v : row) cells.add(String.valueOf(v));
            out.add(String.join(" ", cells));
        }
        return String.join("; ", out);
    }

    private static String state(Session s, String sql) {
        try {
            s.execute(sql);
            return "ok";
        } catch (SqlException e) {
            return e.sqlState();
        }
    }

    @Test
    @Timeout(120)
    void aPointSelectUnderTheLeaseIsOneKvReadAndOutsideItTwo() throws Exception {
        start();
        ReadCounting counted = new ReadCounting(kvVia(2));
        SqlEngine b = new SqlEngine(counted, null, System::nanoTime, 2);
        Session sb = b.openSession();
        sb.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
        sb.execute("INSERT INTO t VALUES (1, 'one')");
        int leased = 0;
        int unleased = 0;
        for (int i = 0; i < 40 && (leased < 3 || unleased < 1); i++) {
            long before = b.statementsUnderCatalogLease();
            counted.readsAtCommit.clear();
            assertEquals("one", rows(sb.execute("SELECT v FROM t WHERE k = 1")));
            boolean underLease = b.statementsUnderCatalogLease() > before;
            int reads = counted.readsAtCommit.poll();
            // Under the lease only the row; otherwise the row and the catalog version, in one round.
            assertEquals(underLease ? 1 : 2, reads, "statement " + i + (underLease ? " under" : " outside") + " the lease");
            if (underLease) leased++;
            else unleased++;
            if (i % 8 == 7) TimeUnit.MILLISECONDS.sleep(150); // let the lease run out now and then
        }
        assertTrue(leased >= 3 && unleased >= 1, "under the lease " + leased + ", outside " + unleased);
        assertTrue(b.catalogLeasesTaken() >= 1);
    }

    @Test
    @Timeout(120)
    void aDdlAtOneEngineIsSeenByTheOtherRightAfterItReturnedDespiteAFreshLease() throws Exception {
        start();
        SqlEngine a = new SqlEngine(kvVia(1), null, System::nanoTime, 1);
        SqlEngine b = new SqlEngine(kvVia(2), null, System::nanoTime, 2);
        Session sa = a.openSession();
        Session sb = b.openSession();
        sa.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
        sa.execute("INSERT INTO t VALUES (1, 'one')");
        for (int round = 0; round < 3; round++) {
            // B's lease is as fresh as it gets: its statement just read (and claimed) the version.
            // (A claim is refused while the DDL's intent or its resolution is in flight: try again.)
            long leased = b.statementsUnderCatalogLease();
            for (int i = 0; i < 50 && b.statementsUnderCatalogLease() == leased; i++) {
                assertEquals("one", rows(sb.execute("SELECT v FROM t WHERE k = 1")));
                if (i > 1) TimeUnit.MILLISECONDS.sleep(10);
            }
            assertTrue(b.statementsUnderCatalogLease() > leased, "round " + round + ": B ran a statement under its lease");
            sa.execute("DROP TABLE t");
            assertEquals("42P01", state(sb, "INSERT INTO t VALUES (2, 'two')"), "round " + round);
            assertEquals("42P01", state(sb, "SELECT v FROM t WHERE k = 1"), "round " + round);
            // Recreated with another column: B uses it at once.
            sa.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING, w INT NOT NULL DEFAULT 7)");
            sb.execute("INSERT INTO t (k, v) VALUES (1, 'one')");
            assertEquals("one 7", rows(sb.execute("SELECT v, w FROM t WHERE k = 1")), "round " + round);
            sa.execute("DROP TABLE t");
            sa.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
            sa.execute("INSERT INTO t VALUES (1, 'one')");
        }
    }

    @Test
    @Timeout(120)
    void indexDdlRacingAStreamOfInsertsAtAnotherEngineNeverLetsAWriteMissTheIndex() throws Exception {
        start();
        SqlEngine a = new SqlEngine(kvVia(1), null, System::nanoTime, 1);
        SqlEngine b = new SqlEngine(kvVia(2), null, System::nanoTime, 2);
        Session sa = a.openSession();
        sa.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger inserted = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Thread writer = new Thread(() -> {
            Session sb = b.openSession();
            try {
                for (int k = 1; k <= 5_000 && !stop.get(); k++) {
                    sb.execute("INSERT INTO t VALUES ($1, $2)", List.of(Value.ofInt(k), Value.ofString("v" + k)));
                    inserted.set(k);
                }
            } catch (Throwable e) {
                failures.add(e);
            }
        }, "catalog-lease-writer");
        writer.start();
        try {
            for (int i = 0; i < 3; i++) {
                TestCluster.await("inserts to go on", () -> inserted.get() > 0 || !failures.isEmpty());
                int seen = inserted.get();
                sa.execute("CREATE INDEX t_v ON t (v)");
                TestCluster.await("inserts after the index", () -> inserted.get() > seen + 20 || !failures.isEmpty());
                sa.execute("DROP INDEX t@t_v");
                TestCluster.await("inserts after the drop", () -> inserted.get() > seen + 40 || !failures.isEmpty());
            }
            sa.execute("CREATE INDEX t_v ON t (v)");
            int seen = inserted.get();
            TestCluster.await("inserts after the last index", () -> inserted.get() > seen + 20 || !failures.isEmpty());
        } finally {
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertTrue(failures.isEmpty(), failures.toString());
        int total = inserted.get();
        assertEquals(String.valueOf(total), rows(sa.execute("SELECT count(*) FROM t")));
        // Every row is in the index made last, whenever it was written: a write planned with a
        // descriptor from before an index existed would have left its entry out.
        String explained = rows(sa.execute("EXPLAIN SELECT k FROM t WHERE v = 'v1'"));
        assertTrue(explained.contains("t_v"), explained);
        for (int k = 1; k <= total; k++) {
            assertEquals(String.valueOf(k), rows(sa.execute("SELECT k FROM t WHERE v = $1",
                    List.of(Value.ofString("v" + k)))), "row " + k + " through the index");
        }
        assertTrue(b.statementsUnderCatalogLease() > 0, "the writer ran under its lease");
    }
}
