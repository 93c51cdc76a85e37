package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RemoteClockMonitorTest {
    private static final long MS = 1_000_000L;
    private static final long MAX_OFFSET_NANOS = 500 * MS;
    private static final long START_NANOS = 1_764_160_000_000_000_000L;

    private final ManualClock clock = new ManualClock(START_NANOS);

    @Test
    void pingPongGivesOffsetAtTheMiddleOfTheRoundTripWithHalfItAsErrorBound() {
        OffsetMeasurement m = OffsetMeasurement.fromPingPong(2, 1_000, 5_000 + 612 * MS, 11_000);
        assertEquals(612 * MS - 1_000, m.offsetNanos()); // remote - (send + rtt/2) = remote - 6000
        assertEquals(5_000, m.errorBoundNanos());
        assertEquals(11_000, m.measuredAtNanos());
        assertEquals(612 * MS - 6_000, m.certainOffsetNanos());
        assertThrows(IllegalArgumentException.class, () -> OffsetMeasurement.fromPingPong(2, 10, 0, 9));
    }

    @Test
    void theNodeThatIsOffStopsWithTheDocumentedMessage() {
        RemoteClockMonitor monitor = new RemoteClockMonitor(1, clock, MAX_OFFSET_NANOS);
        monitor.recordMeasurement(2, 612 * MS, 2 * MS, START_NANOS);
        monitor.recordMeasurement(3, 598 * MS, 2 * MS, START_NANOS);
        RemoteClockMonitor.Verdict verdict = monitor.check(Set.of(1L, 2L, 3L));
        assertTrue(verdict.fatal());
        assertEquals("clock offset from a majority of live nodes exceeds 80% of the maximum offset"
                + " (max-offset=500ms): node 2 +612ms, node 3 +598ms; stopping to avoid serving stale reads",
                verdict.message());
        assertEquals(2, verdict.farNodes().size());
    }

    @Test
    void aHealthyNodeWithOneBadPeerOfTwoStaysUp() {
        RemoteClockMonitor monitor = new RemoteClockMonitor(1, clock, MAX_OFFSET_NANOS);
        monitor.recordMeasurement(2, -700 * MS, 1 * MS, START_NANOS);
        monitor.recordMeasurement(3, 3 * MS, 1 * MS, START_NANOS);
        assertFalse(monitor.check(Set.of(1L, 2L, 3L)).fatal());
    }

    @Test
    void theErrorBoundIsGivenTheBenefitOfTheDoubt() {
        RemoteClockMonitor monitor = new RemoteClockMonitor(1, clock, MAX_OFFSET_NANOS);
        // 450ms measured over a 200ms round trip: the true offset may be 350ms, under 80% (400ms).
        monitor.recordMeasurement(2, 450 * MS, 200 * MS, START_NANOS);
        assertFalse(monitor.check(Set.of(1L, 2L)).fatal());
        // exactly 80% is tolerated; a nanosecond more is not
        monitor.recordMeasurement(2, 400 * MS, 0, START_NANOS);
        assertFalse(monitor.check(Set.of(1L, 2L)).fatal());
        monitor.recordMeasurement(2, -400 * MS - 1, 0, START_NANOS);
        assertTrue(monitor.check(Set.of(1L, 2L)).fatal(), "two nodes that disagree both stop");
    }

    @Test
    void unmeasuredAndExpiredPeersDoNotCountAsFar() {
        RemoteClockMonitor monitor = new RemoteClockMonitor(1, clock, MAX_OFFSET_NANOS, 10_000 * MS);
        monitor.recordMeasurement(2, 900 * MS, 0, START_NANOS);
        monitor.recordMeasurement(3, 900 * MS, 0, START_NANOS);
        assertFalse(monitor.check(Set.of(1L, 2L, 3L, 4L, 5L)).fatal(), "2 of 4 others is not a majority");
        assertTrue(monitor.check(Set.of(1L, 2L, 3L, 4L)).fatal(), "2 of 3 others is");
        assertTrue(monitor.check(Set.of(2L, 3L)).fatal(), "whether or not self is listed as live");
        assertFalse(monitor.check(Set.of(1L)).fatal(), "a single node has no one to compare with");
        clock.advance(10_000 * MS + 1);
        assertFalse(monitor.check(Set.of(1L, 2L, 3L)).fatal());
        assertTrue(monitor.offsets().isEmpty(), "expired measurements are not shown");
    }

    @Test
    void offsetsAreVisiblePerNodeAndSelfIsRefused() {
        RemoteClockMonitor monitor = new RemoteClockMonitor(1, clock, MAX_OFFSET_NANOS);
        assertTrue(monitor.recordPingPong(3, START_NANOS, START_NANOS + 5 * MS, START_NANOS + 2 * MS));
        assertFalse(monitor.recordPingPong(2, START_NANOS, START_NANOS, START_NANOS - 1), "clock stepped back mid-trip");
        assertEquals(Set.of(3L), monitor.offsets().keySet());
        assertEquals(4 * MS, monitor.offsets().get(3L).offsetNanos());
        assertEquals("node 3 +4ms ±1ms", monitor.offsets().get(3L).toString());
        monitor.forget(3);
        assertTrue(monitor.offsets().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> monitor.recordMeasurement(1, 0, 0, START_NANOS));
    }

    /**
     * Simulated clusters: one node's clock is skewed by a random amount, the rest are near true
     * time. The skewed node stops exactly when its skew is certainly beyond 80% of the bound
     * relative to a majority; healthy nodes never stop when the cluster has three or more nodes.
     */
    @Test
    void majorityLogicOnRandomClusters() {
        long seed = TestSeeds.next();
        SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 500; run++) {
            int nodes = 3 + random.nextInt(5);
            long[] offsets = new long[nodes + 1];
            for (int n = 1; n <= nodes; n++) {
                offsets[n] = random.nextLong(-20 * MS, 20 * MS);
            }
            int skewed = 1 + random.nextInt(nodes);
            offsets[skewed] += (random.nextBoolean() ? 1 : -1) * random.nextLong(0, 2 * MAX_OFFSET_NANOS);
            Set<Long> live = new HashSet<>();
            for (long n = 1; n <= nodes; n++) {
                live.add(n);
            }
            for (int self = 1; self <= nodes; self++) {
                RemoteClockMonitor monitor = new RemoteClockMonitor(self, clock, MAX_OFFSET_NANOS);
                int far = 0;
                for (int peer = 1; peer <= nodes; peer++) {
                    if (peer == self) {
                        continue;
                    }
                    long rtt = random.nextLong(0, 2 * MS);
                    long send = clock.nowNanos() + offsets[self];
                    long remote = clock.nowNanos() + rtt / 2 + offsets[peer];
                    monitor.recordPingPong(peer, send, remote, send + rtt);
                    if (monitor.offsets().get((long) peer).certainOffsetNanos() > MAX_OFFSET_NANOS * 4 / 5) {
                        far++;
                    }
                }
                boolean expectFatal = far * 2 > nodes - 1;
                RemoteClockMonitor.Verdict verdict = monitor.check(live);
                assertEquals(expectFatal, verdict.fatal(), TestSeeds.describe(seed) + " run " + run + " node " + self);
                if (self != skewed) {
                    assertFalse(verdict.fatal(), TestSeeds.describe(seed) + ": healthy node " + self + " stopped");
                }
            }
        }
    }

    @Test
    void pingAndPongMessagesMeasureAndRefuseMismatchedSettings() {
        ManualClock peerClock = new ManualClock(START_NANOS + 30 * MS); // the peer runs 30 ms ahead
        RemoteClockMonitor self = new RemoteClockMonitor(1, clock, MAX_OFFSET_NANOS);
        RemoteClockMonitor peer = new RemoteClockMonitor(2, peerClock, MAX_OFFSET_NANOS);
        io.conclave.clock.proto.ClockPing ping = self.newPing();
        clock.advance(1 * MS);
        peerClock.advance(1 * MS); // one way trip
        io.conclave.clock.proto.ClockPong pong = peer.answer(ping);
        clock.advance(1 * MS); // way back
        assertTrue(self.recordPong(pong));
        OffsetMeasurement m = self.offsets().get(2L);
        assertEquals(30 * MS, m.offsetNanos());
        assertEquals(1 * MS, m.errorBoundNanos());

        RemoteClockMonitor other = new RemoteClockMonitor(3, clock, 250 * MS);
        MaxOffsetMismatchException e = assertThrows(MaxOffsetMismatchException.class, () -> other.answer(ping));
        assertTrue(e.getMessage().contains("--max-offset=250ms") && e.getMessage().contains("--max-offset=500ms"),
                e.getMessage());
    }
}
