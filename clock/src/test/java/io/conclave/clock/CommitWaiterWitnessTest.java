package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link CommitWaiter} with a {@link ClockWitness}: the earlier of the witness's success and the timer, never before. */
class CommitWaiterWitnessTest {
    private static final long MAX_OFFSET_NANOS = 250_000_000L;
    private static final long START_NANOS = 1_764_160_000_000_000_000L;
    private static final long MILLI = 1_000_000L;

    /** A witness the test answers by hand; remembers what it was asked. */
    private static final class HandWitness implements ClockWitness {
        final List<Timestamp> asked = new ArrayList<>();
        final List<CompletableFuture<Void>> rounds = new ArrayList<>();

        @Override
        public CompletableFuture<Void> witnessed(Timestamp ts) {
            asked.add(ts);
            CompletableFuture<Void> round = new CompletableFuture<>();
            rounds.add(round);
            return round;
        }
    }

    private final ManualClock clock = new ManualClock(START_NANOS);
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final HandWitness witness = new HandWitness();
    private final CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, scheduler, 10, witness);

    @Test
    void aWitnessedRoundEndsTheWaitLongBeforeTheMaxOffset() {
        Timestamp ts = Timestamp.ofWallNanos(START_NANOS);
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(ts);
        assertEquals(List.of(ts), witness.asked);
        clock.advance(3 * MILLI);
        assertFalse(wait.isDone(), "nothing witnessed yet");
        witness.rounds.get(0).complete(null);
        assertEquals(new CommitWaitResult(ts, 3 * MILLI, true), wait.getNow(null));
        assertEquals(0, waiter.pendingWaits());
        clock.advance(MAX_OFFSET_NANOS);
        assertEquals(new CommitWaitResult(ts, 3 * MILLI, true), wait.join(), "the timer must not complete it again");
        assertEquals(0, waiter.pendingWaits(), "counted once");
        assertEquals(1, waiter.witnessedWaits());
        assertEquals(0, waiter.timerWaits());
    }

    @Test
    void theTimerWinsWhenTheWitnessIsSlower() {
        Timestamp ts = Timestamp.ofWallNanos(START_NANOS);
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(ts);
        clock.set(START_NANOS + MAX_OFFSET_NANOS);
        assertFalse(wait.isDone());
        clock.advance(1);
        assertEquals(new CommitWaitResult(ts, MAX_OFFSET_NANOS + 1, false), wait.getNow(null));
        witness.rounds.get(0).complete(null);
        assertFalse(wait.join().witnessed(), "a late witness changes nothing");
        assertEquals(0, waiter.witnessedWaits());
        assertEquals(1, waiter.timerWaits());
        assertEquals(0, waiter.pendingWaits());
    }

    @Test
    void aFailedRoundFallsBackToTheTimer() {
        Timestamp ts = Timestamp.ofWallNanos(START_NANOS + 2 * MILLI);
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(ts);
        clock.advance(MILLI);
        witness.rounds.get(0).completeExceptionally(new IllegalStateException("node 3 did not answer"));
        assertFalse(wait.isDone(), "a failed round proves nothing");
        clock.set(ts.wallNanos() + MAX_OFFSET_NANOS);
        assertFalse(wait.isDone());
        clock.advance(1);
        assertEquals(new CommitWaitResult(ts, 2 * MILLI + MAX_OFFSET_NANOS + 1, false), wait.getNow(null));
    }

    @Test
    void aWitnessThatNeverAnswersOrThrowsLeavesTheTimer() {
        ClockWitness throwing = t -> {
            throw new IllegalStateException("no registry");
        };
        CommitWaiter throwingWaiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, scheduler, 10, throwing);
        Timestamp ts = Timestamp.ofWallNanos(START_NANOS);
        CompletableFuture<CommitWaitResult> silent = waiter.commitWait(ts);
        CompletableFuture<CommitWaitResult> thrown = throwingWaiter.commitWait(ts);
        clock.set(START_NANOS + MAX_OFFSET_NANOS);
        assertFalse(silent.isDone());
        assertFalse(thrown.isDone());
        clock.advance(1);
        assertFalse(silent.join().witnessed());
        assertFalse(thrown.join().witnessed());
        assertEquals(0, waiter.pendingWaits());
        assertEquals(0, throwingWaiter.pendingWaits());
    }

    @Test
    void anAlreadyPastTimestampAsksNoWitness() {
        Timestamp old = Timestamp.ofWallNanos(START_NANOS - MAX_OFFSET_NANOS - 1);
        assertEquals(new CommitWaitResult(old, 0, false), waiter.commitWait(old).getNow(null));
        assertTrue(witness.asked.isEmpty());
    }

    @Test
    void theWitnessedPathKeepsThePendingLimit() {
        List<CompletableFuture<CommitWaitResult>> waits = new ArrayList<>();
        for (int i = 0; i < 11; i++) waits.add(waiter.commitWait(Timestamp.ofWallNanos(START_NANOS + i)));
        assertTrue(waits.get(10).isCompletedExceptionally(), "the 11th of a limit of 10 is refused");
        assertEquals(10, witness.asked.size(), "a refused wait asks no witness");
        witness.rounds.forEach(r -> r.complete(null));
        assertEquals(0, waiter.pendingWaits());
        assertFalse(waiter.commitWait(Timestamp.ofWallNanos(START_NANOS)).isDone(), "accepted again once the others ended");
        assertEquals(1, waiter.pendingWaits());
    }

    /** Random rounds and clock steps: a wait is done exactly when its timer bound passed or its round succeeded. */
    @Test
    void neverDoneBeforeEitherGround() {
        long seed = TestSeeds.next();
        SplittableRandom random = new SplittableRandom(seed);
        CommitWaiter big = new CommitWaiter(clock, MAX_OFFSET_NANOS, scheduler, 10_000, witness);
        record Waiting(Timestamp ts, int round, CompletableFuture<CommitWaitResult> future) {}
        List<Waiting> waits = new ArrayList<>();
        List<Boolean> succeeded = new ArrayList<>();
        for (int step = 0; step < 3_000; step++) {
            int choice = random.nextInt(4);
            if (choice == 0) {
                Timestamp ts = Timestamp.ofWallNanos(clock.nowNanos() + random.nextLong(-MAX_OFFSET_NANOS, MAX_OFFSET_NANOS));
                int before = witness.rounds.size();
                CompletableFuture<CommitWaitResult> f = big.commitWait(ts);
                int round = witness.rounds.size() > before ? before : -1;
                if (round >= 0) succeeded.add(false);
                waits.add(new Waiting(ts, round, f));
            } else if (choice == 1 && !witness.rounds.isEmpty()) {
                int i = random.nextInt(witness.rounds.size());
                boolean ok = random.nextBoolean();
                if (!witness.rounds.get(i).isDone()) {
                    if (ok) witness.rounds.get(i).complete(null);
                    else witness.rounds.get(i).completeExceptionally(new IllegalStateException("lost"));
                    succeeded.set(i, ok);
                }
            } else {
                clock.advance(random.nextLong(0, MAX_OFFSET_NANOS / 20));
            }
            long now = clock.nowNanos();
            for (Waiting w : waits) {
                boolean timerDue = now > w.ts().wallNanos() + MAX_OFFSET_NANOS;
                boolean seen = w.round() >= 0 && succeeded.get(w.round());
                assertEquals(timerDue || seen, w.future().isDone(), TestSeeds.describe(seed) + " at step " + step
                        + " for " + w.ts());
                if (w.future().isDone() && !timerDue) assertTrue(w.future().join().witnessed());
            }
            waits.removeIf(w -> w.future().isDone());
        }
    }
}
