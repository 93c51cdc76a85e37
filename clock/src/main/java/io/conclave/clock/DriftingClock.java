package io.conclave.clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injection clock: {@code base}, plus a drift of {@code driftPpm} parts per million of
 * the time elapsed on {@code base} since construction, plus any {@link #jump jumps} injected
 * since. A real quartz oscillator drifts tens of ppm; NTP steps and VM pauses are jumps.
 *
 * <p>Thread-safe. Readings are not monotonic: a negative drift never runs backwards by itself,
 * but a negative jump does, which is the point.
 */
public final class DriftingClock implements PhysicalClock {
    /** A drift beyond ±100% would run the clock backwards or at double speed: a bug, not a fault. */
    public static final double MAX_ABS_DRIFT_PPM = 1_000_000;

    private final PhysicalClock base;
    private final long anchorNanos;
    private final double driftPerNano;
    private final AtomicLong jumpedNanos;

    public DriftingClock(PhysicalClock base, long initialOffsetNanos, double driftPpm) {
        Invariants.require(base != null, "base clock must not be null");
        Invariants.require(Math.abs(driftPpm) <= MAX_ABS_DRIFT_PPM,
                "drift must be within ±%s ppm, got %s", MAX_ABS_DRIFT_PPM, driftPpm);
        this.base = base;
        this.anchorNanos = base.nowNanos();
        this.driftPerNano = driftPpm / 1_000_000.0;
        this.jumpedNanos = new AtomicLong(initialOffsetNanos);
    }

    /** Steps the clock by {@code deltaNanos} (negative steps backwards) from now on. */
    public void jump(long deltaNanos) {
        jumpedNanos.addAndGet(deltaNanos);
    }

    @Override
    public long nowNanos() {
        long baseNow = base.nowNanos();
        long driftNanos = (long) ((baseNow - anchorNanos) * driftPerNano);
        return Invariants.saturatedAdd(Invariants.saturatedAdd(baseNow, driftNanos), jumpedNanos.get());
    }

    @Override
    public String toString() {
        return "DriftingClock(" + base + ", drift " + driftPerNano * 1_000_000 + " ppm, offset "
                + ClockDurations.formatSigned(jumpedNanos.get()) + ")";
    }
}
