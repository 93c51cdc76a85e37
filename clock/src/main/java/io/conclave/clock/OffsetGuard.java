package io.conclave.clock;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs the {@link RemoteClockMonitor}'s check periodically and stops the node, once, when it
 * returns a fatal verdict. The node supplies how to list live nodes and how to stop (log the
 * message as fatal, then exit); this class guarantees the stop callback runs at most once and
 * that checks cease afterwards, so the log holds one clear message rather than one per period.
 *
 * <p>Pinging the peers is the node's job (it owns the transport); this class only judges.
 */
public final class OffsetGuard {
    private final RemoteClockMonitor monitor;
    private final Supplier<Set<Long>> liveNodeIds;
    private final Consumer<String> stopNode;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    public OffsetGuard(RemoteClockMonitor monitor, Supplier<Set<Long>> liveNodeIds, Consumer<String> stopNode) {
        Invariants.require(monitor != null && liveNodeIds != null && stopNode != null,
                "monitor, live node supplier and stop callback must not be null");
        this.monitor = monitor;
        this.liveNodeIds = liveNodeIds;
        this.stopNode = stopNode;
    }

    /** Checks once; on the first fatal verdict calls the stop callback with its message. */
    public RemoteClockMonitor.Verdict checkNow() {
        RemoteClockMonitor.Verdict verdict = monitor.check(liveNodeIds.get());
        if (verdict.fatal() && stopped.compareAndSet(false, true)) {
            stopNode.accept(verdict.message());
        }
        return verdict;
    }

    /** Checks every {@code intervalNanos} on {@code scheduler} until stopped or {@link #close closed}. */
    public void start(Scheduler scheduler, long intervalNanos) {
        Invariants.require(scheduler != null, "scheduler must not be null");
        Invariants.require(intervalNanos > 0, "check interval must be > 0 ns, got %d", intervalNanos);
        scheduler.schedule(() -> tick(scheduler, intervalNanos), intervalNanos);
    }

    /** Whether the guard has stopped the node. */
    public boolean hasStopped() {
        return stopped.get();
    }

    /** Stops periodic checks (at the next tick). */
    public void close() {
        closed.set(true);
    }

    private void tick(Scheduler scheduler, long intervalNanos) {
        if (closed.get() || stopped.get()) {
            return;
        }
        checkNow();
        if (!stopped.get()) {
            scheduler.schedule(() -> tick(scheduler, intervalNanos), intervalNanos);
        }
    }
}
