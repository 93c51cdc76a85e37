package io.conclave.tests.check;

import java.util.SplittableRandom;
import java.util.function.LongConsumer;

/**
 * Runs a seeded property over a range of seeds and names the failing one. Each run starts from a
 * fresh random base (printed), so runs explore new seeds; {@code -Dcheck.seed=N} replays exactly
 * one, {@code -Dcheck.seeds=N} runs more.
 */
final class Seeds {
    private Seeds() {}

    /** Runs {@code body} for each seed; returns how many seeds ran. */
    static int forEach(String property, int defaultCount, LongConsumer body) {
        Long single = Long.getLong("check.seed");
        int count = single != null ? 1 : Integer.getInteger("check.seeds", defaultCount);
        long base = single != null ? single : new SplittableRandom().nextLong(1L << 40);
        System.out.printf("%s: %d seed(s) from %d (replay one with -Dcheck.seed=N)%n", property, count, base);
        for (int i = 0; i < count; i++) {
            long seed = base + i;
            try {
                body.accept(seed);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(property + " failed for seed " + seed + " (replay with -Dcheck.seed=" + seed
                        + "): " + e.getMessage(), e);
            }
        }
        return count;
    }
}
