package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.concurrent.CompletableFuture;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The pieces together: nodes whose clocks wander anywhere within the offset bound (including
 * exactly at it), gossiping hybrid clock readings. Checks the two real-time guarantees the
 * package docs promise:
 * <ul>
 *   <li>after commit-wait, a read started on any node afterwards has a larger timestamp;
 *   <li>without commit-wait, a value committed before a read started is visible to it or inside
 *       its uncertainty window, also with the window shrunk by an observed timestamp.
 * </ul>
 */
class RealTimeOrderTest {
    private static final long MAX_OFFSET_NANOS = 250_000_000L;
    private static final long START_NANOS = 1_764_160_000_000_000_000L;

    private static final class Cluster {
        final SplittableRandom random;
        final ManualClock truth = new ManualClock(START_NANOS);
        final ManualScheduler scheduler = new ManualScheduler(truth);
        final int size;
        final long[] offsets;
        final DriftingClock[] physical;
        final HybridLogicalClock[] hlc;
        final CommitWaiter[] waiters;

        Cluster(SplittableRandom random) {
            this.random = random;
            size = 2 + random.nextInt(4);
            offsets = new long[size];
            physical = new DriftingClock[size];
            hlc = new HybridLogicalClock[size];
            waiters = new CommitWaiter[size];
            for (int n = 0; n < size; n++) {
                offsets[n] = randomOffset();
                physical[n] = new DriftingClock(truth, offsets[n], 0);
                hlc[n] = new HybridLogicalClock(physical[n], MAX_OFFSET_NANOS);
                waiters[n] = new CommitWaiter(physical[n], MAX_OFFSET_NANOS, scheduler);
            }
        }

        /** Within ±maxOffset/2 of true time, bounds included: any two clocks differ by at most maxOffset. */
        long randomOffset() {
            switch (random.nextInt(4)) {
                case 0: return MAX_OFFSET_NANOS / 2;
                case 1: return -MAX_OFFSET_NANOS / 2;
                default: return random.nextLong(-MAX_OFFSET_NANOS / 2, MAX_OFFSET_NANOS / 2 + 1);
            }
        }

        void stepSomeClock() {
            int n = random.nextInt(size);
            long newOffset = randomOffset();
            physical[n].jump(newOffset - offsets[n]);
            offsets[n] = newOffset;
        }

        void gossip() {
            int from = random.nextInt(size);
            int to = random.nextInt(size);
            hlc[to].update(hlc[from].now());
        }

        int anyNode() {
            return random.nextInt(size);
        }
    }

    @Test
    void commitWaitMakesEveryLaterReadSeeTheCommit() {
        for (int run = 0; run < 20; run++) {
            long seed = TestSeeds.next();
            Cluster cluster = new Cluster(new SplittableRandom(seed));
            SplittableRandom random = cluster.random;
            for (int step = 0; step < 300; step++) {
                churn(cluster);
                int writer = cluster.anyNode();
                Timestamp commitTs = cluster.hlc[writer].now();
                CompletableFuture<CommitWaitResult> wait = cluster.waiters[writer].commitWait(commitTs);
                for (int tick = 0; !wait.isDone(); tick++) {
                    if (tick > 10_000) {
                        fail(TestSeeds.describe(seed) + ": commit-wait for " + commitTs + " never finished");
                    }
                    // Half the time land exactly where the wait says it ends, to test the boundary.
                    long remaining = cluster.waiters[writer].remainingNanos(commitTs);
                    cluster.truth.advance(random.nextBoolean() && remaining > 0 ? remaining : random.nextLong(1, 20_000_000L));
                    if (random.nextInt(20) == 0) {
                        cluster.stepSomeClock();
                    }
                }
                wait.join();
                int reader = cluster.anyNode();
                Timestamp readTs = cluster.hlc[reader].now();
                if (!readTs.isAfter(commitTs)) {
                    fail(TestSeeds.describe(seed) + ": read at " + readTs + " on node " + reader
                            + " started after commit-wait for " + commitTs + " on node " + writer);
                }
            }
        }
    }

    @Test
    void committedValuesAreVisibleOrUncertainToLaterReads() {
        for (int run = 0; run < 20; run++) {
            long seed = TestSeeds.next();
            Cluster cluster = new Cluster(new SplittableRandom(seed));
            SplittableRandom random = cluster.random;
            for (int step = 0; step < 2_000; step++) {
                churn(cluster);
                int writer = cluster.anyNode();
                for (int other = random.nextInt(3); other > 0; other--) {
                    cluster.hlc[writer].now(); // other events on the writer push its logical counter up
                }
                Timestamp valueTs = cluster.hlc[writer].now(); // acknowledged at once, no commit-wait
                cluster.truth.advance(random.nextBoolean() ? 0 : random.nextLong(0, 2_000_000L));
                if (random.nextInt(4) == 0) {
                    cluster.stepSomeClock();
                }
                int reader = cluster.anyNode();
                Timestamp readTs = cluster.hlc[reader].now();
                UncertaintyInterval window = UncertaintyInterval.start(readTs, MAX_OFFSET_NANOS);
                if (random.nextBoolean()) {
                    // The read reached the writer's node after the write: its observation bounds the value.
                    window = window.withObserved(writer, cluster.hlc[writer].now());
                }
                if (valueTs.isAfter(readTs) && !window.isUncertain(valueTs, writer)) {
                    fail(TestSeeds.describe(seed) + ": value at " + valueTs + " from node " + writer
                            + " committed before the read at " + readTs + " on node " + reader
                            + " is neither visible nor uncertain: " + window);
                }
            }
        }
    }

    private static void churn(Cluster cluster) {
        for (int i = cluster.random.nextInt(4); i > 0; i--) {
            switch (cluster.random.nextInt(3)) {
                case 0: cluster.gossip(); break;
                case 1: cluster.stepSomeClock(); break;
                default: cluster.truth.advance(cluster.random.nextLong(0, 50_000_000L)); break;
            }
        }
    }
}
