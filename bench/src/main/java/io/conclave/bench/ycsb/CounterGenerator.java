package io.conclave.bench.ycsb;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands out {@code start, start + 1, ...} across threads (YCSB's {@code CounterGenerator}): the
 * load phase's key numbers. Thread-safe; the random source is ignored.
 */
class CounterGenerator implements NumberGenerator {
    private final AtomicLong counter;

    CounterGenerator(long start) {
        this.counter = new AtomicLong(start);
    }

    @Override
    public long nextValue(SplittableRandom ignored) {
        return counter.getAndIncrement();
    }

    /** The value handed out last (the start minus one before the first). */
    @Override
    public long lastValue() {
        return counter.get() - 1;
    }
}
