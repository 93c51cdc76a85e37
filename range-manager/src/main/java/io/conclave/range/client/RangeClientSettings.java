package io.conclave.range.client;

import java.time.Duration;

/**
 * The limits of a {@link RangeClient}, validated together.
 *
 * @param requestTimeout how long one attempt on one node may take before the client tries
 *     elsewhere; above a lease acquisition plus a Raft round, or healthy requests time out
 * @param deadline how long one call may take in all, across attempts, lookups and backoff: the
 *     bound a caller can rely on
 * @param initialBackoff first pause after a failed attempt that named no better target; it
 *     doubles (with jitter) up to {@code maxBackoff}, so a cluster electing a leader is not
 *     flooded with retries
 * @param maxBackoff longest pause between attempts; short enough that a recovered range is
 *     found soon
 * @param maxParallelRequests how many per-range requests of one multi-range call (and of all
 *     calls together) run at once; bounds the client's threads and the load it puts on nodes
 */
public record RangeClientSettings(Duration requestTimeout, Duration deadline, Duration initialBackoff,
        Duration maxBackoff, int maxParallelRequests) {
    /** Above this a client is more likely a bug (a thread per range) than a need. */
    static final int MAX_PARALLEL_REQUESTS_LIMIT = 256;

    public RangeClientSettings {
        positive("requestTimeout", requestTimeout);
        positive("deadline", deadline);
        positive("initialBackoff", initialBackoff);
        positive("maxBackoff", maxBackoff);
        if (initialBackoff.compareTo(maxBackoff) > 0) {
            throw new IllegalArgumentException(
                    "initialBackoff " + initialBackoff + " exceeds maxBackoff " + maxBackoff);
        }
        if (maxParallelRequests < 1 || maxParallelRequests > MAX_PARALLEL_REQUESTS_LIMIT) {
            throw new IllegalArgumentException("maxParallelRequests must be in [1, "
                    + MAX_PARALLEL_REQUESTS_LIMIT + "], was " + maxParallelRequests);
        }
    }

    /** 3 s per attempt (a lease of 9 s may need re-acquiring), 15 s per call, 10-500 ms backoff. */
    public static RangeClientSettings defaults() {
        return new RangeClientSettings(Duration.ofSeconds(3), Duration.ofSeconds(15), Duration.ofMillis(10),
                Duration.ofMillis(500), 16);
    }

    public RangeClientSettings withDeadline(Duration newDeadline) {
        return new RangeClientSettings(requestTimeout, newDeadline, initialBackoff, maxBackoff, maxParallelRequests);
    }

    public RangeClientSettings withRequestTimeout(Duration newTimeout) {
        return new RangeClientSettings(newTimeout, deadline, initialBackoff, maxBackoff, maxParallelRequests);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
