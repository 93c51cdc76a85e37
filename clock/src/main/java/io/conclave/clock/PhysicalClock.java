package io.conclave.clock;

/**
 * A source of physical time: nanoseconds since the Unix epoch.
 *
 * <p>Readings may stall or jump backwards (NTP steps, a VM pause, fault injection); the
 * {@link HybridLogicalClock} above masks that. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface PhysicalClock {
    /** The current reading in nanoseconds since the Unix epoch. */
    long nowNanos();
}
