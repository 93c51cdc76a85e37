package io.conclave.node.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A count that only goes up, cheap to add to from many threads (a {@link LongAdder}). */
public final class Counter {
    private final LongAdder count = new LongAdder();

    public void increment() {
        count.increment();
    }

    public void add(long n) {
        if (n < 0) throw new IllegalArgumentException("a counter only goes up; cannot add " + n);
        count.add(n);
    }

    public long get() {
        return count.sum();
    }
}
