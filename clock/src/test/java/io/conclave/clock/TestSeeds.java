package io.conclave.clock;

import java.util.SplittableRandom;

/**
 * Seeds for the property tests: random per run, or fixed with {@code -Dclock.seed=N} to replay
 * a failure. Every failure message names its seed through {@link #describe}.
 */
final class TestSeeds {
    private static final SplittableRandom SEEDS = new SplittableRandom();

    private TestSeeds() {}

    static long next() {
        String fixed = System.getProperty("clock.seed");
        return fixed == null || fixed.isBlank() ? SEEDS.nextLong() : Long.parseLong(fixed.strip());
    }

    static String describe(long seed) {
        return "seed " + seed + " (replay with -Dclock.seed=" + seed + ")";
    }
}
