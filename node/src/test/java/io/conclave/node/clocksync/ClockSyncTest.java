package io.conclave.node.clocksync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.ManualClock;
import io.conclave.clock.ManualScheduler;
import io.conclave.clock.OffsetMeasurement;
import io.conclave.clock.proto.ClockPing;
import io.conclave.clock.proto.ClockPong;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * ClockSync instances in one thread over a shared {@link ManualClock}: each node's physical clock
 * is the shared clock plus its own offset, and a ping reaches its target synchronously, the
 * shared clock advancing by half the round trip on the way out and half on the way back.
 */
class ClockSyncTest {
    private static final long MS = 1_000_000L;
    private static final long MAX_OFFSET = 250 * MS;
    private static final ClockSyncSettings SETTINGS = ClockSyncSettings.withCheckInterval(Duration.ofMillis(100));

    /** A simulated cluster: node id to offset, one shared base clock, synchronous pings. */
    private static final class SimCluster {
        final ManualClock base = new ManualClock(1_700_000_000_000_000_000L);
        final Map<Long, ClockSync> nodes = new TreeMap<>();
        final Map<Long, String> stopped = new java.util.LinkedHashMap<>(); // in stop order
        final Set<Long> down = new java.util.TreeSet<>();
        long rttNanos = 2 * MS;

        SimCluster(Map<Long, Long> offsetsById) {
            this(offsetsById, Map.of());
        }

        final Map<Long, Long> offsets = new ConcurrentHashMap<>();

        SimCluster(Map<Long, Long> offsetsById, Map<Long, Long> maxOffsetById) {
            offsets.putAll(offsetsById);
            for (Map.Entry<Long, Long> e : offsetsById.entrySet()) {
                long id = e.getKey();
                // The offset is read at every reading, so a test can step a clock mid-run.
                nodes.put(id, new ClockSync(id, () -> base.nowNanos() + offsets.get(id),
                        maxOffsetById.getOrDefault(id, MAX_OFFSET), SETTINGS, offsetsById::keySet, this::ping,
                        message -> stopped.put(id, message)));
            }
        }

        CompletableFuture<ClockPong> ping(long to, ClockPing ping, Duration timeout) {
            if (down.contains(to) || stopped.containsKey(to)) {
                return CompletableFuture.failedFuture(new IllegalStateException("node " + to + " is down"));
            }
            base.advance(rttNanos / 2);
            ClockPong pong = nodes.get(to).answer(ping);
            base.advance(rttNanos - rttNanos / 2);
            return CompletableFuture.completedFuture(pong);
        }

        void rounds(int count) {
            for (int i = 0; i < count; i++) {
                for (Map.Entry<Long, ClockSync> e : nodes.entrySet()) {
                    if (!stopped.containsKey(e.getKey()) && !down.contains(e.getKey())) e.getValue().runRound();
                }
                base.advance(SETTINGS.checkInterval().toNanos());
            }
        }
    }

    @Test
    void aNodeBeyondEightyPercentStopsAndTheOthersKeepRunning() {
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 0L, 3L, 400 * MS));
        cluster.rounds(5);
        assertEquals(Set.of(3L), cluster.stopped.keySet(), "only the far node stops: " + cluster.stopped);
        String message = cluster.stopped.get(3L);
        assertTrue(message.contains("exceeds 80% of the maximum offset (max-offset=250ms)"), message);
        assertTrue(message.contains("node 1 -400ms") && message.contains("node 2 -400ms"), message);
        OffsetMeasurement seenByOne = cluster.nodes.get(1L).offsets().get(3L);
        assertEquals(400 * MS, seenByOne.offsetNanos(), "offset = remote - (send + rtt/2), exact for a symmetric trip");
        assertEquals(MS, seenByOne.errorBoundNanos(), "error bound = rtt/2");
    }

    @Test
    void aNodeFarBehindStopsToo() {
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 0L, 3L, -2_000 * MS));
        cluster.rounds(3);
        assertEquals(Set.of(3L), cluster.stopped.keySet());
    }

    @Test
    void offsetsBelowTheBoundStopNobody() {
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 100 * MS, 3L, -90 * MS));
        cluster.rounds(20);
        assertTrue(cluster.stopped.isEmpty(), "stopped: " + cluster.stopped);
        assertEquals(Set.of(1L, 3L), cluster.nodes.get(2L).offsets().keySet());
        assertEquals(-190 * MS, cluster.nodes.get(2L).offsets().get(3L).offsetNanos());
    }

    @Test
    void aSlowRoundTripDoesNotConvictAPeerItCannotProveFar() {
        // 210 ms measured with ±100 ms error: certainly only 110 ms off, below the 200 ms bound.
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 0L, 3L, 210 * MS));
        cluster.rttNanos = 200 * MS;
        cluster.rounds(10);
        assertTrue(cluster.stopped.isEmpty(), "stopped: " + cluster.stopped);
    }

    @Test
    void aPeerNeverHeardFromCountsAsLiveAndNotFar() {
        // Node 1 boots slowly: node 2 has measured only the bad clock, and must not convict itself.
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 0L, 3L, 400 * MS));
        cluster.down.add(1L);
        cluster.rounds(10);
        assertTrue(cluster.stopped.isEmpty(), "stopped: " + cluster.stopped);
        cluster.down.remove(1L);
        cluster.rounds(2);
        assertEquals(Set.of(3L), cluster.stopped.keySet(), "once node 1 answers, node 3 is far from both");
    }

    @Test
    void aPeerThatFellSilentStopsCounting() {
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 0L, 3L, 0L));
        cluster.rounds(2);
        cluster.down.add(2L);
        cluster.offsets.put(3L, 400 * MS); // node 3's clock steps ahead after node 2 went down
        cluster.rounds(ClockSyncSettings.MEASUREMENT_TTL_INTERVALS + 2);
        assertTrue(cluster.stopped.containsKey(3L), "node 3 is far from its only live peer: " + cluster.stopped);
        // Node 1 sees the same two clocks disagree and cannot tell which is wrong: it stops too.
        assertTrue(cluster.stopped.containsKey(1L), "stopped: " + cluster.stopped);
    }

    @Test
    void aMajorityWithAnotherMaxOffsetStopsTheNodeNamingBothValues() {
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 0L, 3L, 0L), Map.of(3L, 500 * MS));
        cluster.rounds(3);
        assertEquals(Set.of(3L), cluster.stopped.keySet(), "stopped: " + cluster.stopped);
        String message = cluster.stopped.get(3L);
        assertTrue(message.contains("--max-offset=500ms") && message.contains("--max-offset=250ms"), message);
    }

    @Test
    void theGuardStopsOnceAndCeasesItsRounds() {
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 700 * MS));
        ManualScheduler scheduler = new ManualScheduler(cluster.base);
        int[] stops = {0};
        ClockSync far = new ClockSync(2L, () -> cluster.base.nowNanos() + 700 * MS, MAX_OFFSET, SETTINGS,
                () -> Set.of(1L), cluster::ping, message -> stops[0]++);
        far.start(scheduler);
        for (int i = 0; i < 20; i++) cluster.base.advance(SETTINGS.checkInterval().toNanos());
        assertEquals(1, stops[0], "one stop, one message");
        assertTrue(far.hasStopped());
        assertEquals(0, scheduler.pendingCount(), "no round scheduled after the stop");
    }

    @Test
    void aSilentPeerIsForgottenAfterTheMeasurementTtl() {
        SimCluster cluster = new SimCluster(Map.of(1L, 0L, 2L, 0L));
        cluster.rounds(1);
        assertTrue(cluster.nodes.get(1L).offsets().containsKey(2L));
        cluster.down.add(2L);
        cluster.rounds(ClockSyncSettings.MEASUREMENT_TTL_INTERVALS + 1);
        assertNull(cluster.nodes.get(1L).offsets().get(2L));
    }

    /**
     * Property: with random offsets, round trips and cluster sizes, the first node to stop has a
     * true offset beyond 80% of the bound from a strict majority of its peers; and a single far
     * node among nodes that agree is always stopped, and alone. (Later stops may cascade: a
     * stopped node stops counting as live once its measurement expires.)
     */
    @Test
    void randomClustersStopExactlyTheNodesTheRuleConvicts() {
        long rootSeed = Long.getLong("clocksync.seed", 20261126L);
        for (int run = 0; run < 200; run++) {
            long seed = rootSeed + run;
            try {
                checkRandomCluster(new SplittableRandom(seed));
            } catch (AssertionError e) {
                throw new AssertionError("failed with -Dclocksync.seed=" + seed + " (run " + run + "): "
                        + e.getMessage(), e);
            }
        }
    }

    private static void checkRandomCluster(SplittableRandom random) {
        int size = 3 + random.nextInt(3);
        Map<Long, Long> offsets = new TreeMap<>();
        long far = 1 + random.nextInt(size);
        boolean oneFar = random.nextBoolean();
        for (long id = 1; id <= size; id++) {
            long jitter = random.nextLong(-20 * MS, 20 * MS);
            long offset = oneFar && id == far ? (random.nextBoolean() ? 1 : -1) * random.nextLong(260 * MS, 5_000 * MS)
                    : oneFar ? jitter : random.nextLong(-400 * MS, 400 * MS);
            offsets.put(id, offset);
        }
        SimCluster cluster = new SimCluster(offsets);
        cluster.rttNanos = random.nextLong(0, 20 * MS);
        cluster.rounds(4);
        for (long id : cluster.stopped.keySet().stream().limit(1).toList()) {
            int farFrom = 0;
            for (long other : offsets.keySet()) {
                if (other != id && Math.abs(offsets.get(other) - offsets.get(id)) > 200 * MS) farFrom++;
            }
            assertTrue(farFrom * 2 > size - 1, "node " + id + " stopped though far from only " + farFrom + " of "
                    + (size - 1) + " peers; offsets " + offsets + ", stopped " + cluster.stopped);
        }
        if (oneFar) {
            assertEquals(Set.of(far), cluster.stopped.keySet(), "offsets " + offsets);
        }
    }

    @Test
    void aHealthyClusterNeverStopsInManyRandomRuns() {
        SplittableRandom random = new SplittableRandom(7);
        for (int run = 0; run < 50; run++) {
            Map<Long, Long> offsets = new TreeMap<>();
            for (long id = 1; id <= 3; id++) offsets.put(id, random.nextLong(-99 * MS, 99 * MS));
            SimCluster cluster = new SimCluster(offsets);
            cluster.rounds(3);
            assertFalse(!cluster.stopped.isEmpty(), "run " + run + " offsets " + offsets + ": " + cluster.stopped);
        }
    }
}
