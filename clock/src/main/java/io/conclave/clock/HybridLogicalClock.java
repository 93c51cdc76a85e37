package io.conclave.clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A hybrid logical clock (Kulkarni et al., 2014): readings that stay close to physical time,
 * never go backwards, and respect causality across nodes.
 *
 * <ul>
 *   <li>{@link #now()} returns a reading strictly greater than every reading this clock has
 *       returned or absorbed before, whatever the physical clock does (stall, step back).
 *   <li>{@link #update(Timestamp)} absorbs a reading received from another node, so every
 *       later {@code now()} here is strictly greater than it: the receive happens-after the send.
 *   <li>A remote reading more than the maximum offset ahead of the local physical clock is
 *       refused with {@link ClockOffsetException} and counted ({@link #offsetRejections()}).
 * </ul>
 *
 * <p>Thread-safe and cheap: one short critical section per call, no allocation beyond the
 * returned record. Called once per frame sent or received.
 */
public final class HybridLogicalClock {
    private final PhysicalClock physicalClock;
    private final long maxOffsetNanos;
    private final AtomicLong offsetRejections = new AtomicLong();

    // Guarded by this. The largest reading returned or absorbed so far; only ever increases.
    private long wallNanos;
    private int logical;

    public HybridLogicalClock(PhysicalClock physicalClock, long maxOffsetNanos) {
        Invariants.require(physicalClock != null, "physical clock must not be null");
        MaxOffsetSetting.validate(maxOffsetNanos);
        this.physicalClock = physicalClock;
        this.maxOffsetNanos = maxOffsetNanos;
    }

    /** A new reading, strictly greater than every earlier reading returned or absorbed. */
    public Timestamp now() {
        long physicalNanos = Math.max(0, physicalClock.nowNanos());
        synchronized (this) {
            if (physicalNanos > wallNanos) {
                wallNanos = physicalNanos;
                logical = 0;
            } else {
                tickLogicalLocked();
            }
            return new Timestamp(wallNanos, logical);
        }
    }

    /**
     * Absorbs a reading carried by a message from another node (or a client), so that every
     * later {@link #now()} is greater than it.
     *
     * @throws ClockOffsetException if {@code remote} is more than the maximum offset ahead of the
     *     local physical clock; the clock is left unchanged and the rejection is counted
     */
    public void update(Timestamp remote) {
        Invariants.require(remote != null, "remote timestamp must not be null");
        long physicalNanos = physicalClock.nowNanos();
        if (remote.wallNanos() > Invariants.saturatedAdd(physicalNanos, maxOffsetNanos)) {
            offsetRejections.incrementAndGet();
            throw new ClockOffsetException(remote, physicalNanos, maxOffsetNanos);
        }
        synchronized (this) {
            if (remote.wallNanos() > wallNanos
                    || (remote.wallNanos() == wallNanos && remote.logical() > logical)) {
                wallNanos = remote.wallNanos();
                logical = remote.logical();
            }
        }
    }

    /**
     * Moves the clock to at least {@code floor} without the offset check. For restart: a node
     * that persisted the highest timestamp it handed out restores it here, so that a physical
     * clock stepped back across the restart cannot make it reuse timestamps. Not for remote
     * readings; those go through {@link #update}.
     */
    public void forwardTo(Timestamp floor) {
        Invariants.require(floor != null, "floor timestamp must not be null");
        synchronized (this) {
            if (floor.wallNanos() > wallNanos || (floor.wallNanos() == wallNanos && floor.logical() > logical)) {
                wallNanos = floor.wallNanos();
                logical = floor.logical();
            }
        }
    }

    /** The maximum clock offset this clock enforces on {@link #update}. */
    public long maxOffsetNanos() {
        return maxOffsetNanos;
    }

    /** The underlying physical clock's reading (for commit-wait, leases, offset pings). */
    public long physicalNowNanos() {
        return physicalClock.nowNanos();
    }

    /** How many remote readings {@link #update} refused since start, for metrics. */
    public long offsetRejections() {
        return offsetRejections.get();
    }

    private void tickLogicalLocked() {
        if (logical < Integer.MAX_VALUE) {
            logical++;
            return;
        }
        // 2^31 events within one nanosecond of a stalled clock: borrow a nanosecond instead of
        // wrapping. The reading then leads physical time by 1 ns, which the next real tick absorbs.
        Invariants.check(wallNanos < Long.MAX_VALUE, "hybrid logical clock exhausted at %s", Timestamp.MAX);
        wallNanos++;
        logical = 0;
    }

    @Override
    public String toString() {
        synchronized (this) {
            return "HybridLogicalClock(" + new Timestamp(wallNanos, logical) + ", max-offset="
                    + ClockDurations.format(maxOffsetNanos) + ")";
        }
    }
}
