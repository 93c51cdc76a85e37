package io.conclave.bench.ycsb;

import java.util.SplittableRandom;

/** Uniform over {@code [lower, upper]}, both included (YCSB's {@code UniformLongGenerator}). */
final class UniformLongGenerator implements NumberGenerator {
    private final long lower;
    private final long upper;
    private long last;

    UniformLongGenerator(long lower, long upper) {
        Checks.check(lower <= upper, "uniform range is empty: [%s, %s]", lower, upper);
        this.lower = lower;
        this.upper = upper;
    }

    @Override
    public long nextValue(SplittableRandom random) {
        last = upper == Long.MAX_VALUE ? lower + random.nextLong(upper - lower) : random.nextLong(lower, upper + 1);
        return last;
    }

    @Override
    public long lastValue() {
        return last;
    }
}
