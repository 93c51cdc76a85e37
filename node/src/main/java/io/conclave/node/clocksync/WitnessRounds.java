package io.conclave.node.clocksync;

import io.conclave.clock.ClockOffsetException;
import io.conclave.clock.ClockWitness;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.Scheduler;
import io.conclave.clock.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * The round engine of the witnessed commit-wait (the argument is in {@code io.conclave.clock}'s
 * package documentation): a round reads the registry of nodes fresh, asks every registered node
 * but this one to answer a request whose frame carries this node's clock reading, and succeeds
 * once all have answered. A node whose record expired more than the max offset before the round
 * read its physical clock (just before the read) is not asked: it has fenced itself.
 *
 * <p>The asks do not wait for the registry read: a round first asks the nodes the last round's
 * read listed, then reads the registry, then asks any node the read adds. Neither order matters
 * to the argument: every ask of the round is stamped after the clock moved past the timestamps it
 * covers, and the read still begins after those timestamps were fixed; success still needs an
 * answer from every node the fresh read lists (an answer from a node it does not list counts for
 * nothing). A round thus takes the longer of the read and the asks instead of their sum.
 *
 * <p>Rounds are coalesced: at most one is in flight. {@link #witnessed} first moves this node's
 * clock to {@code ts}, so a round that starts afterwards (its frames stamped later) covers it;
 * waits that arrive during a round join the next one. A failed round fails the waits it covered
 * (their timers decide) and holds the next round back by the backoff. The registry read blocks,
 * so rounds run on {@code roundThread}; timeouts and the backoff run on {@code timer}.
 */
public final class WitnessRounds implements ClockWitness {
    /**
     * Every node in the registry with the expiration of its liveness record (HLC wall nanos),
     * read fresh (a raw scan of the liveness records).
     */
    @FunctionalInterface
    public interface Registry {
        Map<Long, Long> expirations();
    }

    /** Sends the witness request to one node; completes once it answered. Must not block. */
    @FunctionalInterface
    public interface Messenger {
        CompletableFuture<Void> ask(long nodeId);
    }

    /** Counters for metrics, read by any thread. */
    public record Stats(long roundsSucceeded, long roundsFailed, long waitsRefused, long recordsJudgedExpired) {}

    private final long selfId;
    private final HybridLogicalClock clock;
    private final Registry registry;
    private final Messenger messenger;
    private final Executor roundThread;
    private final Scheduler timer;
    private final WitnessSettings settings;
    private final LongSupplier nanoTime;
    private final LongConsumer roundLatencyNanos;

    // Guarded by this.
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    // A round is in flight from its start until both its outcome is known and its thread is free
    // (a registry read may outlast the timeout): only then may the next one start.
    private boolean roundOpen;
    private boolean roundThreadBusy;
    private boolean retryArmed;
    private long nextRoundAtNanos = Long.MIN_VALUE;
    private long roundsSucceeded;
    private long roundsFailed;
    private long waitsRefused;
    private long recordsJudgedExpired;
    // Written and read on the round thread only: the node ids the last successful registry read listed.
    private Set<Long> lastRegistered = Set.of();

    /**
     * @param nanoTime a monotonic clock for the backoff and the latency (no decision on safety
     *     depends on it)
     * @param roundLatencyNanos told the duration of every finished round, for metrics
     */
    public WitnessRounds(long selfId, HybridLogicalClock clock, Registry registry, Messenger messenger,
            Executor roundThread, Scheduler timer, WitnessSettings settings, LongSupplier nanoTime,
            LongConsumer roundLatencyNanos) {
        this.selfId = selfId;
        this.clock = clock;
        this.registry = registry;
        this.messenger = messenger;
        this.roundThread = roundThread;
        this.timer = timer;
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.roundLatencyNanos = roundLatencyNanos;
    }

    @Override
    public CompletableFuture<Void> witnessed(Timestamp ts) {
        try {
            // Step 1: every frame this node sends from now on carries a reading >= ts.
            clock.update(ts);
        } catch (ClockOffsetException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> seen = new CompletableFuture<>();
        synchronized (this) {
            if (waiting.size() >= settings.maxPendingWaiters()) {
                waitsRefused++;
                return CompletableFuture.failedFuture(new IllegalStateException(settings.maxPendingWaiters()
                        + " commit-waits already wait for a witness round (the limit)"));
            }
            waiting.add(seen);
            startRoundLocked();
        }
        return seen;
    }

    public synchronized Stats stats() {
        return new Stats(roundsSucceeded, roundsFailed, waitsRefused, recordsJudgedExpired);
    }

    private void startRoundLocked() {
        if (roundOpen || roundThreadBusy || waiting.isEmpty()) return;
        long now = nanoTime.getAsLong();
        if (now < nextRoundAtNanos) {
            if (!retryArmed) {
                retryArmed = true;
                scheduleOrFail(this::retry, nextRoundAtNanos - now);
            }
            return;
        }
        roundOpen = true;
        roundThreadBusy = true;
        try {
            roundThread.execute(this::runRound);
        } catch (RuntimeException rejected) {
            roundOpen = false;
            roundThreadBusy = false;
            List<CompletableFuture<Void>> refused = waiting;
            waiting = new ArrayList<>();
            refused.forEach(w -> w.completeExceptionally(rejected));
        }
    }

    private synchronized void retry() {
        retryArmed = false;
        startRoundLocked();
    }

    /**
     * Steps 2 and 3, on the round thread. The round covers every wait queued before it began:
     * each moved the clock to its timestamp before it was queued, and every frame of the round
     * is stamped after. It ends once, by its answers or its timeout.
     */
    private void runRound() {
        List<CompletableFuture<Void>> covered;
        synchronized (this) {
            covered = waiting;
            waiting = new ArrayList<>();
        }
        long began = nanoTime.getAsLong();
        CompletableFuture<Void> round = new CompletableFuture<>();
        round.whenComplete((ok, failure) -> finishRound(covered, failure, began));
        long timeoutNanos = settings.roundTimeout().toNanos();
        scheduleOrFail(() -> round.completeExceptionally(new TimeoutException("a witness round took more than "
                + settings.roundTimeout().toMillis() + " ms")), timeoutNanos);
        try {
            Map<Long, CompletableFuture<Void>> asked = new HashMap<>();
            for (long id : lastRegistered) {
                if (id != selfId) asked.put(id, messenger.ask(id)); // overlaps the registry read below
            }
            // Taken before the read begins: a node whose record expired more than the max offset
            // before this reading had fenced itself before the read (see TimestampFence).
            long t0 = clock.physicalNowNanos();
            Set<Long> registered = unexpired(registry.expirations(), t0);
            lastRegistered = Set.copyOf(registered);
            List<CompletableFuture<Void>> answers = new ArrayList<>();
            for (long id : registered) {
                if (id != selfId) answers.add(asked.computeIfAbsent(id, messenger::ask));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ok, failure) -> {
                if (failure == null) round.complete(null);
                else round.completeExceptionally(failure);
            });
        } catch (RuntimeException e) {
            round.completeExceptionally(e);
        }
        // The registry read may have outlasted the timeout: the round already ended then, and the
        // thread is free again only now, so the next round cannot pile up behind this one.
        synchronized (this) {
            roundThreadBusy = false;
            startRoundLocked();
        }
    }

    /** The nodes of {@code expirations} not judged expired at physical time {@code t0}. */
    private Set<Long> unexpired(Map<Long, Long> expirations, long t0) {
        Set<Long> live = new HashSet<>();
        int expired = 0;
        for (Map.Entry<Long, Long> e : expirations.entrySet()) {
            if (expiredAt(e.getValue(), t0, clock.maxOffsetNanos())) expired++;
            else live.add(e.getKey());
        }
        if (expired > 0) {
            synchronized (this) {
                recordsJudgedExpired += expired;
            }
        }
        return live;
    }

    /**
     * Whether a record with expiration {@code expirationNanos} is judged expired by a round whose
     * physical clock read {@code t0} before its registry read: strictly past the expiration plus
     * the max offset (written without overflow).
     */
    static boolean expiredAt(long expirationNanos, long t0, long maxOffsetNanos) {
        if (expirationNanos > Long.MAX_VALUE - maxOffsetNanos) return false;
        return t0 > expirationNanos + maxOffsetNanos;
    }

    private void finishRound(List<CompletableFuture<Void>> covered, Throwable failure, long began) {
        long tookNanos = Math.max(0, nanoTime.getAsLong() - began);
        roundLatencyNanos.accept(tookNanos);
        synchronized (this) {
            if (failure == null) {
                roundsSucceeded++;
            } else {
                roundsFailed++;
                nextRoundAtNanos = nanoTime.getAsLong() + settings.failureBackoff().toNanos();
            }
        }
        for (CompletableFuture<Void> w : covered) {
            if (failure == null) w.complete(null);
            else w.completeExceptionally(failure);
        }
        synchronized (this) {
            roundOpen = false;
            startRoundLocked();
        }
    }

    private void scheduleOrFail(Runnable task, long delayNanos) {
        try {
            timer.schedule(task, Math.max(1, delayNanos));
        } catch (RuntimeException rejected) {
            // A timer shutting down: the node is closing; the waits end by the waiter's own timer.
        }
    }
}
