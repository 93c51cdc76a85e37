package io.conclave.txn.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.client.KeyValue;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.KvRequest;
import io.conclave.txn.CommitResult;
import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnException;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnSettings;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's push, abort, recovery and refresh paths on {@link SimCluster}: three nodes,
 * user ranges {@code [0x04, h)} on n1, {@code [h, p)} on n2, {@code [p, 0xffff)} on n3, the
 * real MVCC evaluator, virtual time. Each scenario runs under several seeds (the interleaving of
 * the simulated threads); a failure names its seed (rerun one with {@code -Dsim.seed=N}; soak
 * with {@code -Dsim.seeds=N -Dsim.firstSeed=S}).
 */
class TxnSimTest {
    static final long MS = 1_000_000L;
    static final TxnSettings SETTINGS = TxnSettings.builder().build();

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static String s(Optional<byte[]> b) {
        return b.map(TxnSimTest::s).orElse(null);
    }

    static byte[] num(long n) {
        return ByteBuffer.allocate(8).putLong(n).array();
    }

    static long num(Optional<byte[]> b) {
        return b.map(x -> ByteBuffer.wrap(x).getLong()).orElse(0L);
    }

    static SimCluster cluster(long seed) {
        return cluster(seed, new long[] {0, 0, 0});
    }

    static SimCluster cluster(long seed, long[] offsets) {
        return new SimCluster(seed, List.of(b("h"), b("p")), offsets);
    }

    /** Runs {@code scenario} once per seed; a failure says which seed. */
    static void forSeeds(int count, SeededScenario scenario) {
        String fixed = System.getProperty("sim.seed");
        long[] seeds;
        if (fixed != null) {
            seeds = new long[] {Long.parseLong(fixed)};
        } else {
            // -Dsim.seeds=N runs N seeds per scenario (a soak); -Dsim.firstSeed=S starts elsewhere.
            int n = Integer.getInteger("sim.seeds", count);
            long first = Long.getLong("sim.firstSeed", 1000L);
            seeds = new long[n];
            for (int i = 0; i < n; i++) seeds[i] = first + i;
        }
        for (long seed : seeds) {
            try {
                scenario.run(seed);
            } catch (Throwable t) {
                throw new AssertionError("failed with -Dsim.seed=" + seed + ": " + t, t);
            }
        }
    }

    interface SeededScenario {
        void run(long seed) throws Exception;
    }

    /** A scenario's body: it runs as the main simulated thread of the cluster built for {@code seed}. */
    interface SimScenario {
        void run(SimCluster sim, long seed);
    }

    /** Runs {@code body} under {@code count} seeds (see {@link #forSeeds}), each on a fresh cluster with exact clocks. */
    static void simulateSeeds(int count, SimScenario body) {
        simulateSeeds(count, seed -> new long[] {0, 0, 0}, body);
    }

    /** As {@link #simulateSeeds(int, SimScenario)}, the nodes' clock offsets chosen per seed. */
    static void simulateSeeds(int count, LongFunction<long[]> offsets, SimScenario body) {
        forSeeds(count, seed -> {
            SimCluster sim = cluster(seed, offsets.apply(seed));
            simulate(sim, () -> body.run(sim, seed));
        });
    }

    /** Runs {@code body} once, under the given seed only, on a cluster with exact clocks. */
    static void simulateSeed(long seed, SimScenario body) {
        SimCluster sim = cluster(seed);
        simulate(sim, () -> body.run(sim, seed));
    }

    /** n2 (range [h, p)) runs 200 ms ahead of n1, whose clock gives transactions their timestamps. */
    static long[] n2Ahead(long seed) {
        return new long[] {0, 200 * MS, 0};
    }

    /** Runs {@code body} as the simulation's main thread, to the end. */
    static void simulate(SimCluster sim, Runnable body) {
        sim.sched.spawn("main", false, body);
        sim.sched.run(20_000);
        if (Boolean.getBoolean("sim.verbose")) {
            java.util.Map<String, Integer> ops = new java.util.TreeMap<>();
            for (String l : sim.log) ops.merge(l.substring(l.indexOf(' ') + 1, l.lastIndexOf(' ')), 1, Integer::sum);
            System.out.println(testName() + " " + ops);
        }
    }

    /** The test method running now: the first frame of this class that is not a helper or a lambda. */
    private static String testName() {
        Set<String> helpers = Set.of("testName", "simulate", "simulateSeed", "simulateSeeds", "forSeeds");
        for (StackTraceElement f : Thread.currentThread().getStackTrace()) {
            if (f.getClassName().equals(TxnSimTest.class.getName()) && !helpers.contains(f.getMethodName())
                    && !f.getMethodName().startsWith("lambda$")) {
                return f.getMethodName();
            }
        }
        return "?";
    }

    /**
     * Spawns a coordinator {@code name} committing {@code value} to every key of {@code keys},
     * crashed ({@code how}) at its commit record: the commit never returns.
     */
    static void spawnCrashingCommit(SimCluster sim, String name, TxnClient client, SimCluster.Hook how, String value,
            String... keys) {
        sim.hook(name, KvRequest.OpCase.TXN_END, how, 0);
        sim.sched.spawn(name + "-commit", false, () -> {
            Txn t = client.begin();
            for (String k : keys) t.put(b(k), b(value));
            t.commit();
            throw new AssertionError("the crashed coordinator's commit returned");
        });
    }

    /**
     * Runs {@code body(i)} for each i in [0, count) on simulated threads of their own, named
     * {@code name-i}, and returns (in virtual time) once every one has ended.
     */
    static void runConcurrently(SimCluster sim, String name, int count, IntConsumer body) {
        AtomicInteger finished = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            int index = i;
            sim.sched.spawn(name + "-" + i, false, () -> {
                try {
                    body.accept(index);
                } finally {
                    finished.incrementAndGet();
                }
            });
        }
        while (finished.get() < count) sim.sched.sleep(10 * MS);
    }

    static void write(TxnClient c, String... kvs) {
        c.run(t -> {
            for (int i = 0; i + 1 < kvs.length; i += 2) t.put(b(kvs[i]), b(kvs[i + 1]));
            return null;
        });
    }

    // ---- scenarios ------------------------------------------------------------------------------

    @Test
    void readYourWritesAndScansMergeTheBuffer() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            write(c, "b", "1", "c", "2", "m", "3", "q", "4");
            Txn t = c.begin();
            t.put(b("a"), b("x"));
            assertEquals("x", s(t.get(b("a"))));
            t.delete(b("b"));
            assertEquals(null, s(t.get(b("b"))));
            t.put(b("n"), b("y"));
            List<KeyValue> rows = t.scan(b("a"), b("z"), 100);
            List<String> seen = new ArrayList<>();
            for (KeyValue kv : rows) seen.add(s(kv.key()) + "=" + s(kv.value()));
            assertEquals(List.of("a=x", "c=2", "m=3", "n=y", "q=4"), seen);
            assertEquals(List.of("a=x", "c=2"), names(t.scan(b("a"), b("z"), 2)));
            assertEquals(5, t.scan(b("a"), b("z"), Integer.MAX_VALUE).size(), "no overflow");
            t.commit();
            Txn r = c.begin();
            assertEquals(List.of("a=x", "c=2", "m=3", "n=y", "q=4"), names(r.scan(b("a"), b("z"), 100)));
            r.commit();
        });
    }

    static List<String> names(List<KeyValue> rows) {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : rows) out.add(s(kv.key()) + "=" + s(kv.value()));
        return out;
    }

    @Test
    void oneRangeCommitsInOnePhaseAndSeveralInTwo() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            Txn one = c.begin();
            one.put(b("a1"), b("1"));
            one.put(b("a2"), b("2"));
            CommitResult r1 = one.commit();
            assertTrue(r1.onePhase());
            assertEquals(1, r1.ranges());
            assertTrue(r1.commitWaitNanos() > 0, "commit-wait is on by default");

            Txn two = c.begin();
            two.put(b("a1"), b("10"));
            two.put(b("m1"), b("11"));
            two.put(b("x1"), b("12"));
            CommitResult r2 = two.commit();
            assertFalse(r2.onePhase());
            assertEquals(3, r2.ranges());
            assertTrue(r2.commitTs().isAfter(r1.commitTs()));
            assertEquals(3, two.stats().rangesTouched());

            Txn read = c.begin();
            assertEquals("10", s(read.get(b("a1"))));
            assertEquals("11", s(read.get(b("m1"))));
            assertEquals("12", s(read.get(b("x1"))));
            assertEquals("2", s(read.get(b("a2"))));
            read.commit();
            assertEquals(0, read.commit().ranges(), "read-only: nothing to commit");
        });
    }

    /**
     * getAll reads keys of several ranges in one request each, sees the transaction's own writes,
     * and a transaction that only read commits with nothing sent and no commit-wait (on by
     * default): a read-only statement never waits for the clocks.
     */
    @Test
    void getAllReadsEachKeyOnceAndAReadOnlyCommitNeverWaits() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            write(c, "a1", "1");
            write(c, "m1", "2");
            write(c, "x1", "3");

            Txn read = c.begin();
            List<java.util.Optional<byte[]>> got = read.getAll(List.of(b("x1"), b("a1"), b("m2"), b("m1")));
            assertEquals(List.of("3", "1", "", "2"), got.stream().map(v -> v.map(TxnSimTest::s).orElse("")).toList());
            assertEquals(4, read.stats().reads(), "one read request per key: " + read.stats());
            CommitResult r = read.commit();
            assertEquals(0, r.ranges());
            assertEquals(0, r.commitWaitNanos(), "a read-only commit must not commit-wait");
            assertEquals(0, read.stats().raftWrites());

            Txn mixed = c.begin();
            mixed.put(b("m1"), b("20"));
            got = mixed.getAll(List.of(b("m1"), b("a1")));
            assertEquals("20", s(got.get(0).orElseThrow()), "own write");
            assertEquals("1", s(got.get(1).orElseThrow()));
            assertTrue(mixed.commit().commitWaitNanos() > 0, "a writer commit-waits by default");
        });
    }

    @Test
    void anOlderReaderPushesAWriterWhichRefreshesAndCommitsAbove() {
        simulateSeeds(4, TxnSimTest::n2Ahead, (sim, seed) -> {
        // n2 runs 200 ms ahead: a value written there moves the reader's timestamp above the
        // writer's intent, which the (older) reader then pushes.
            TxnClient cr = sim.client("reader", SETTINGS);
            TxnClient cw = sim.client("writer", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            write(cw, "z", "0");
            Txn reader = cr.begin();
            Txn writer = cw.begin();
            assertEquals("0", s(writer.get(b("z"))));
            writer.put(b("a"), b("w"));
            writer.put(b("x"), b("w"));
            Timestamp writerStart = writer.readTimestamp();
            // The writer prepares, then waits before its commit record.
            sim.hook("writer", KvRequest.OpCase.TXN_END, SimCluster.Hook.DELAY_BEFORE, 100 * MS);
            AtomicReference<CommitResult> committed = new AtomicReference<>();
            sim.sched.spawn("writer-commit", false, () -> committed.set(writer.commit()));
            sim.sched.sleep(20 * MS);
            plain.put(b("m"), b("ahead"));
            assertEquals("ahead", s(reader.get(b("m"))), "uncertain: the reader moves above it");
            Timestamp pushedTo = reader.readTimestamp();
            assertTrue(pushedTo.isAfter(writerStart));
            // The writer's intent on a is below the reader now: the older reader pushes it
            // above itself. Then either n1's observed timestamp keeps the pushed intent out of
            // the reader's window (it reads below it), or the reader waits for the commit and
            // restarts above the value; both are serial orders.
            String seen = s(reader.get(b("a")));
            reader.commit();
            while (committed.get() == null) sim.sched.sleep(10 * MS);
            Timestamp writerTs = committed.get().commitTs();
            assertTrue(writerTs.isAfter(pushedTo), "the writer was pushed above the reader and refreshed its read of z");
            if (seen == null) {
                assertTrue(writerTs.isAfter(reader.readTimestamp()), "read below the writer");
            } else {
                assertEquals("w", seen);
                assertFalse(writerTs.isAfter(reader.readTimestamp()), "read above the writer");
            }
            assertTrue(sim.log.stream().anyMatch(l -> l.startsWith("reader TXN_PUSH")));
            assertTrue(sim.log.stream().anyMatch(l -> l.startsWith("writer TXN_REFRESH")));
        });
    }

    @Test
    void writersLockingInOppositeOrdersDeadlockOnlyBrieflyAndNoUpdateIsLost() {
        simulateSeeds(12, (sim, seed) -> {
            TxnClient c1 = sim.client("c1", SETTINGS);
            TxnClient c2 = sim.client("c2", SETTINGS);
            long start = sim.sched.nanoTime();
            runConcurrently(sim, "incr", 2, i -> (i == 0 ? c1 : c2).run(t -> {
                long a = num(t.get(b("a")));
                long m = num(t.get(b("m")));
                t.put(b("a"), num(a + 1));
                t.put(b("m"), num(m + 1));
                return null;
            }));
            assertTrue(sim.sched.nanoTime() - start < 1_000 * MS,
                    "a deadlock is broken by detection, not by waiting for a record to expire");
            Txn r = c1.begin();
            assertEquals(2, num(r.get(b("a"))));
            assertEquals(2, num(r.get(b("m"))));
            r.commit();
        });
    }

    @Test
    void aDeadCoordinatorsIntentsAreAbortedAfterExpiryByAReader() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient dead = sim.client("dead", SETTINGS);
            TxnClient live = sim.client("live", SETTINGS);
            write(live, "a", "old", "m", "old");
            spawnCrashingCommit(sim, "dead", dead, SimCluster.Hook.CRASH_BEFORE, "new", "a", "m");
            sim.sched.sleep(100 * MS);
            long before = sim.sched.nanoTime();
            Txn r = live.begin();
            assertEquals("old", s(r.get(b("m"))), "the dead transaction never committed");
            assertEquals("old", s(r.get(b("a"))));
            r.commit();
            long waited = sim.sched.nanoTime() - before;
            assertTrue(waited >= 4_000 * MS, "the reader waited for the record to expire, waited " + waited);
            assertTrue(waited < 20_000 * MS, "but not much longer: " + waited);
        });
    }

    @Test
    void waitingPastTheDeadlineIsARetryableDeadlock() {
        simulateSeed(9, (sim, seed) -> {
            TxnClient dead = sim.client("dead", SETTINGS);
            TxnClient impatient = sim.client("impatient", TxnSettings.builder().deadline(java.time.Duration.ofSeconds(2))
                    .build());
            spawnCrashingCommit(sim, "dead", dead, SimCluster.Hook.CRASH_BEFORE, "new", "a", "m");
            sim.sched.sleep(100 * MS);
            Txn r = impatient.begin();
            TxnRetryException e = assertThrows(TxnRetryException.class, () -> r.get(b("a")),
                    "the older, silent holder expires only after 5 s");
            assertEquals(TxnRetryException.Reason.DEADLOCK, e.reason());
            r.rollback();
            // With retries the same client gets through once the holder's record expired.
            Optional<byte[]> after = impatient.run(t -> t.get(b("a")));
            assertTrue(after.isEmpty(), "the expired holder was aborted");
        });
    }

    @Test
    void aCommittedButUnresolvedTransactionIsResolvedByAReader() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient dying = sim.client("dying", SETTINGS);
            TxnClient live = sim.client("live", SETTINGS);
            spawnCrashingCommit(sim, "dying", dying, SimCluster.Hook.CRASH_AFTER, "new", "a", "m", "x");
            sim.sched.sleep(2_000 * MS);
            long before = sim.sched.nanoTime();
            Txn r = live.begin();
            assertEquals("new", s(r.get(b("m"))), "the record says COMMITTED: the intent resolves to its value");
            assertEquals("new", s(r.get(b("x"))));
            assertEquals("new", s(r.get(b("a"))));
            r.commit();
            assertTrue(sim.sched.nanoTime() - before < 1_000 * MS, "no waiting for expiry");
        });
    }

    @Test
    void aCommitListsItsKeysInItsRecordSoThatGcFindsItOnceItsCoordinatorDied() {
        simulateSeeds(2, (sim, seed) -> {
            TxnClient dying = sim.client("dying", SETTINGS);
            spawnCrashingCommit(sim, "dying", dying, SimCluster.Hook.CRASH_AFTER, "new", "a", "m", "x");
            sim.sched.sleep(7_000 * MS); // past the record's 5 s expiry
            RangeClient rc = sim.rangeClient("gc");
            Timestamp threshold = Timestamp.fromProto(rc.now().getNow()).addNanos(-1_000_000_000L);
            List<io.conclave.range.rpc.TxnRecord> found = new ArrayList<>();
            for (var d : rc.allRanges()) {
                if (d.getRangeId() == 1) continue;
                found.addAll(rc.sendRouted(d.getStartKey().toByteArray(), at -> KvRequest.newBuilder()
                        .setRangeId(at.getRangeId()).setMvccGc(io.conclave.range.rpc.MvccGc.newBuilder()
                                .setThreshold(threshold.toProto()).setStartKey(at.getStartKey()))
                        .build(), true).response().getAbandonedRecordsList());
            }
            assertEquals(1, found.size(), "the dead coordinator's COMMITTED record: " + found);
            Set<String> keys = new java.util.TreeSet<>();
            found.get(0).getIntentKeysList().forEach(k -> keys.add(k.toStringUtf8()));
            assertEquals(Set.of("a", "m", "x"), keys, "every key it prepared, across its ranges");
        });
    }

    @Test
    void aValueInTheUncertaintyWindowRestartsTheReadAboveIt() {
        simulateSeeds(3, TxnSimTest::n2Ahead, (sim, seed) -> {
        // n2 (range [h, p)) runs 200 ms ahead of n1, whose clock gives transactions their timestamps.
            TxnClient c = sim.client("c", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            Txn t = c.begin();
            Timestamp began = t.readTimestamp();
            plain.put(b("m"), b("ahead"));
            assertEquals("ahead", s(t.get(b("m"))), "a write that may have preceded the txn is seen");
            assertTrue(t.readTimestamp().isAfter(began), "the read timestamp moved above the value");
            t.commit();
        });
    }

    @Test
    void aNodesObservedTimestampNarrowsTheWindow() {
        simulateSeeds(3, TxnSimTest::n2Ahead, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            plain.put(b("m"), b("before"));
            sim.sched.sleep(300 * MS);
            Txn t = c.begin();
            Timestamp began = t.readTimestamp();
            assertTrue(t.get(b("n")).isEmpty(), "first contact with n2");
            plain.put(b("m"), b("after"));
            assertEquals("before", s(t.get(b("m"))), "written after the txn observed n2's clock: not uncertain");
            assertEquals(began, t.readTimestamp(), "no restart");
            t.commit();
        });
    }

    @Test
    void theSameSeedGivesTheSameHistory() {
        List<List<String>> histories = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            SimCluster sim = cluster(77);
            simulate(sim, () -> bank(sim, 77, 3, 4, false));
            histories.add(List.copyOf(sim.log));
        }
        assertEquals(histories.get(0), histories.get(1));
    }

    @Test
    void anUncertaintyRestartWhoseRefreshFailsIsRetryable() {
        simulateSeeds(3, TxnSimTest::n2Ahead, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            Txn t = c.begin();
            assertEquals(null, s(t.get(b("a"))));
            plain.put(b("a"), b("changed"));
            plain.put(b("m"), b("ahead"));
            TxnRetryException e = assertThrows(TxnRetryException.class, () -> t.get(b("m")));
            assertEquals(TxnRetryException.Reason.UNCERTAINTY, e.reason());
            assertEquals("40001", e.sqlState());
            t.rollback();
        });
    }

    @Test
    void aPushedCommitWhoseReadsChangedFailsWithRefreshFailed() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            for (boolean onePhase : new boolean[] {true, false}) {
                Txn t = c.begin();
                t.get(b("a"));
                plain.put(b("a"), b("changed-" + onePhase));
                sim.sched.sleep(5 * MS);
                plain.get(b("m"));  // a later read of m: the txn's write of m must go above it
                t.put(b("m"), b("t"));
                if (!onePhase) t.put(b("x"), b("t"));
                TxnRetryException e = assertThrows(TxnRetryException.class, t::commit);
                assertEquals(TxnRetryException.Reason.REFRESH_FAILED, e.reason(), e.getMessage());
                t.rollback();
                sim.sched.sleep(50 * MS);
                long before = sim.sched.nanoTime();
                // A non-transactional read waits out intents: it returns at once only if the
                // failed attempt removed its own.
                assertTrue(plain.get(b("x")).isEmpty());
                assertTrue(sim.sched.nanoTime() - before < 100 * MS, "the failed commit's intents were removed");
            }
            Txn r = c.begin();
            assertEquals(null, s(r.get(b("x"))), "nothing of the failed attempt is visible");
            r.commit();
        });
    }

    @Test
    void aKeyAssumedReadIsRefreshedWhenTheCommitIsPushedLikeAKeyRead() {
        // What a catalog lease relies on: the version key registered as read without a request
        // fails the pushed commit's refresh when it changed between the read and the commit
        // timestamp, and does not when it did not.
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            for (boolean changed : new boolean[] {true, false}) {
                Txn t = c.begin();
                assertEquals(t.readTimestamp(), t.assumeRead(b("a")));
                if (changed) plain.put(b("a"), b("ddl"));
                sim.sched.sleep(5 * MS);
                plain.get(b("m"));  // a later read of m: the txn's write of m must go above it
                t.put(b("m"), b("t"));
                if (changed) {
                    TxnRetryException e = assertThrows(TxnRetryException.class, t::commit);
                    assertEquals(TxnRetryException.Reason.REFRESH_FAILED, e.reason(), e.getMessage());
                    t.rollback();
                } else {
                    t.commit();
                    // Its only read is the assumed one: a refresh request means it was in the read set.
                    assertTrue(sim.log.stream().anyMatch(l -> l.startsWith("c TXN_REFRESH")), "the pushed commit refreshed a");
                }
            }
        });
    }

    @Test
    void writeSkewIsRejected() {
        simulateSeeds(10, (sim, seed) -> {
            TxnClient c1 = sim.client("c1", SETTINGS);
            TxnClient c2 = sim.client("c2", SETTINGS);
            write(c1, "a", "1", "m", "1");
            AtomicInteger committed = new AtomicInteger();
            String[][] plans = {{"a", "m"}, {"m", "a"}};
            runConcurrently(sim, "skew", 2, i -> {
                String[] plan = plans[i];
                Txn t = (i == 0 ? c1 : c2).begin();
                try {
                    long x = Long.parseLong(s(t.get(b(plan[0]))));
                    long y = Long.parseLong(s(t.get(b(plan[1]))));
                    if (x + y >= 2) t.put(b(plan[0]), b("0"));
                    t.commit();
                    committed.incrementAndGet();
                } catch (TxnRetryException e) {
                    t.rollback();
                }
            });
            Txn r = c1.begin();
            long total = Long.parseLong(s(r.get(b("a")))) + Long.parseLong(s(r.get(b("m"))));
            r.commit();
            assertTrue(total >= 1, "write skew: both zeroed (" + committed.get() + " committed)");
            assertTrue(committed.get() >= 1, "one of them commits");
        });
    }

    @Test
    void aBankWorkloadOverInterleavedCoordinatorsConservesTheTotal() {
        simulateSeeds(8, (sim, seed) -> {
            bank(sim, seed, 4, 5, false);
        });
    }

    @Test
    void aBankWorkloadOverSkewedClocksConservesTheTotal() {
        // Each node's clock is off by up to 200 ms (within the 250 ms max offset): reads meet
        // values in their uncertainty window and restart above them.
        simulateSeeds(6, seed -> {
            SplittableRandom r = new SplittableRandom(seed * 31);
            return new long[] {r.nextLong(200 * MS), r.nextLong(200 * MS), r.nextLong(200 * MS)};
        }, (sim, seed) -> bank(sim, seed, 4, 5, false));
    }

    @Test
    void aBankWorkloadWithCrashesAndLostAnswersConservesTheTotal() {
        simulateSeeds(6, (sim, seed) -> {
            bank(sim, seed, 4, 4, true);
        });
    }

    static final String[] ACCOUNTS = {"a0", "a1", "a2", "m0", "m1", "m2", "x0", "x1", "x2"};
    static final long INITIAL = 100;

    /**
     * {@code clients} coordinators each make {@code transfers} transfers between random accounts
     * while an auditor sums every account in snapshot transactions; with {@code crashes}, client
     * 0 crashes at a seeded point of a commit (before or after its record, or mid-prepare).
     */
    static void bank(SimCluster sim, long seed, int clients, int transfers, boolean crashes) {
        bank(sim, seed, clients, transfers, crashes, ACCOUNTS);
    }

    /** As above over {@code accounts}: few accounts make for contention (waits, deadlocks, restarts). */
    static void bank(SimCluster sim, long seed, int clients, int transfers, boolean crashes, String[] accounts) {
        TxnClient setup = sim.client("setup", SETTINGS);
        setup.run(t -> {
            for (String a : accounts) t.put(b(a), num(INITIAL));
            return null;
        });
        AtomicInteger finished = new AtomicInteger();
        SplittableRandom random = new SplittableRandom(seed);
        if (crashes) {
            KvRequest.OpCase[] at = {KvRequest.OpCase.TXN_END, KvRequest.OpCase.TXN_PREPARE, KvRequest.OpCase.TXN_HEARTBEAT};
            SimCluster.Hook[] how = {SimCluster.Hook.CRASH_BEFORE, SimCluster.Hook.CRASH_AFTER};
            sim.hook("bank0", at[random.nextInt(at.length)], how[random.nextInt(how.length)], 0);
            // And answers lost on the way back to the others: retried where idempotent, else ambiguous.
            KvRequest.OpCase[] lost = {KvRequest.OpCase.TXN_END, KvRequest.OpCase.TXN_PREPARE, KvRequest.OpCase.TXN_PUSH,
                KvRequest.OpCase.TXN_RESOLVE, KvRequest.OpCase.TXN_GET, KvRequest.OpCase.TXN_REFRESH,
                KvRequest.OpCase.TXN_HEARTBEAT};
            for (int i = 0; i < 6; i++) {
                sim.hook("bank" + (1 + random.nextInt(clients - 1)), lost[random.nextInt(lost.length)],
                        SimCluster.Hook.LOSE_ANSWER, 0);
            }
        }
        for (int i = 0; i < clients; i++) {
            TxnClient c = sim.client("bank" + i, SETTINGS);
            long clientSeed = random.nextLong();
            sim.sched.spawn("bank" + i, false, () -> {
                try {
                    SplittableRandom r = new SplittableRandom(clientSeed);
                    for (int n = 0; n < transfers; n++) {
                        String from = accounts[r.nextInt(accounts.length)];
                        String to = accounts[r.nextInt(accounts.length)];
                        long amount = 1 + r.nextInt(50);
                        if (from.equals(to)) continue;
                        try {
                            c.run(t -> {
                                long f = num(t.get(b(from)));
                                long g = num(t.get(b(to)));
                                if (f < amount) return null;
                                t.put(b(from), num(f - amount));
                                t.put(b(to), num(g + amount));
                                return null;
                            });
                        } catch (io.conclave.txn.TxnAmbiguousException unknown) {
                            // Committed or not: either way the total is kept.
                        }
                    }
                } finally {
                    finished.incrementAndGet();
                }
            });
        }
        TxnClient auditor = sim.client("auditor", SETTINGS);
        while (finished.get() < clients) {
            long total = auditor.run(t -> {
                long sum = 0;
                for (KeyValue kv : t.scan(b("a"), b("z"), 100)) {
                    long v = ByteBuffer.wrap(kv.value()).getLong();
                    assertTrue(v >= 0, "negative balance " + s(kv.key()));
                    sum += v;
                }
                return sum;
            });
            assertEquals(INITIAL * accounts.length, total, "a snapshot saw money appear or vanish");
            sim.sched.sleep(20 * MS);
        }
        long total = auditor.run(t -> {
            long sum = 0;
            for (String a : accounts) sum += num(t.get(b(a)));
            return sum;
        });
        assertEquals(INITIAL * accounts.length, total);
    }

    @Test
    void aLostCommitAnswerIsRetriedOrReportedAmbiguous() {
        simulateSeeds(2, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            // Two ranges: the commit record write is idempotent, so the client asks again.
            sim.hook("c", KvRequest.OpCase.TXN_END, SimCluster.Hook.LOSE_ANSWER, 0);
            Txn two = c.begin();
            two.put(b("a"), b("2pc"));
            two.put(b("m"), b("2pc"));
            assertFalse(two.commit().onePhase());
            // One range: a one-phase commit is not idempotent, so its fate is unknown.
            sim.hook("c", KvRequest.OpCase.TXN_PREPARE, SimCluster.Hook.LOSE_ANSWER, 0);
            Txn one = c.begin();
            one.put(b("a"), b("1pc"));
            io.conclave.txn.TxnAmbiguousException e =
                    assertThrows(io.conclave.txn.TxnAmbiguousException.class, one::commit);
            assertEquals("40003", e.sqlState());
            Txn r = c.begin();
            assertEquals("1pc", s(r.get(b("a"))), "it did commit");
            assertEquals("2pc", s(r.get(b("m"))));
            r.commit();
        });
    }

    @Test
    void historicalReadsSeeThePastAndAreRefusedBelowTheGcThreshold() {
        simulateSeed(5, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            write(c, "a", "v1");
            Timestamp between = c.now();
            write(c, "a", "v2");
            Txn past = c.beginReadOnly(between);
            assertEquals("v1", s(past.get(b("a"))));
            assertThrows(TxnException.class, () -> past.put(b("a"), b("no")), "read-only");
            past.commit();
            sim.setGcThreshold(2, c.now());
            Txn tooOld = c.beginReadOnly(between);
            TxnException e = assertThrows(TxnException.class, () -> tooOld.get(b("a")));
            assertTrue(e.getMessage().contains("garbage-collection threshold"), e.getMessage());
            assertFalse(e instanceof TxnRetryException);
            assertThrows(TxnException.class, () -> c.beginReadOnly(Timestamp.MAX), "the future is refused");
            Txn now = c.begin();
            assertEquals("v2", s(now.get(b("a"))));
            now.commit();
        });
    }

    @Test
    void aCommitFollowsASplitOfTheRangeItHadCached() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            write(c, "a", "1", "d", "1");
            sim.split(2, b("c"));
            // The client still believes [0x04, h) is one range: it tries one phase, is told
            // of the split, and commits in two.
            Txn t = c.begin();
            t.put(b("a2"), b("2"));
            t.put(b("d2"), b("2"));
            CommitResult r = t.commit();
            assertFalse(r.onePhase());
            assertEquals(2, r.ranges());
            Txn read = c.begin();
            assertEquals(List.of("a=1", "a2=2", "d=1", "d2=2"), names(read.scan(b("a"), b("h"), 10)));
            read.commit();
        });
    }

    @Test
    void aRefreshAfterASplitStillChecksTheSplitOffHalf() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            write(c, "m", "1", "o", "1");
            Txn t = c.begin();
            assertEquals(List.of("m=1", "o=1"), names(t.scan(b("h"), b("p"), 10)));
            sim.split(3, b("n"));
            plain.put(b("o"), b("changed"));
            sim.sched.sleep(5 * MS);
            plain.get(b("x"));  // a later read of x: the txn's write of x goes above it, so it refreshes
            t.put(b("x"), b("t"));
            TxnRetryException e = assertThrows(TxnRetryException.class, t::commit,
                    "o changed after the scan, in the half split off since");
            assertEquals(TxnRetryException.Reason.REFRESH_FAILED, e.reason());
            t.rollback();
        });
    }

    @Test
    void aLimitedScanRefreshesOnlyTheSpanItReadUpToItsResumeKey() {
        simulateSeeds(3, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            RangeClient plain = sim.rangeClient("plain");
            write(c, "i1", "1", "i2", "1", "i3", "1", "i5", "1");
            // Two rows read: the range stops at i3 (the resume key); [i, i3) is all the scan saw.
            for (String changed : new String[] {"i3", "i4", "i5", "i2", "i15"}) {
                Txn t = c.begin();
                assertEquals(List.of("i1=1", "i2=1"), names(t.scan(b("i"), b("j"), 2)));
                Timestamp readAt = t.readTimestamp();
                plain.put(b(changed), b("changed"));
                sim.sched.sleep(5 * MS);
                plain.get(b("x"));  // a later read of x: the txn's write of x goes above it, so it refreshes
                t.put(b("x"), b(changed));
                boolean read = changed.compareTo("i3") < 0;
                if (read) {
                    TxnRetryException e = assertThrows(TxnRetryException.class, t::commit,
                            changed + " lies in the span the scan read");
                    assertEquals(TxnRetryException.Reason.REFRESH_FAILED, e.reason(), e.getMessage());
                    t.rollback();
                } else {
                    CommitResult r = t.commit();
                    assertTrue(r.commitTs().isAfter(readAt), changed + ": the commit did not move, nothing to refresh: " + r);
                }
                if (Set.of("i1", "i2", "i3", "i5").contains(changed)) {
                    plain.put(b(changed), b("1"));
                } else {
                    plain.delete(b(changed));
                }
            }
        });
    }

    @Test
    void theNodesMaxOffsetSizesTheWindowOverTheSetting() {
        simulateSeed(3, (sim, seed) -> {
            TxnClient c = sim.client("c", TxnSettings.builder().maxOffset(java.time.Duration.ofSeconds(1)).build());
            Txn t = c.begin();
            assertEquals(SimCluster.MAX_OFFSET_NANOS,
                    t.stats().uncertaintyLimit().wallNanos() - t.readTimestamp().wallNanos());
            t.put(b("a"), b("1"));
            CommitResult r = t.commit();
            assertTrue(r.onePhase());
            assertTrue(r.commitWaitNanos() <= SimCluster.MAX_OFFSET_NANOS + 1, "waited " + r.commitWaitNanos());
        });
    }

    @Test
    void keysAndValuesAreCheckedWhenWritten() {
        simulateSeed(1, (sim, seed) -> {
            TxnClient c = sim.client("c", SETTINGS);
            Txn t = c.begin();
            assertThrows(TxnException.class, () -> t.put(new byte[] {0x02, 1}, b("v")));
            assertThrows(TxnException.class, () -> t.put(new byte[300], b("v")));
            assertThrows(TxnException.class, () -> t.put(b("k"), null));
            t.rollback();
            t.rollback();
            assertThrows(TxnException.class, () -> t.get(b("k")), "finished");
        });
    }
}
