package io.conclave.sql;

import static io.conclave.sql.SessionResults.rows;
import static io.conclave.sql.SessionResults.state;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.conclave.clock.Timestamp;
import io.conclave.sql.kv.KeyValue;
import io.conclave.sql.kv.MemoryAdmin;
import io.conclave.sql.kv.MemoryKv;
import io.conclave.sql.kv.ScanCounts;
import io.conclave.sql.kv.ScanRequest;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.kv.ForwardingSqlTxn;
import io.conclave.sql.kv.SqlTxn;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Statements planned against a node's cached catalog: two engines over one store stand for two
 * nodes with their own caches. A schema change made through one is seen by the same statement
 * text at the other (a stale plan is never used, for reads or writes), and a point read with a
 * warm cache costs one round of reads: the row and the catalog version together.
 */
class CatalogCacheTest {
    private final MemoryKv store = new MemoryKv();
    private final CountingKv counted = new CountingKv(store);
    private final SqlEngine nodeA = new SqlEngine(counted, new MemoryAdmin());
    private final SqlEngine nodeB = new SqlEngine(store, new MemoryAdmin());
    private Session a;
    private Session b;

    @BeforeEach
    void setUp() {
        a = nodeA.openSession();
        b = nodeB.openSession();
        b.execute("CREATE TABLE t (k INT PRIMARY KEY, v STRING)");
        b.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    }

    @Test
    void aWarmPointReadIsOneRoundOfReadsWithTheCatalogVersionInIt() {
        assertEquals("one", rows(a.execute("SELECT v FROM t WHERE k = 1"))); // fills A's cache
        counted.reset();
        assertEquals("two", rows(a.execute("SELECT v FROM t WHERE k = $1", List.of(Value.ofInt(2)))));
        assertEquals("getAll rounds 1 (keys 2), gets 0, scans 0", counted.summary());
    }

    @Test
    void aDropAndARecreateWithOtherColumnsAreSeenByTheSameStatementText() {
        String select = "SELECT v FROM t WHERE k = 1";
        assertEquals("one", rows(a.execute(select)));
        b.execute("DROP TABLE t");
        assertEquals("42P01", state(a, select));
        b.execute("CREATE TABLE t (k INT PRIMARY KEY, w STRING, n INT NOT NULL DEFAULT 5)");
        assertEquals("42703", state(a, select));
        // A writes with the new descriptor: B reads the default A's stale plan would not have written.
        a.execute("INSERT INTO t (k, w) VALUES (3, 'x')");
        assertEquals("3 x 5", rows(b.execute("SELECT k, w, n FROM t")));
    }

    @Test
    void anIndexCreatedElsewhereIsMaintainedByTheNextWriteAndDroppedIndexesAreNotUsed() {
        String update = "UPDATE t SET v = $1 WHERE k = $2";
        a.execute(update, List.of(Value.ofString("uno"), Value.ofInt(1)));
        b.execute("CREATE INDEX t_v ON t (v)");
        // The same text again at A: with the cached (index-less) catalog it would leave the new
        // index without an entry for the new value, and B's lookup through it would miss the row.
        a.execute(update, List.of(Value.ofString("eins"), Value.ofInt(1)));
        String byValue = "SELECT k FROM t WHERE v = 'eins'";
        assertEquals(true, String.join("\n", rows(b.execute("EXPLAIN " + byValue))).contains("t_v"),
                "the lookup goes through the index");
        assertEquals("1", rows(b.execute(byValue)));
        assertEquals("", rows(b.execute("SELECT k FROM t WHERE v = 'uno'")));

        assertEquals("1", rows(a.execute(byValue)));
        b.execute("DROP INDEX t@t_v");
        a.execute(update, List.of(Value.ofString("un"), Value.ofInt(1)));
        assertEquals("1", rows(a.execute("SELECT k FROM t WHERE v = 'un'")));
        assertEquals("1 un; 2 two", rows(b.execute("SELECT k, v FROM t ORDER BY k")));
    }

    @Test
    void aDdlOnTheSameNodeRefreshesItsCacheWithoutARestart() {
        assertEquals("one", rows(a.execute("SELECT v FROM t WHERE k = 1")));
        a.execute("CREATE INDEX t_v ON t (v)");
        String explained = rows(a.execute("EXPLAIN ANALYZE SELECT k FROM t WHERE v = 'two'"));
        assertEquals(true, explained.contains("transaction restarts: 0"), explained);
    }

    @Test
    void anExplicitTransactionReadsTheCatalogOnceAndConflictsWithAConcurrentDdl() {
        a.execute("BEGIN");
        a.execute("INSERT INTO t VALUES (3, 'three')");
        counted.reset();
        a.execute("INSERT INTO t VALUES (4, 'four')");
        assertEquals("getAll rounds 0 (keys 0), gets 1, scans 0", counted.summary(), "only the unique check");
        b.execute("CREATE INDEX t_v ON t (v)");
        a.execute("INSERT INTO t VALUES (5, 'five')");
        assertEquals("40001", state(a, "COMMIT"));
        assertEquals("", rows(b.execute("SELECT k FROM t WHERE v = 'four'")));
        assertEquals("1 one; 2 two", rows(b.execute("SELECT k, v FROM t ORDER BY k")));
    }

    /** A SqlKv that counts the reads its transactions send. */
    private static final class CountingKv implements SqlKv {
        private final SqlKv kv;
        private final AtomicInteger getAlls = new AtomicInteger();
        private final AtomicInteger getAllKeys = new AtomicInteger();
        private final AtomicInteger gets = new AtomicInteger();
        private final AtomicInteger scans = new AtomicInteger();
        private final AtomicInteger assumed = new AtomicInteger();

        CountingKv(SqlKv kv) {
            this.kv = kv;
        }

        void reset() {
            getAlls.set(0);
            getAllKeys.set(0);
            gets.set(0);
            scans.set(0);
            assumed.set(0);
        }

        String summary() {
            return "getAll rounds " + getAlls + " (keys " + getAllKeys + "), gets " + gets + ", scans " + scans
                    + (assumed.get() > 0 ? ", assumed " + assumed : "");
        }

        @Override
        public SqlTxn begin() {
            return new Counted(kv.begin());
        }

        @Override
        public SqlTxn beginReadOnly(Timestamp asOf) {
            return new Counted(kv.beginReadOnly(asOf));
        }

        @Override
        public boolean filtersScans() {
            return kv.filtersScans();
        }

        @Override
        public Timestamp now() {
            return kv.now();
        }

        private final class Counted extends ForwardingSqlTxn {
            Counted(SqlTxn txn) {
                super(txn);
            }

            @Override
            public byte[] get(byte[] key) {
                gets.incrementAndGet();
                return txn.get(key);
            }

            @Override
            public List<byte[]> getAll(List<byte[]> keys) {
                getAlls.incrementAndGet();
                getAllKeys.addAndGet(keys.size());
                return txn.getAll(keys);
            }

            @Override
            public io.conclave.sql.kv.ClaimedValues getAllClaimingFirst(List<byte[]> keys, java.time.Duration claim) {
                getAlls.incrementAndGet();
                getAllKeys.addAndGet(keys.size());
                return txn.getAllClaimingFirst(keys, claim);
            }

            @Override
            public Timestamp assumeRead(byte[] key) {
                assumed.incrementAndGet();
                return txn.assumeRead(key);
            }

            @Override
            public List<KeyValue> scan(byte[] start, byte[] end, int limit) {
                scans.incrementAndGet();
                return txn.scan(start, end, limit);
            }

            @Override
            public ScanCounts scan(ScanRequest request, Predicate<KeyValue> sink) {
                scans.incrementAndGet();
                return txn.scan(request, sink);
            }

        }
    }
}
