package io.conclave.clock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Commit-wait: do not acknowledge a commit at {@code ts} until {@code ts} is certainly in the
 * past on every clock of the cluster.
 *
 * <p>Every clock is within {@code maxOffset} of every other, so once the local physical clock
 * reads more than {@code ts.wallNanos + maxOffset}, every other clock reads more than
 * {@code ts.wallNanos}. A transaction that starts anywhere after the acknowledgement then gets a
 * read timestamp above {@code ts} and sees the commit: that is what turns serializable into
 * strict serializable (linearizable) transactions.
 *
 * <p>The wait is asynchronous so callers overlap it with other work (resolving intents,
 * replicating): start it as soon as the commit timestamp is fixed, join it before replying. The
 * returned future completes on the {@link Scheduler}'s thread (or the caller's, if no wait is
 * needed); continue with {@code ...Async} methods for anything heavier than a reply.
 *
 * <p>With a {@link ClockWitness} the wait ends at the earlier of the witness's success and the
 * timer: a round trip to every node usually beats the maximum offset by far, and a witness that
 * fails or never answers leaves the timer, so the wait is never longer than without one. The
 * waiter only ever completes on one of those two grounds. Without a witness it behaves exactly as
 * the timer alone.
 */
public final class CommitWaiter {
    /** Default bound on concurrent waits; each is one pending timer. */
    public static final int DEFAULT_MAX_PENDING_WAITS = 100_000;
    /**
     * Bound on how many times one wait re-arms its timer. Real timers fire on the monotonic clock
     * and may run early relative to a slewed or stepped physical clock; a couple of re-arms are
     * normal, dozens mean the physical clock is not advancing.
     */
    static final int MAX_REARMS_PER_WAIT = 64;

    private final PhysicalClock clock;
    private final long maxOffsetNanos;
    private final Scheduler scheduler;
    private final int maxPendingWaits;
    private final AtomicInteger pendingWaits = new AtomicInteger();
    // How the waits that waited ended, for metrics.
    private final java.util.concurrent.atomic.AtomicLong witnessedWaits = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong timerWaits = new java.util.concurrent.atomic.AtomicLong();
    /** The fast path, or null: the timer alone. */
    private final ClockWitness witness;

    public CommitWaiter(PhysicalClock clock, long maxOffsetNanos, Scheduler scheduler) {
        this(clock, maxOffsetNanos, scheduler, DEFAULT_MAX_PENDING_WAITS);
    }

    public CommitWaiter(PhysicalClock clock, long maxOffsetNanos, Scheduler scheduler, int maxPendingWaits) {
        this(clock, maxOffsetNanos, scheduler, maxPendingWaits, null);
    }

    /**
     * @param witness ends a wait early once it has seen every clock past the commit timestamp;
     *     null for the timer alone
     */
    public CommitWaiter(PhysicalClock clock, long maxOffsetNanos, Scheduler scheduler, int maxPendingWaits,
            ClockWitness witness) {
        Invariants.require(clock != null, "clock must not be null");
        Invariants.require(scheduler != null, "scheduler must not be null");
        Invariants.require(maxPendingWaits > 0, "maxPendingWaits must be > 0, got %d", maxPendingWaits);
        MaxOffsetSetting.validate(maxOffsetNanos);
        this.clock = clock;
        this.maxOffsetNanos = maxOffsetNanos;
        this.scheduler = scheduler;
        this.maxPendingWaits = maxPendingWaits;
        this.witness = witness;
    }

    /**
     * Completes once the local physical clock reads more than {@code ts.wallNanos + maxOffset}, or
     * earlier when the witness (if any) has seen every clock past {@code ts}. Completes
     * exceptionally with {@link IllegalStateException} if more than the configured number of
     * waits are pending, or if the physical clock stops advancing (and no witness answered).
     */
    public CompletableFuture<CommitWaitResult> commitWait(Timestamp ts) {
        Invariants.require(ts != null, "commit timestamp must not be null");
        long startNanos = clock.nowNanos();
        long remaining = remainingNanos(ts, startNanos);
        if (remaining == 0) {
            return CompletableFuture.completedFuture(new CommitWaitResult(ts, 0));
        }
        CompletableFuture<CommitWaitResult> done = new CompletableFuture<>();
        if (pendingWaits.incrementAndGet() > maxPendingWaits) {
            pendingWaits.decrementAndGet();
            done.completeExceptionally(new IllegalStateException("commit-wait for " + ts + " refused: "
                    + maxPendingWaits + " commit-waits are already pending (the limit)"));
            return done;
        }
        Wait wait = new Wait(ts, startNanos, done);
        arm(wait, 1, remaining);
        if (witness != null && !wait.over.get()) askWitness(wait);
        return done;
    }

    private void askWitness(Wait wait) {
        CompletableFuture<Void> seen;
        try {
            seen = witness.witnessed(wait.ts);
        } catch (RuntimeException e) {
            return; // the timer still runs
        }
        if (seen == null) return;
        seen.whenComplete((ok, failure) -> {
            if (failure != null) return; // the timer still runs
            wait.finish(() -> new CommitWaitResult(wait.ts, Math.max(0, clock.nowNanos() - wait.startNanos), true));
        });
    }

    /**
     * How long the local clock must still advance before {@code ts} is in the past on every clock:
     * {@code ts.wallNanos + maxOffset - now + 1}, or 0 if that moment has passed.
     */
    public long remainingNanos(Timestamp ts) {
        return remainingNanos(ts, clock.nowNanos());
    }

    /** How many waits a witness ended, since start. */
    public long witnessedWaits() {
        return witnessedWaits.get();
    }

    /** How many waits the max-offset timer ended (those that had nothing to wait not counted). */
    public long timerWaits() {
        return timerWaits.get();
    }

    /** How many waits are in progress, for metrics. */
    public int pendingWaits() {
        return pendingWaits.get();
    }

    public long maxOffsetNanos() {
        return maxOffsetNanos;
    }

    private long remainingNanos(Timestamp ts, long nowNanos) {
        long safeAfterNanos = Invariants.saturatedAdd(ts.wallNanos(), maxOffsetNanos);
        // Done when now > safeAfter, i.e. after safeAfter - now + 1 more nanoseconds.
        return nowNanos > safeAfterNanos ? 0 : safeAfterNanos - nowNanos + 1;
    }

    private void recheck(Wait wait, int arms) {
        if (wait.over.get()) return; // the witness ended it
        long now = clock.nowNanos();
        long remaining = remainingNanos(wait.ts, now);
        if (remaining == 0) {
            // A physical clock stepped back during the wait can make now < start: report 0, not < 0.
            wait.finish(() -> new CommitWaitResult(wait.ts, Math.max(0, now - wait.startNanos)));
            return;
        }
        if (arms >= MAX_REARMS_PER_WAIT) {
            wait.fail(new IllegalStateException("commit-wait for " + wait.ts
                    + " gave up: the physical clock still needs " + ClockDurations.formatApprox(remaining)
                    + " after " + arms + " timer expiries; is it advancing?"));
            return;
        }
        arm(wait, arms + 1, remaining);
    }

    private void arm(Wait wait, int arms, long delayNanos) {
        try {
            scheduler.schedule(() -> recheck(wait, arms), delayNanos);
        } catch (RuntimeException rejected) {
            // A scheduler that is shutting down must not leave the caller waiting forever.
            wait.fail(new IllegalStateException(
                    "commit-wait for " + wait.ts + " could not be scheduled: " + rejected, rejected));
        }
    }

    /** One wait, ended once by whichever of the timer and the witness comes first. */
    private final class Wait {
        final Timestamp ts;
        final long startNanos;
        final CompletableFuture<CommitWaitResult> done;
        final AtomicBoolean over = new AtomicBoolean();

        Wait(Timestamp ts, long startNanos, CompletableFuture<CommitWaitResult> done) {
            this.ts = ts;
            this.startNanos = startNanos;
            this.done = done;
        }

        void finish(java.util.function.Supplier<CommitWaitResult> result) {
            if (!over.compareAndSet(false, true)) return;
            pendingWaits.decrementAndGet();
            CommitWaitResult r = result.get();
            (r.witnessed() ? witnessedWaits : timerWaits).incrementAndGet();
            done.complete(r);
        }

        void fail(IllegalStateException failure) {
            if (!over.compareAndSet(false, true)) return;
            pendingWaits.decrementAndGet();
            done.completeExceptionally(failure);
        }
    }
}
