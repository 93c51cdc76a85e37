package io.conclave.bench.txn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Zipfian key ranks over {@code [0, n)}: rank {@code i} drawn with probability proportional to
 * {@code 1 / (i + 1)^theta}, by binary search in the cumulative weights (n doubles, built once and
 * shared read-only by every thread). Exact for the small key counts of the transaction benchmark,
 * where YCSB's approximation (in the ycsb package) would buy nothing.
 */
final class ZipfianKeys {
    /** YCSB's skew. */
    static final double THETA = 0.99;
    /** The table holds one double per key. */
    static final int MAX_KEYS = 10_000_000;

    private final double[] cumulative;

    ZipfianKeys(int n, double theta) {
        if (n < 1 || n > MAX_KEYS) throw new IllegalArgumentException("zipfian keys must be in [1, " + MAX_KEYS + "], was " + n);
        if (!(theta > 0 && theta < 1)) throw new IllegalArgumentException("zipfian theta must be in (0, 1), was " + theta);
        cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, theta);
            cumulative[i] = sum;
        }
    }

    /** A rank: 0 is the most popular. */
    int next(SplittableRandom random) {
        double u = random.nextDouble() * cumulative[cumulative.length - 1];
        int i = Arrays.binarySearch(cumulative, u);
        return Math.min(cumulative.length - 1, i >= 0 ? i : -i - 1);
    }
}
