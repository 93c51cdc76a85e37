package io.conclave.clock;

/**
 * A clock that reads {@code base} plus a fixed offset: the {@code --test-clock-offset} flag and
 * simulated skew are built from it. Positive offsets run ahead of the base.
 */
public final class OffsetClock implements PhysicalClock {
    private final PhysicalClock base;
    private final long offsetNanos;

    public OffsetClock(PhysicalClock base, long offsetNanos) {
        Invariants.require(base != null, "base clock must not be null");
        this.base = base;
        this.offsetNanos = offsetNanos;
    }

    public long offsetNanos() {
        return offsetNanos;
    }

    @Override
    public long nowNanos() {
        return Invariants.saturatedAdd(base.nowNanos(), offsetNanos);
    }

    @Override
    public String toString() {
        return "OffsetClock(" + base + " " + ClockDurations.formatSigned(offsetNanos) + ")";
    }
}
