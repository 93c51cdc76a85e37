package io.conclave.node.clocksync;

import java.time.Duration;

/**
 * The offset guard's timing, validated together.
 *
 * @param checkInterval how often the node pings every peer and judges the offsets
 *     ({@code --clock-check-interval}); a clock that leaves the bound is noticed within about two
 *     intervals, and a measurement counts for {@link #measurementTtlNanos five} of them
 * @param pingTimeout how long one ping may wait for its answer; at most the check interval, so
 *     at most one ping per peer is in flight
 * @param highWaterInterval how often the hybrid clock's high-water mark is persisted; every
 *     persist is one store commit (one fsync), and the restart wait grows with it
 * @param witness the witnessed commit-wait's settings ({@link WitnessRounds})
 */
public record ClockSyncSettings(Duration checkInterval, Duration pingTimeout, Duration highWaterInterval,
        WitnessSettings witness) {
    /** Below this a check would cost more than it tells: a loopback round trip is ~0.1 ms, a fsync more. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    /** Above this a broken clock serves for too long before its node notices. */
    public static final Duration MAX_INTERVAL = Duration.ofMinutes(1);
    /** How many check intervals a measurement stays fresh: one lost pong must not forget a peer. */
    public static final int MEASUREMENT_TTL_INTERVALS = 5;

    public ClockSyncSettings {
        requireWithin("--clock-check-interval", checkInterval);
        requireWithin("high-water interval", highWaterInterval);
        if (pingTimeout == null || pingTimeout.isNegative() || pingTimeout.isZero()
                || pingTimeout.compareTo(checkInterval) > 0) {
            throw new IllegalArgumentException("the clock ping timeout must be in (0, " + checkInterval
                    + "] (the check interval), was " + pingTimeout);
        }
        if (witness == null) throw new IllegalArgumentException("witness settings are required");
    }

    /** With the default witness settings. */
    public ClockSyncSettings(Duration checkInterval, Duration pingTimeout, Duration highWaterInterval) {
        this(checkInterval, pingTimeout, highWaterInterval, WitnessSettings.defaults());
    }

    /** These settings with other witness settings. */
    public ClockSyncSettings withWitness(WitnessSettings settings) {
        return new ClockSyncSettings(checkInterval, pingTimeout, highWaterInterval, settings);
    }

    /** Checks every second, pings time out after a second, the high-water mark is written every 500 ms. */
    public static ClockSyncSettings defaults() {
        return withCheckInterval(Duration.ofSeconds(1));
    }

    /** Defaults scaled to {@code checkInterval}: pings time out after one interval. */
    public static ClockSyncSettings withCheckInterval(Duration checkInterval) {
        return new ClockSyncSettings(checkInterval, checkInterval, Duration.ofMillis(500));
    }

    /** How long a measurement counts before its peer stops counting as live. */
    public long measurementTtlNanos() {
        return checkInterval.toNanos() * MEASUREMENT_TTL_INTERVALS;
    }

    private static void requireWithin(String name, Duration value) {
        if (value == null || value.compareTo(MIN_INTERVAL) < 0 || value.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException(name + " must be between " + MIN_INTERVAL.toMillis() + "ms and "
                    + MAX_INTERVAL.toMinutes() + "m, was " + value);
        }
    }
}
