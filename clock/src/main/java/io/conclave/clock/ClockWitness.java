package io.conclave.clock;

import java.util.concurrent.CompletableFuture;

/**
 * Establishes by observation that every clock of the cluster has passed a timestamp: the fast
 * path of {@link CommitWaiter}. An implementation brings its own clock to {@code ts} and has every
 * registered node absorb a reading at or above it (a node-to-node round trip); see this package's
 * documentation for why that is as good as waiting out the maximum offset.
 */
public interface ClockWitness {
    /**
     * Completes normally only once every clock that can hand out a timestamp has been observed
     * at or above {@code ts}; completes exceptionally (or never) when that could not be
     * established, and then the caller falls back to waiting out the maximum offset. Must not
     * block.
     */
    CompletableFuture<Void> witnessed(Timestamp ts);
}
