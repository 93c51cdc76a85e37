package io.conclave.bench.ycsb;

import java.util.SplittableRandom;

/**
 * A source of integers in YCSB's sense: {@link #nextValue} draws one, {@link #lastValue} is the
 * one drawn last. The random source is passed in, so that every draw of a thread comes from that
 * thread's own seeded {@link SplittableRandom} and a run is reproducible from its root seed.
 */
public interface NumberGenerator {
    long nextValue(SplittableRandom random);

    long lastValue();
}
