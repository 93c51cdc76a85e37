package io.conclave.tests.txn;

import static io.conclave.tests.jepsen.KvKeys.keyIn;
import static io.conclave.tests.txn.TxnTests.longBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.check.ListAppendChecker;
import io.conclave.tests.jepsen.ListAppendTxns;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serializability on one healthy 3-node cluster with four user ranges (started once for the
 * class): write skew across two ranges is rejected, concurrent read-modify-write increments lose
 * nothing, and a list-append history over keys in four ranges has no dependency cycle (G0, G1c,
 * G-single, G2, also with real-time edges, since commit-wait is on) and no G1a/G1b. Each test
 * uses keys of its own. Replay a schedule with {@code -Dtxn.seed=N}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
final class SerializabilityProcessTest {
    static final int INITIAL_RANGES = 4;

    static final int SKEW_ROUNDS = 15;
    static final long BARRIER_MILLIS = 20_000;

    static final int INCREMENT_THREADS = 6;
    static final int INCREMENTS_PER_THREAD = 10;
    static final long INCREMENT_MILLIS = 30_000;

    static final int APPEND_THREADS = 6;
    static final int APPEND_KEYS = 6;
    static final int MAX_TXNS_PER_THREAD = 60;
    static final long APPEND_MILLIS = 20_000;

    private TxnTests.Rig rig;
    private long seed;
    private List<RangeDescriptor> ranges;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws Exception {
        rig = TxnTests.Rig.start(dir, "serializability", INITIAL_RANGES);
        seed = rig.seed();
        ranges = rig.ranges();
    }

    @AfterAll
    void stopCluster() throws Exception {
        if (rig != null) rig.close();
    }

    /** A transaction client whose first contact is {@code node}. */
    private TxnClient txnClient(long node, long clientSeed) {
        return rig.txnClientVia(node, clientSeed, TxnTests.settings(true));
    }

    /**
     * Two doctors on call, x (one range) and y (another), each 1. Each transaction reads both and,
     * seeing two on call, takes itself off; both read before either commits. Serializable: at
     * most one commits, and x + y stays >= 1.
     */
    @Test
    void writeSkewAcrossTwoRangesIsRejected() throws Exception {
        TxnClient a = txnClient(1, seed + 11);
        TxnClient b = txnClient(2, seed + 12);
        int oneCommitted = 0;
        int noneCommitted = 0;
        for (int round = 0; round < SKEW_ROUNDS; round++) {
            byte[] x = keyIn(ranges.get(0), "/skew/" + round + "/x");
            byte[] y = keyIn(ranges.get(1), "/skew/" + round + "/y");
            a.run(txn -> {
                txn.put(x, longBytes(1));
                txn.put(y, longBytes(1));
                return null;
            });
            CyclicBarrier bothRead = new CyclicBarrier(2);
            AtomicReference<Throwable> crash = new AtomicReference<>();
            boolean[] committed = new boolean[2];
            String[] why = new String[2];
            Thread ta = new Thread(() -> goOffCall(a, x, y, x, bothRead, committed, why, 0, crash), "skew-a");
            Thread tb = new Thread(() -> goOffCall(b, x, y, y, bothRead, committed, why, 1, crash), "skew-b");
            ta.start();
            tb.start();
            ta.join(60_000);
            tb.join(60_000);
            if (crash.get() != null) fail("round " + round + ": a transaction crashed; " + TxnTests.replay(seed), crash.get());
            long onCall = a.run(txn -> value(txn, x) + value(txn, y));
            String context = "round " + round + ": a " + (committed[0] ? "committed" : why[0]) + ", b "
                    + (committed[1] ? "committed" : why[1]) + ", x + y = " + onCall + "; " + TxnTests.replay(seed);
            System.out.println("[skew] " + context);
            assertTrue(!(committed[0] && committed[1]), () -> "write skew: both committed; " + context);
            assertTrue(onCall >= 1, () -> "nobody on call; " + context);
            if (committed[0] || committed[1]) oneCommitted++;
            else noneCommitted++;
        }
        System.out.println("[skew] rounds with one commit: " + oneCommitted + ", with none: " + noneCommitted);
        assertTrue(oneCommitted >= 1, "no round let either transaction commit; " + TxnTests.replay(seed));
    }

    private static void goOffCall(TxnClient client, byte[] x, byte[] y, byte[] mine, CyclicBarrier bothRead,
            boolean[] committed, String[] why, int index, AtomicReference<Throwable> crash) {
        Txn txn = client.begin();
        try {
            long onCall = value(txn, x) + value(txn, y);
            bothRead.await(BARRIER_MILLIS, TimeUnit.MILLISECONDS);
            if (onCall >= 2) txn.put(mine, longBytes(0));
            txn.commit();
            committed[index] = true;
        } catch (RuntimeException e) {
            why[index] = TxnTests.describe(e);
            if (TxnTests.outcomeOf(e) != TxnTests.Outcome.NOT_COMMITTED) crash.compareAndSet(null, e);
            txn.rollback();
        } catch (Exception e) {
            crash.compareAndSet(null, e);
            txn.rollback();
        }
    }

    private static long value(Txn txn, byte[] key) {
        return txn.get(key).map(TxnTests::parseLong).orElse(0L);
    }

    /**
     * Threads increment one counter (one range) by read-modify-write transactions that also
     * count, per thread, in another range. No lost update: every acknowledged increment counts
     * (acknowledged <= counter <= acknowledged + ambiguous), no two acknowledged increments saw
     * the same value, and the counter equals the sum of the per-thread counts (atomicity across
     * the two ranges).
     */
    @Test
    void concurrentIncrementsAreNeverLost() throws Exception {
        byte[] counter = keyIn(ranges.get(0), "/inc/counter");
        List<byte[]> mine = new ArrayList<>();
        for (int t = 0; t < INCREMENT_THREADS; t++) mine.add(keyIn(ranges.get(2), "/inc/thread-" + t));
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger unknown = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Set<Long> seenValues = Collections.synchronizedSet(new HashSet<>());
        List<Long> duplicates = Collections.synchronizedList(new ArrayList<>());
        long[] ackedPerThread = new long[INCREMENT_THREADS];
        long[] unknownPerThread = new long[INCREMENT_THREADS];
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INCREMENT_MILLIS);
        TxnTests.Load load = new TxnTests.Load();
        for (int t = 0; t < INCREMENT_THREADS; t++) {
            int thread = t;
            TxnClient client = txnClient(1 + t % 3, seed + 100 + t);
            load.add("increment-" + t, () -> {
                for (int i = 0; i < INCREMENTS_PER_THREAD && System.nanoTime() < end; i++) {
                    try {
                        long now = client.run(txn -> {
                            long c = value(txn, counter);
                            long n = value(txn, mine.get(thread));
                            txn.put(counter, longBytes(c + 1));
                            txn.put(mine.get(thread), longBytes(n + 1));
                            return c + 1;
                        });
                        acked.incrementAndGet();
                        ackedPerThread[thread]++;
                        if (!seenValues.add(now)) duplicates.add(now);
                    } catch (RuntimeException e) {
                        if (TxnTests.outcomeOf(e) == TxnTests.Outcome.NOT_COMMITTED) {
                            failed.incrementAndGet();
                        } else {
                            unknown.incrementAndGet();
                            unknownPerThread[thread]++;
                        }
                        System.out.println("[increments] thread " + thread + ": " + TxnTests.describe(e));
                    }
                }
            });
        }
        load.run(INCREMENT_MILLIS + 60_000, "increments; " + TxnTests.replay(seed));
        TxnClient reader = txnClient(3, seed + 199);
        long[] finalCounts = reader.run(txn -> {
            long[] out = new long[INCREMENT_THREADS + 1];
            out[0] = value(txn, counter);
            for (int t = 0; t < INCREMENT_THREADS; t++) out[t + 1] = value(txn, mine.get(t));
            return out;
        });
        long sum = 0;
        for (int t = 0; t < INCREMENT_THREADS; t++) sum += finalCounts[t + 1];
        String context = "counter=" + finalCounts[0] + " per-thread=" + Arrays.toString(Arrays.copyOfRange(finalCounts, 1,
                finalCounts.length)) + " acked=" + acked + " unknown=" + unknown + " failed=" + failed + "; "
                + TxnTests.replay(seed);
        System.out.println("[increments] " + context);
        assertTrue(duplicates.isEmpty(), () -> "two acknowledged increments read the same value " + duplicates + "; " + context);
        assertEquals(sum, finalCounts[0], () -> "the counter is not the sum of the per-thread counts; " + context);
        assertTrue(finalCounts[0] >= acked.get() && finalCounts[0] <= acked.get() + unknown.get(),
                () -> "lost or invented increments; " + context);
        for (int t = 0; t < INCREMENT_THREADS; t++) {
            long n = finalCounts[t + 1];
            int thread = t;
            assertTrue(n >= ackedPerThread[t] && n <= ackedPerThread[t] + unknownPerThread[t],
                    () -> "thread " + thread + " counted " + n + " for " + ackedPerThread[thread] + " acknowledged; " + context);
        }
        assertTrue(acked.get() >= INCREMENT_THREADS, () -> "too few increments committed; " + context);
    }

    /**
     * Transactions of one to four micro-operations append unique elements to (read-modify-write of
     * a comma list) and read lists at keys over four ranges; the history is checked for Elle's
     * anomalies, with real-time edges since commit-wait is on.
     */
    @Test
    void listAppendHistoryHasNoDependencyCycle() throws Exception {
        List<byte[]> keys = new ArrayList<>();
        for (int k = 0; k < APPEND_KEYS; k++) keys.add(keyIn(ranges.get(k % INITIAL_RANGES), "/append/k" + k));
        ListAppendTxns workload = new ListAppendTxns(keys);
        HistoryRecorder recorder = new HistoryRecorder(System::nanoTime);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(APPEND_MILLIS);
        TxnTests.Load load = new TxnTests.Load();
        for (int t = 0; t < APPEND_THREADS; t++) {
            int worker = t;
            TxnClient client = txnClient(1 + t % 3, seed + 200 + t);
            SplittableRandom random = new SplittableRandom(seed * 17 + t);
            load.add("append-" + t, () -> workload.work(worker, APPEND_THREADS, client, recorder, random, end,
                    MAX_TXNS_PER_THREAD));
        }
        load.run(APPEND_MILLIS + 60_000, "list-append; " + TxnTests.replay(seed));
        String context = workload.counts() + "; " + TxnTests.replay(seed);
        System.out.println("[list-append] " + context);
        History history = recorder.history();
        ListAppendChecker.Result result = ListAppendChecker.check(history, ListAppendChecker.Options.strictSerializable());
        System.out.println("[list-append] checker: " + (result.isValid() ? "VALID" : "INVALID " + result.counts()) + ", "
                + result.txnsChecked() + " txns");
        if (!result.isValid()) {
            Path file = Path.of("target", "list-append-txn-history-" + seed + ".txt");
            Files.createDirectories(file.getParent());
            history.write(file);
            fail(result + "\nhistory written to " + file.toAbsolutePath() + "\n" + context);
        }
        assertTrue(workload.counts().okCount() >= 30, () -> "too few transactions committed; " + context);
    }
}
