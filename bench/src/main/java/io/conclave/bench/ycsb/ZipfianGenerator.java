package io.conclave.bench.ycsb;

import java.util.SplittableRandom;

/**
 * Zipfian over {@code [min, max]}: item {@code min} is the most popular, {@code min + 1} the next,
 * and so on, with popularity of rank {@code i} proportional to {@code 1 / i^theta}. This is the
 * algorithm of Gray et al., "Quickly Generating Billion-Record Synthetic Databases" (SIGMOD 1994),
 * as YCSB's {@code ZipfianGenerator} implements it, including its quirks (the item count may grow
 * between draws, which {@code latest} needs; {@code eta} keeps the constructor's item count), so
 * that Conclave's workloads draw the same distribution as YCSB's.
 *
 * <p>Public because the transaction benchmark draws its contended keys from it too.
 *
 * <p>Not thread-safe: each worker thread has its own instance. Computing {@code zeta(n)} costs
 * {@code n} calls of {@link Math#pow}; callers that build one per thread pass it precomputed.
 */
public final class ZipfianGenerator implements NumberGenerator {
    /** YCSB's {@code ZIPFIAN_CONSTANT}: the skew of every zipfian workload. */
    public static final double ZIPFIAN_CONSTANT = 0.99;

    private final long items;
    private final long base;
    private final double theta;
    private final double zeta2theta;
    private final double alpha;
    private double zetan;
    private double eta;
    private long countForZeta;
    private long last;

    public ZipfianGenerator(long min, long max) {
        this(min, max, ZIPFIAN_CONSTANT, zeta(max - min + 1, ZIPFIAN_CONSTANT));
    }

    /** {@code zetan} is {@code zeta(max - min + 1, zipfianConstant)}, computed once for many generators. */
    public ZipfianGenerator(long min, long max, double zipfianConstant, double zetan) {
        Checks.check(min <= max, "zipfian range is empty: [%s, %s]", min, max);
        Checks.check(zipfianConstant > 0 && zipfianConstant < 1, "zipfian constant must be in (0, 1), was %s",
                zipfianConstant);
        this.items = max - min + 1;
        this.base = min;
        this.theta = zipfianConstant;
        this.zeta2theta = zeta(2, theta);
        this.alpha = 1.0 / (1.0 - theta);
        this.zetan = zetan;
        this.countForZeta = items;
        this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2theta / zetan);
    }

    /** {@code sum_{i=1..n} 1/i^theta}. */
    public static double zeta(long n, double theta) {
        return zeta(0, n, theta, 0);
    }

    /** Continues a zeta sum from {@code start} items to {@code n} items. */
    static double zeta(long start, long n, double theta, double initialSum) {
        double sum = initialSum;
        for (long i = start; i < n; i++) sum += 1 / Math.pow(i + 1, theta);
        return sum;
    }

    @Override
    public long nextValue(SplittableRandom random) {
        return nextLong(items, random);
    }

    /**
     * A draw over the first {@code itemCount} items. A count larger than the last one extends zeta
     * incrementally (the key space of {@code latest} grows as inserts are acknowledged); a smaller
     * one keeps the old zeta, as YCSB does by default.
     */
    long nextLong(long itemCount, SplittableRandom random) {
        if (itemCount > countForZeta) {
            zetan = zeta(countForZeta, itemCount, theta, zetan);
            countForZeta = itemCount;
            eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2theta / zetan);
        }
        double u = random.nextDouble();
        double uz = u * zetan;
        if (uz < 1.0) {
            last = base;
        } else if (uz < 1.0 + Math.pow(0.5, theta)) {
            last = base + 1;
        } else {
            last = base + (long) (itemCount * Math.pow(eta * u - eta + 1, alpha));
        }
        return last;
    }

    @Override
    public long lastValue() {
        return last;
    }
}
