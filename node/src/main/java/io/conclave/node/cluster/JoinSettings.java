package io.conclave.node.cluster;

import java.time.Duration;

/**
 * How an uninitialized node asks its {@code --join} addresses for a node id.
 *
 * @param attemptTimeout one attempt at one address: connect plus answer; the answering node
 *     allocates the id through range 1, one Raft round, so a second is plenty when healthy
 * @param backoffMin the pause after a round over every address failed; short, because the usual
 *     cause is that the cluster was not initialized yet and an operator is about to
 * @param backoffMax the longest pause (doubling from backoffMin): also how long a node may lag
 *     behind the init it waited for; an attempt is one small request, so a waiting node costs
 *     each join address one request per backoffMax
 */
public record JoinSettings(Duration attemptTimeout, Duration backoffMin, Duration backoffMax) {
    public JoinSettings {
        require(positive(attemptTimeout) && attemptTimeout.toSeconds() <= 60,
                "join attempt timeout must be in (0, 60s], was " + attemptTimeout);
        require(positive(backoffMin), "join backoff minimum must be positive, was " + backoffMin);
        require(positive(backoffMax) && backoffMax.compareTo(backoffMin) >= 0 && backoffMax.toMinutes() <= 10,
                "join backoff maximum must be in [minimum, 10min], was " + backoffMax);
    }

    public static JoinSettings defaults() {
        return new JoinSettings(Duration.ofSeconds(5), Duration.ofMillis(250), Duration.ofSeconds(2));
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
