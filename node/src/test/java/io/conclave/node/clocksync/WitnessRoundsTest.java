package io.conclave.node.clocksync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.ManualClock;
import io.conclave.clock.ManualScheduler;
import io.conclave.clock.Timestamp;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The round engine on a manual clock, a hand-run round thread and answers the test gives. */
class WitnessRoundsTest {
    private static final long START_NANOS = 1_764_160_000_000_000_000L;
    private static final long MAX_OFFSET_NANOS = 250_000_000L;
    private static final long MILLI = 1_000_000L;
    private static final WitnessSettings SETTINGS = new WitnessSettings(true, Duration.ofMillis(100),
            Duration.ofMillis(50), 3);

    private final ManualClock physical = new ManualClock(START_NANOS);
    private final ManualScheduler timer = new ManualScheduler(physical);
    private final HybridLogicalClock clock = new HybridLogicalClock(physical, MAX_OFFSET_NANOS);
    private final ArrayDeque<Runnable> roundThread = new ArrayDeque<>();
    private final List<Long> asked = new ArrayList<>();
    private final List<CompletableFuture<Void>> answers = new ArrayList<>();
    private final List<Long> latencies = new ArrayList<>();
    private Map<Long, Long> registry = live(1L, 2L, 3L);
    private final WitnessRounds rounds = new WitnessRounds(1, clock, () -> registry, id -> {
        asked.add(id);
        CompletableFuture<Void> answer = new CompletableFuture<>();
        answers.add(answer);
        return answer;
    }, roundThread::add, timer, SETTINGS, physical::nowNanos, latencies::add);

    /** Records of nodes {@code ids} that never expire. */
    private static Map<Long, Long> live(Long... ids) {
        Map<Long, Long> out = new TreeMap<>();
        for (long id : ids) out.put(id, Long.MAX_VALUE);
        return out;
    }

    private void runRoundThread() {
        while (!roundThread.isEmpty()) roundThread.poll().run();
    }

    @Test
    void theClockIsMovedToTheTimestampBeforeAnythingIsSent() {
        Timestamp ahead = Timestamp.ofWallNanos(START_NANOS + 100 * MILLI);
        rounds.witnessed(ahead);
        assertTrue(clock.now().compareTo(ahead) > 0, "frames sent from now on must carry a reading above ts");
    }

    @Test
    void oneRoundAtATimeAndWaitsDuringARoundJoinTheNext() {
        CompletableFuture<Void> a = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS));
        CompletableFuture<Void> b = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS + 1));
        assertEquals(1, roundThread.size(), "a and b share one round");
        runRoundThread();
        assertEquals(Set.of(2L, 3L), Set.copyOf(asked), "every registered node but this one");
        assertEquals(2, asked.size());
        CompletableFuture<Void> c = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS + 2));
        assertTrue(roundThread.isEmpty(), "c waits: a round is in flight");
        physical.advance(2 * MILLI);
        answers.get(0).complete(null);
        assertFalse(a.isDone(), "node 3 has not answered");
        answers.get(1).complete(null);
        assertTrue(a.isDone() && b.isDone());
        assertFalse(c.isDone(), "c came after the round's frames were stamped");
        assertEquals(List.of(2 * MILLI), latencies);
        assertEquals(1, roundThread.size(), "c's round starts once the first ended");
        runRoundThread();
        answers.get(2).complete(null);
        answers.get(3).complete(null);
        assertTrue(c.isDone() && !c.isCompletedExceptionally());
        assertEquals(new WitnessRounds.Stats(2, 0, 0, 0), rounds.stats());
    }

    @Test
    void aSilentNodeFailsTheRoundAtItsTimeoutAndTheNextWaitsTheBackoff() {
        CompletableFuture<Void> a = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS));
        runRoundThread();
        answers.get(0).complete(null);
        physical.advance(100 * MILLI - 1);
        assertFalse(a.isDone());
        physical.advance(1);
        assertTrue(a.isCompletedExceptionally(), "node 3 never answered within the round timeout");
        CompletableFuture<Void> b = rounds.witnessed(Timestamp.ofWallNanos(physical.nowNanos()));
        assertTrue(roundThread.isEmpty(), "held back after a failed round");
        physical.advance(50 * MILLI);
        assertEquals(1, roundThread.size(), "the backoff is over");
        runRoundThread();
        answers.get(2).complete(null);
        answers.get(3).complete(null);
        assertTrue(b.isDone() && !b.isCompletedExceptionally());
        assertEquals(new WitnessRounds.Stats(1, 1, 0, 0), rounds.stats());
    }

    @Test
    void aFailedAnswerOrAnUnreadableRegistryProvesNothing() {
        CompletableFuture<Void> a = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS));
        runRoundThread();
        answers.get(0).completeExceptionally(new IllegalStateException("connection refused"));
        answers.get(1).complete(null);
        assertTrue(a.isCompletedExceptionally());
        physical.advance(50 * MILLI);
        registry = null; // the read throws
        CompletableFuture<Void> b = rounds.witnessed(Timestamp.ofWallNanos(physical.nowNanos()));
        runRoundThread();
        assertTrue(b.isCompletedExceptionally());
    }

    @Test
    void aRoundAsksTheLastReadsNodesBeforeItsOwnReadAndNeedsAnAnswerFromEveryNodeItsReadLists() {
        CompletableFuture<Void> a = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS));
        runRoundThread();
        answers.forEach(answer -> answer.complete(null));
        assertTrue(a.isDone() && !a.isCompletedExceptionally());
        asked.clear();
        answers.clear();
        List<Integer> askedWhenRead = new ArrayList<>();
        WitnessRounds.Registry growing = () -> {
            askedWhenRead.add(asked.size());
            return live(1L, 2L, 4L);
        };
        WitnessRounds second = new WitnessRounds(1, clock, new WitnessRounds.Registry() {
            private boolean first = true;

            @Override
            public Map<Long, Long> expirations() {
                if (first) {
                    first = false;
                    return live(1L, 2L, 3L);
                }
                return growing.expirations();
            }
        }, id -> {
            asked.add(id);
            CompletableFuture<Void> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }, roundThread::add, timer, SETTINGS, physical::nowNanos, latencies::add);
        CompletableFuture<Void> b = second.witnessed(Timestamp.ofWallNanos(physical.nowNanos()));
        runRoundThread(); // reads {1, 2, 3}, asks 2 and 3
        answers.forEach(answer -> answer.complete(null));
        assertTrue(b.isDone() && !b.isCompletedExceptionally());
        asked.clear();
        answers.clear();
        CompletableFuture<Void> c = second.witnessed(Timestamp.ofWallNanos(physical.nowNanos()));
        runRoundThread();
        assertEquals(List.of(2), askedWhenRead, "nodes 2 and 3 were asked before the registry read returned");
        assertEquals(List.of(2L, 3L, 4L), asked.stream().sorted().toList(), "node 4, new in the read, is asked too");
        answers.get(0).complete(null);
        answers.get(1).complete(null);
        assertFalse(c.isDone(), "node 4 is registered and has not answered; node 3's answer counts for nothing");
        answers.get(2).complete(null);
        assertTrue(c.isDone() && !c.isCompletedExceptionally());
    }

    @Test
    void aRegistryOfThisNodeAloneSucceedsAtOnce() {
        registry = live(1L);
        CompletableFuture<Void> a = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS));
        runRoundThread();
        assertTrue(a.isDone() && !a.isCompletedExceptionally());
        assertTrue(asked.isEmpty());
    }

    @Test
    void waitsBeyondTheBoundAreRefused() {
        // Three wait for the round (the bound; it has not run yet); a fourth is refused.
        for (int i = 0; i < 3; i++) assertFalse(rounds.witnessed(Timestamp.ofWallNanos(START_NANOS)).isDone());
        assertTrue(rounds.witnessed(Timestamp.ofWallNanos(START_NANOS)).isCompletedExceptionally());
        assertEquals(1, rounds.stats().waitsRefused());
    }

    @Test
    void aTimestampBeyondTheMaxOffsetIsNotWitnessed() {
        CompletableFuture<Void> far = rounds.witnessed(Timestamp.ofWallNanos(START_NANOS + 2 * MAX_OFFSET_NANOS));
        assertTrue(far.isCompletedExceptionally(), "the clock refuses it; the timer decides");
        assertTrue(roundThread.isEmpty());
    }

    @Test
    void aRecordIsExpiredOnlyStrictlyPastItsExpirationPlusTheMaxOffset() {
        long e = START_NANOS;
        assertFalse(WitnessRounds.expiredAt(e, e + MAX_OFFSET_NANOS, MAX_OFFSET_NANOS), "t0 == E + max offset");
        assertTrue(WitnessRounds.expiredAt(e, e + MAX_OFFSET_NANOS + 1, MAX_OFFSET_NANOS));
        assertFalse(WitnessRounds.expiredAt(e, e, MAX_OFFSET_NANOS));
        assertFalse(WitnessRounds.expiredAt(Long.MAX_VALUE, Long.MAX_VALUE, MAX_OFFSET_NANOS));
        assertFalse(WitnessRounds.expiredAt(e, Long.MIN_VALUE + 1, MAX_OFFSET_NANOS), "no overflow below");
    }

    @Test
    void expiryIsJudgedByThePhysicalClockReadBeforeTheRegistryRead() {
        long t0 = START_NANOS + 10 * MILLI;
        physical.advance(10 * MILLI);
        Map<Long, Long> records = new TreeMap<>(live(1L, 2L));
        records.put(3L, t0 - MAX_OFFSET_NANOS); // t0 == E + max offset: not expired
        records.put(4L, t0 - MAX_OFFSET_NANOS - 1); // expired at t0
        records.put(5L, t0 - MAX_OFFSET_NANOS + MILLI); // its E + max offset passes during the read
        registry = records;
        WitnessRounds slowRead = new WitnessRounds(1, clock, () -> {
            physical.advance(5 * MILLI); // the read takes 5 ms
            return records;
        }, id -> {
            asked.add(id);
            CompletableFuture<Void> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        }, roundThread::add, timer, SETTINGS, physical::nowNanos, latencies::add);
        CompletableFuture<Void> a = slowRead.witnessed(Timestamp.ofWallNanos(t0));
        runRoundThread();
        assertEquals(List.of(2L, 3L, 5L), asked.stream().sorted().toList(),
                "node 4 alone was past its expiration plus the max offset when the round read its clock");
        answers.get(0).complete(null);
        answers.get(1).complete(null);
        assertFalse(a.isDone(), "node 5 was not judged expired, so its answer is needed");
        answers.get(2).complete(null);
        assertTrue(a.isDone() && !a.isCompletedExceptionally());
        assertEquals(new WitnessRounds.Stats(1, 0, 0, 1), slowRead.stats());

        // The next round pre-asks only the nodes the last read did not judge expired.
        asked.clear();
        answers.clear();
        slowRead.witnessed(Timestamp.ofWallNanos(physical.nowNanos()));
        runRoundThread();
        assertFalse(asked.contains(4L), "an expired node is not pre-asked either: " + asked);
    }
}
