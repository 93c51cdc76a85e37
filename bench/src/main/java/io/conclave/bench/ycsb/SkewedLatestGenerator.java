package io.conclave.bench.ycsb;

import java.util.SplittableRandom;

/**
 * YCSB's {@code SkewedLatestGenerator}: zipfian over recency. The newest acknowledged key is the
 * most popular, the one before it the next, and so on; the key space grows as the counter's
 * acknowledged limit does. One per thread over the shared counter.
 */
final class SkewedLatestGenerator implements NumberGenerator {
    private final CounterGenerator basis;
    private final ZipfianGenerator zipfian;
    private long last;

    /** {@code zetaOfCount} is {@code zeta(basis.lastValue())}, computed once for all threads. */
    SkewedLatestGenerator(CounterGenerator basis, double zetaOfCount) {
        long count = basis.lastValue();
        Checks.check(count >= 1, "latest needs at least one acknowledged key, the counter is at %s", count);
        this.basis = basis;
        this.zipfian = new ZipfianGenerator(0, count - 1, ZipfianGenerator.ZIPFIAN_CONSTANT, zetaOfCount);
    }

    @Override
    public long nextValue(SplittableRandom random) {
        long max = basis.lastValue();
        last = max - zipfian.nextLong(max, random);
        return last;
    }

    @Override
    public long lastValue() {
        return last;
    }
}
