package io.conclave.node.fault;

import io.conclave.clock.PhysicalClock;

/**
 * A physical clock that reads {@code base} plus an offset the fault rules set while the node
 * runs: a clock step, forward or back. The hybrid clock above it masks a step back.
 */
final class AdjustableClock implements PhysicalClock {
    private final PhysicalClock base;
    private volatile long offsetNanos;

    AdjustableClock(PhysicalClock base) {
        if (base == null) throw new IllegalArgumentException("base clock must not be null");
        this.base = base;
    }

    void setOffsetNanos(long offsetNanos) {
        this.offsetNanos = offsetNanos;
    }

    @Override
    public long nowNanos() {
        // The offset is bounded by FaultRules, far from overflow for any real reading.
        return base.nowNanos() + offsetNanos;
    }

    @Override
    public String toString() {
        return "AdjustableClock(" + base + " + " + offsetNanos + " ns)";
    }
}
