package io.conclave.clock;

import java.util.concurrent.CompletableFuture;
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

    public CommitWaiter(PhysicalClock clock, long maxOffsetNanos, Scheduler scheduler) {
        this(clock, maxOffsetNanos, scheduler, DEFAULT_MAX_PENDING_WAITS);
    }

    public CommitWaiter(PhysicalClock clock, long maxOffsetNanos, Scheduler scheduler, int maxPendingWaits) {
        Invariants.require(clock != null, "clock must not be null");
        Invariants.require(scheduler != null, "scheduler must not be null");
        Invariants.require(maxPendingWaits > 0, "maxPendingWaits must be > 0, got %d", maxPendingWaits);
        MaxOffsetSetting.validate(maxOffsetNanos);
        this.clock = clock;
        this.maxOffsetNanos = maxOffsetNanos;
        this.scheduler = scheduler;
        this.maxPendingWaits = maxPendingWaits;
    }

    /**
     * Completes once the local physical clock reads more than {@code ts.wallNanos + maxOffset}.
     * Completes exceptionally with {@link IllegalStateException} if more than the configured
     * number of waits are pending, or if the physical clock stops advancing.
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
        arm(ts, startNanos, done, 1, remaining);
        return done;
    }

    /**
     * How long the local clock must still advance before {@code ts} is in the past on every clock:
     * {@code ts.wallNanos + maxOffset - now + 1}, or 0 if that moment has passed.
     */
    public long remainingNanos(Timestamp ts) {
        return remainingNanos(ts, clock.nowNanos());
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

    private void recheck(Timestamp ts, long startNanos, CompletableFuture<CommitWaitResult> done, int arms) {
        long now = clock.nowNanos();
        long remaining = remainingNanos(ts, now);
        if (remaining == 0) {
            pendingWaits.decrementAndGet();
            // A physical clock stepped back during the wait can make now < start: report 0, not < 0.
            done.complete(new CommitWaitResult(ts, Math.max(0, now - startNanos)));
            return;
        }
        if (arms >= MAX_REARMS_PER_WAIT) {
            pendingWaits.decrementAndGet();
            done.completeExceptionally(new IllegalStateException("commit-wait for " + ts
                    + " gave up: the physical clock still needs " + ClockDurations.formatApprox(remaining)
                    + " after " + arms + " timer expiries; is it advancing?"));
            return;
        }
        arm(ts, startNanos, done, arms + 1, remaining);
    }

    private void arm(Timestamp ts, long startNanos, CompletableFuture<CommitWaitResult> done, int arms, long delayNanos) {
        try {
            scheduler.schedule(() -> recheck(ts, startNanos, done, arms), delayNanos);
        } catch (RuntimeException rejected) {
            // A scheduler that is shutting down must not leave the caller waiting forever.
            pendingWaits.decrementAndGet();
            done.completeExceptionally(new IllegalStateException(
                    "commit-wait for " + ts + " could not be scheduled: " + rejected, rejected));
        }
    }
}
