package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CommitWaiterTest {
    private static final long MAX_OFFSET_NANOS = 250_000_000L;
    private static final long START_NANOS = 1_764_160_000_000_000_000L;

    @Test
    void waitsExactlyLongEnoughAndNoLonger() {
        ManualClock clock = new ManualClock(START_NANOS);
        CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, new ManualScheduler(clock));
        Timestamp ts = new Timestamp(START_NANOS + 1_000, 7); // a commit slightly ahead, as HLC readings can be
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(ts);
        long safeAfter = ts.wallNanos() + MAX_OFFSET_NANOS;

        clock.set(safeAfter - 1);
        assertFalse(wait.isDone());
        clock.set(safeAfter);
        assertFalse(wait.isDone(), "at ts + maxOffset another clock may still read ts");
        assertEquals(1, waiter.remainingNanos(ts));
        clock.advance(1);
        assertTrue(wait.isDone(), "one nanosecond later every clock is past ts");
        assertEquals(new CommitWaitResult(ts, safeAfter + 1 - START_NANOS), wait.join());
        assertEquals(0, waiter.pendingWaits());
    }

    @Test
    void alreadyPastCommitsDoNotWait() {
        ManualClock clock = new ManualClock(START_NANOS);
        ManualScheduler scheduler = new ManualScheduler(clock);
        CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, scheduler);
        Timestamp old = new Timestamp(START_NANOS - MAX_OFFSET_NANOS - 1, 3);
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(old);
        assertEquals(new CommitWaitResult(old, 0), wait.getNow(null));
        assertEquals(0, scheduler.pendingCount());
    }

    /** Random commit timestamps and random clock steps: each wait completes at the first tick past its bound. */
    @Test
    void everyWaitCompletesAtTheFirstReadingPastItsBound() {
        long seed = TestSeeds.next();
        SplittableRandom random = new SplittableRandom(seed);
        ManualClock clock = new ManualClock(START_NANOS);
        CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, new ManualScheduler(clock));
        record Waiting(Timestamp ts, long startNanos, CompletableFuture<CommitWaitResult> future) {}
        List<Waiting> waits = new ArrayList<>();
        for (int step = 0; step < 5_000; step++) {
            if (random.nextInt(3) == 0) {
                long now = clock.nowNanos();
                Timestamp ts = new Timestamp(now + random.nextLong(-2 * MAX_OFFSET_NANOS, MAX_OFFSET_NANOS), random.nextInt(10));
                waits.add(new Waiting(ts, now, waiter.commitWait(ts)));
            } else {
                clock.advance(random.nextLong(0, MAX_OFFSET_NANOS / 20));
            }
            long now = clock.nowNanos();
            for (Waiting w : waits) {
                boolean shouldBeDone = now > w.ts().wallNanos() + MAX_OFFSET_NANOS;
                assertEquals(shouldBeDone, w.future().isDone(), TestSeeds.describe(seed) + " at step " + step + " for " + w.ts());
            }
            waits.removeIf(w -> w.future().isDone());
        }
    }

    @Test
    void reportsWaitedTimeFromItsOwnStart() {
        ManualClock clock = new ManualClock(START_NANOS);
        CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, new ManualScheduler(clock));
        Timestamp ts = Timestamp.ofWallNanos(START_NANOS);
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(ts);
        clock.advance(MAX_OFFSET_NANOS + 10_000); // one coarse tick overshoots the bound
        assertEquals(MAX_OFFSET_NANOS + 10_000, wait.join().waitedNanos());
    }

    @Test
    void rearmsWhenTheTimerFiresBeforeThePhysicalClockGetsThere() {
        // A scheduler that fires at once, as a real timer does when the physical clock was stepped back.
        ManualClock clock = new ManualClock(START_NANOS);
        List<Runnable> fired = new ArrayList<>();
        CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, (task, delay) -> fired.add(task));
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(Timestamp.ofWallNanos(START_NANOS));
        fired.remove(0).run();
        assertFalse(wait.isDone());
        assertEquals(1, fired.size(), "the wait re-armed its timer");
        clock.advance(MAX_OFFSET_NANOS + 1);
        fired.remove(0).run();
        assertTrue(wait.isDone());

        // A clock that never advances makes a wait give up with a clear error, after a bounded number of timers.
        CompletableFuture<CommitWaitResult> stuck = waiter.commitWait(Timestamp.ofWallNanos(clock.nowNanos()));
        int timers = 0;
        while (!fired.isEmpty()) {
            fired.remove(0).run();
            timers++;
        }
        assertEquals(CommitWaiter.MAX_REARMS_PER_WAIT, timers);
        ExecutionException e = assertThrows(ExecutionException.class, stuck::get);
        assertTrue(e.getCause().getMessage().contains("is it advancing?"), e.getCause().getMessage());
        assertEquals(0, waiter.pendingWaits());
    }

    @Test
    void refusesWaitsBeyondThePendingLimit() {
        ManualClock clock = new ManualClock(START_NANOS);
        CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, new ManualScheduler(clock), 2);
        Timestamp ts = Timestamp.ofWallNanos(START_NANOS);
        waiter.commitWait(ts);
        waiter.commitWait(ts);
        CompletableFuture<CommitWaitResult> third = waiter.commitWait(ts);
        ExecutionException e = assertThrows(ExecutionException.class, third::get);
        assertTrue(e.getCause().getMessage().contains("2 commit-waits are already pending"), e.getCause().getMessage());
    }

    @Test
    void aClosedSchedulerFailsTheWaitInsteadOfHangingIt() {
        ManualClock clock = new ManualClock(START_NANOS);
        ExecutorScheduler scheduler = ExecutorScheduler.singleThreaded("commit-wait-closed");
        scheduler.close();
        CommitWaiter waiter = new CommitWaiter(clock, MAX_OFFSET_NANOS, scheduler);
        CompletableFuture<CommitWaitResult> wait = waiter.commitWait(Timestamp.ofWallNanos(START_NANOS));
        ExecutionException e = assertThrows(ExecutionException.class, wait::get);
        assertTrue(e.getCause().getMessage().contains("could not be scheduled"), e.getCause().getMessage());
        assertEquals(0, waiter.pendingWaits());
    }

    /** The real scheduler over the system clock: a short bound, so the test takes milliseconds. */
    @Test
    void worksWithTheRealSchedulerAndSystemClock() throws Exception {
        long maxOffsetNanos = 5_000_000L;
        try (ExecutorScheduler scheduler = ExecutorScheduler.singleThreaded("commit-wait-test")) {
            CommitWaiter waiter = new CommitWaiter(SystemClock.INSTANCE, maxOffsetNanos, scheduler);
            Timestamp ts = Timestamp.ofWallNanos(SystemClock.INSTANCE.nowNanos());
            CommitWaitResult result = waiter.commitWait(ts).get(5, TimeUnit.SECONDS);
            assertTrue(SystemClock.INSTANCE.nowNanos() > ts.wallNanos() + maxOffsetNanos);
            assertTrue(result.waitedNanos() > 0, "waited " + result.waitedNanos());
        }
    }
}
