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

    /**
     * The physical clock for a node started with {@code --test-clock-offset flagValue} (e.g.
     * {@code 750ms}, {@code -2s}): {@code base} itself when the flag is absent, empty or zero.
     * For fault-injection tests only; a production node never sets the flag.
     */
    public static PhysicalClock forTestFlag(PhysicalClock base, String flagValue) {
        Invariants.require(base != null, "base clock must not be null");
        if (flagValue == null || flagValue.isBlank()) {
            return base;
        }
        long offsetNanos;
        try {
            offsetNanos = ClockDurations.parse(flagValue);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--test-clock-offset: " + e.getMessage(), e);
        }
        return offsetNanos == 0 ? base : new OffsetClock(base, offsetNanos);
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
