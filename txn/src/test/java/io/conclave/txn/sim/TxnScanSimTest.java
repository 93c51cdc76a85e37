package io.conclave.txn.sim;

import static io.conclave.txn.sim.TxnSimTest.SETTINGS;
import static io.conclave.txn.sim.TxnSimTest.b;
import static io.conclave.txn.sim.TxnSimTest.forSeeds;
import static io.conclave.txn.sim.TxnSimTest.num;
import static io.conclave.txn.sim.TxnSimTest.s;
import static io.conclave.txn.sim.TxnSimTest.simulate;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.client.KeyValue;
import io.conclave.txn.ScanOptions;
import io.conclave.txn.ScanSummary;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnScanFilterException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Scans sent to several ranges at once (answers in a seeded random order) and filtered at the
 * ranges, against range-by-range scans and against a concurrent workload that keeps a total.
 */
class TxnScanSimTest {
    private static final long MS = 1_000_000L;
    /** Audits per seed: each is two parallel scans over six ranges while the transfers run. */
    private static final int MAX_AUDITS = 6;
    /** Transfer clients racing the audits (and each other when there are two or more). */
    private static final int WRITERS = Integer.getInteger("sim.scanWriters", 1);
    /** Six ranges; each answers at most SimCluster.MAX_SCAN_ROWS keys per request. */
    private static final List<byte[]> SPLITS = List.of(b("c"), b("f"), b("h"), b("k"), b("p"));

    private static SimCluster cluster(long seed) {
        return new SimCluster(seed, SPLITS, new long[] {0, 0, 0});
    }

    private static List<String> collect(Txn t, ScanOptions options, long min, ScanSummary[] summary) {
        List<String> out = new ArrayList<>();
        summary[0] = t.scan(b("a"), b("z"), options, kv -> {
            // The transaction's own writes arrive whole; filter them as the range filters the rest.
            long v = kv.value().length == 8 ? ByteBuffer.wrap(kv.value()).getLong() : kv.value()[0];
            if (kv.value().length == 1 || v >= min) out.add(s(kv.key()) + "=" + (kv.value()[kv.value().length - 1]));
            return true;
        });
        return out;
    }

    @Test
    void aParallelFilteredScanReturnsWhatARangeByRangeScanDoesWithOwnWritesMerged() {
        forSeeds(4, seed -> {
            SimCluster sim = cluster(seed);
            simulate(sim, () -> {
                TxnClient c = sim.client("c", SETTINGS);
                SplittableRandom r = new SplittableRandom(seed);
                c.run(t -> {
                    for (char k = 'a'; k <= 'y'; k++) {
                        for (int i = 0; i < 3; i++) t.put(b(k + "" + i), num(r.nextInt(100)));
                    }
                    return null;
                });
                Txn t = c.begin();
                t.put(b("b1"), num(99));
                t.delete(b("g0"));
                t.put(b("q5"), num(1));
                long min = 50;
                ScanSummary[] seq = new ScanSummary[1];
                ScanSummary[] par = new ScanSummary[1];
                List<String> expected = new ArrayList<>();
                for (String kv : collect(t, ScanOptions.sequential(0), 0, seq)) {
                    long v = Long.parseLong(kv.substring(kv.indexOf('=') + 1));
                    if (v >= min) expected.add(kv);
                }
                byte[] spec = num(min);
                List<String> got = collect(t, ScanOptions.DEFAULT.withFilter("at-least", spec), min, par);
                assertEquals(expected, got);
                assertEquals(6, par[0].ranges(), "every range answered");
                assertTrue(par[0].widestRound() > 1, "several ranges asked at once: " + par[0]);
                assertEquals(75, seq[0].rowsScanned(), "76 stored rows, g0 deleted by the transaction is still stored");
                assertTrue(par[0].rowsReturned() < par[0].rowsScanned(), "the filter left rows at the ranges: " + par[0]);
                // Unfiltered, in parallel: the same rows as range by range.
                assertEquals(collect(t, ScanOptions.sequential(0), 0, seq), collect(t, ScanOptions.DEFAULT, 0, par));
                // A caller that wants few rows: range by range, stopping where it stops.
                List<String> firstFive = new ArrayList<>();
                t.scan(b("a"), b("z"), new ScanOptions(8, 5, "", new byte[0]).withFilter("at-least", spec), kv -> {
                    long v = kv.value().length == 8 ? ByteBuffer.wrap(kv.value()).getLong() : kv.value()[0];
                    if (kv.value().length == 1 || v >= min) firstFive.add(s(kv.key()) + "=" + kv.value()[kv.value().length - 1]);
                    return firstFive.size() < 5;
                });
                assertEquals(expected.subList(0, 5), firstFive);
                t.commit();
            });
        });
    }

    @Test
    void aFailingFilterIsItsOwnErrorAndLeavesTheTransactionUsable() {
        forSeeds(2, seed -> {
            SimCluster sim = cluster(seed);
            simulate(sim, () -> {
                TxnClient c = sim.client("c", SETTINGS);
                c.run(t -> {
                    t.put(b("a"), num(1));
                    t.put(b("m"), b("text"));
                    return null;
                });
                Txn t = c.begin();
                TxnScanFilterException e = assertThrows(TxnScanFilterException.class, () -> t.scan(b("a"), b("z"),
                        ScanOptions.DEFAULT.withFilter("at-least", num(0)), kv -> true));
                assertTrue(e.getMessage().contains("not a number"), e.getMessage());
                List<KeyValue> all = t.scan(b("a"), b("z"), 10);
                assertEquals(2, all.size());
                t.commit();
            });
        });
    }

    @Test
    void parallelFilteredAuditsOfATransferWorkloadAlwaysSeeTheTotal() {
        // One seed in CI (conflicting transfers take seconds to simulate); -Dsim.seeds=N for more.
        forSeeds(1, seed -> {
            SimCluster sim = cluster(seed);
            simulate(sim, () -> {
                String[] accounts = {"a0", "d0", "g0", "i0", "m0", "q0", "x0", "y0"};
                TxnClient setup = sim.client("setup", SETTINGS);
                setup.run(t -> {
                    for (String a : accounts) t.put(b(a), num(100));
                    return null;
                });
                AtomicInteger finished = new AtomicInteger();
                SplittableRandom random = new SplittableRandom(seed);
                for (int i = 0; i < WRITERS; i++) {
                    TxnClient c = sim.client("w" + i, SETTINGS);
                    long clientSeed = random.nextLong();
                    sim.sched.spawn("w" + i, false, () -> {
                        try {
                            SplittableRandom r = new SplittableRandom(clientSeed);
                            for (int n = 0; n < 3; n++) {
                                String from = accounts[r.nextInt(accounts.length)];
                                String to = accounts[r.nextInt(accounts.length)];
                                if (from.equals(to)) continue;
                                c.run(t -> {
                                    long f = ByteBuffer.wrap(t.get(b(from)).orElseThrow()).getLong();
                                    long g = ByteBuffer.wrap(t.get(b(to)).orElseThrow()).getLong();
                                    t.put(b(from), num(f - 10));
                                    t.put(b(to), num(g + 10));
                                    return null;
                                });
                            }
                        } finally {
                            finished.incrementAndGet();
                        }
                    });
                }
                TxnClient auditor = sim.client("auditor", SETTINGS);
                // A bounded number of audits while the transfers run, then the transfers' end.
                for (int audit = 0; audit < MAX_AUDITS && finished.get() < WRITERS; audit++) {
                    // Balances may go negative; the filter keeps those >= -1000, i.e. all of them,
                    // but it is evaluated at the ranges on every row.
                    long total = auditor.run(t -> {
                        long[] sum = {0};
                        int[] rows = {0};
                        t.scan(b("a"), b("z"), ScanOptions.DEFAULT.withFilter("at-least", num(-1000)), kv -> {
                            rows[0]++;
                            return true;
                        });
                        t.scan(b("a"), b("z"), ScanOptions.DEFAULT, kv -> {
                            sum[0] += ByteBuffer.wrap(kv.value()).getLong();
                            return true;
                        });
                        assertEquals(accounts.length, rows[0]);
                        return sum[0];
                    });
                    assertEquals(100L * accounts.length, total, "a snapshot saw money appear or vanish");
                    sim.sched.sleep(20 * MS);
                }
                while (finished.get() < WRITERS) sim.sched.sleep(20 * MS);
            });
        });
    }
}
