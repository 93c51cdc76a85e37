package io.conclave.node.clocksync;

import io.conclave.clock.CommitWaiter;
import java.time.Duration;

/**
 * The witnessed commit-wait's limits, validated together.
 *
 * @param enabled whether commit-waits try the witness round at all ({@code --commit-wait-witness});
 *     off, every commit-wait waits out the max offset
 * @param roundTimeout how long a round may take (the registry read and every node's answer);
 *     past it the round fails and its waits end by the timer. Far below the max offset, or the
 *     round would not be worth trying
 * @param failureBackoff how long after a failed round the next one starts, so that a dead node
 *     costs one timed-out round per backoff instead of one per commit
 * @param maxPendingWaiters waits queued for a round before new ones are refused (they still end
 *     by the timer); the same bound as the waiter's own
 */
public record WitnessSettings(boolean enabled, Duration roundTimeout, Duration failureBackoff, int maxPendingWaiters) {
    /** A loopback or LAN round trip is well under a millisecond; a round beyond this is a sick one. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(10);

    public WitnessSettings {
        if (roundTimeout == null || roundTimeout.compareTo(MIN_TIMEOUT) < 0 || roundTimeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the witness round timeout must be between " + MIN_TIMEOUT.toMillis()
                    + "ms and " + MAX_TIMEOUT.toSeconds() + "s, was " + roundTimeout);
        }
        if (failureBackoff == null || failureBackoff.isNegative() || failureBackoff.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("the witness backoff after a failed round must be between 0 and "
                    + MAX_TIMEOUT.toSeconds() + "s, was " + failureBackoff);
        }
        if (maxPendingWaiters < 1) {
            throw new IllegalArgumentException("the witness's pending waiters bound must be positive, was "
                    + maxPendingWaiters);
        }
    }

    /** On; rounds time out after 100 ms and a failed one holds the next back for 100 ms. */
    public static WitnessSettings defaults() {
        return new WitnessSettings(true, Duration.ofMillis(100), Duration.ofMillis(100),
                CommitWaiter.DEFAULT_MAX_PENDING_WAITS);
    }

    /** These settings, on or off. */
    public WitnessSettings withEnabled(boolean on) {
        return new WitnessSettings(on, roundTimeout, failureBackoff, maxPendingWaiters);
    }
}
