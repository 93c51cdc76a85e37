package io.conclave.txn.sim;

import static io.conclave.txn.sim.TxnSimTest.MS;
import static io.conclave.txn.sim.TxnSimTest.b;
import static io.conclave.txn.sim.TxnSimTest.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.txn.Txn;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnRetryException;
import io.conclave.txn.TxnSettings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Waiting and deadlock detection on {@link SimCluster}: pushes wait at the pushee's record, a
 * waiting pusher learns who waits for it and pushes again, and a cycle of waiters loses exactly
 * its lowest-priority member, long before any record could expire (5 s).
 */
class DeadlockSimTest {
    /**
     * Runs {@code body} on a fresh cluster per seed: {@code count} seeds from 1000, or
     * -Dsim.deadlockSeeds=N for a soak (these scenarios are heavier than the others, so the
     * build's -Dsim.seeds does not apply), or the one of -Dsim.seed=N.
     */
    static void simulateSeeds(int count, TxnSimTest.SimScenario body) {
        String fixed = System.getProperty("sim.seed");
        int n = fixed != null ? 1 : Integer.getInteger("sim.deadlockSeeds", count);
        long first = fixed != null ? Long.parseLong(fixed) : Long.getLong("sim.firstSeed", 1000L);
        for (long seed = first; seed < first + n; seed++) {
            SimCluster sim = TxnSimTest.cluster(seed);
            long s = seed;
            try {
                TxnSimTest.simulate(sim, () -> body.run(sim, s));
            } catch (Throwable t) {
                throw new AssertionError("failed with -Dsim.seed=" + seed + ": " + t, t);
            }
        }
    }


    @Test
    void twoTransactionsDeadlockedAcrossTwoRangesOnTwoNodesLoseExactlyOneQuickly() {
        // T0 writes a1 (r2, on n1) then x1 (r4, on n3), T1 the other way round: their records
        // are on different nodes, and when their parallel prepares interleave each holds the
        // intent the other needs.
        int[] deadlockSeeds = {0};
        simulateSeeds(40, (sim, seed) -> {
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            long start = sim.sched.nanoTime();
            TxnClient[] clients = {sim.client("t0", TxnSettings.builder().build()),
                sim.client("t1", TxnSettings.builder().build())};
            TxnSimTest.runConcurrently(sim, "writer", 2, i -> {
                for (int attempt = 0; attempt < 5; attempt++) {
                    Txn t = clients[i].begin();
                    t.put(b(i == 0 ? "a1" : "x1"), b("t" + i));
                    t.put(b(i == 0 ? "x1" : "a1"), b("t" + i));
                    try {
                        t.commit();
                        return;
                    } catch (TxnRetryException e) {
                        failures.add(e.reason() + ": " + e.getMessage());
                        t.rollback();
                    }
                }
                throw new AssertionError("t" + i + " never committed: " + failures);
            });
            long elapsed = sim.sched.nanoTime() - start;
            long byDeadlock = failures.stream().filter(f -> f.contains("aborted by deadlock")).count();
            assertEquals(sim.deadlocksBroken, byDeadlock, "each deadlock broken aborts one transaction: " + failures);
            assertTrue(byDeadlock <= 1, "one deadlock, one victim: " + failures);
            if (byDeadlock == 1) {
                deadlockSeeds[0]++;
                assertTrue(failures.stream().anyMatch(f -> f.startsWith("DEADLOCK: ")), failures.toString());
            }
            assertTrue(elapsed < 1_000 * MS, "broken within " + elapsed / MS + " ms, far below the 5 s expiry");
            Txn read = clients[0].begin();
            assertEquals(new String(read.get(b("a1")).orElseThrow()), new String(read.get(b("x1")).orElseThrow()),
                    "both keys from the same transaction");
            read.commit();
        });
        if (System.getProperty("sim.seed") == null) {
            assertTrue(deadlockSeeds[0] > 0, "no seed produced a deadlock: the test no longer exercises detection");
        }
    }

    static final String[] HOT = {"a0", "m0", "x0"};

    /**
     * Six clients each increment two of three hot counters (one per range, each range on its own
     * node) in a random order: every commit meets intents, waits, and some form cycles. Every
     * committed increment is counted once, nobody waits anywhere near a record's expiry, and no
 * transaction record is left once all is resolved.
     */
    @Test
    void hotCountersUnderContentionCountEveryCommitAndNeverWaitForExpiry() {
        simulateSeeds(12, (sim, seed) -> {
            int clients = 6;
            int txnsEach = 4;
            AtomicLong committed = new AtomicLong();
            AtomicLong gaveUp = new AtomicLong();
            AtomicLong longestNanos = new AtomicLong();
            SplittableRandom random = new SplittableRandom(seed);
            long[] seeds = new long[clients];
            for (int i = 0; i < clients; i++) seeds[i] = random.nextLong();
            TxnSimTest.runConcurrently(sim, "hot", clients, i -> {
                TxnClient c = sim.client("hot" + i, TxnSettings.builder().maxAttempts(20).build());
                SplittableRandom r = new SplittableRandom(seeds[i]);
                for (int n = 0; n < txnsEach; n++) {
                    int first = r.nextInt(HOT.length);
                    int second = (first + 1 + r.nextInt(HOT.length - 1)) % HOT.length;
                    long began = sim.sched.nanoTime();
                    try {
                        c.run(t -> {
                            t.put(b(HOT[first]), num(num(t.get(b(HOT[first]))) + 1));
                            t.put(b(HOT[second]), num(num(t.get(b(HOT[second]))) + 1));
                            return null;
                        });
                        committed.incrementAndGet();
                    } catch (TxnRetryException e) {
                        gaveUp.incrementAndGet();
                    }
                    longestNanos.accumulateAndGet(sim.sched.nanoTime() - began, Math::max);
                }
            });
            TxnClient auditor = sim.client("auditor", TxnSettings.builder().build());
            long sum = auditor.run(t -> {
                long total = 0;
                for (String k : HOT) total += num(t.get(b(k)));
                return total;
            });
            assertEquals(2 * committed.get(), sum, "every committed transaction added exactly 2");
            assertEquals(clients * txnsEach, committed.get() + gaveUp.get());
            assertTrue(committed.get() >= clients * txnsEach - 2, "at most a couple give up: " + gaveUp.get());
            assertTrue(longestNanos.get() < 4_000 * MS, "no transaction waited for an expiry: "
                    + longestNanos.get() / MS + " ms");
            // Every coordinator lived: each resolved its intents, committed or aborted, and then
            // removed its record.
            sim.sched.sleep(1_000 * MS);
            assertEquals(0, sim.recordCount(), "finished records are removed once their intents are resolved");
        });
    }
}
