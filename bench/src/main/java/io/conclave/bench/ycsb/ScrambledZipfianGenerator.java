package io.conclave.bench.ycsb;

import java.util.SplittableRandom;

/**
 * Zipfian popularity with the popular items spread over the key space instead of clustered at its
 * start (YCSB's {@code ScrambledZipfianGenerator}): a zipfian draw over a fixed ten-billion item
 * space, FNV-hashed, modulo the item count. With the usual constant the zeta of that space is
 * YCSB's precomputed value, so building one costs nothing and the distribution does not depend on
 * the record count (hence a few collisions make it slightly flatter than a pure zipfian).
 */
final class ScrambledZipfianGenerator implements NumberGenerator {
    /** YCSB's {@code ITEM_COUNT}: the size of the underlying zipfian space. */
    static final long ITEM_COUNT = 10_000_000_000L;
    /** YCSB's {@code ZETAN}: zeta(ITEM_COUNT, 0.99), precomputed. */
    static final double ZETAN = 26.46902820178302;

    private final long min;
    private final long itemCount;
    private final ZipfianGenerator zipfian;
    private long last;

    ScrambledZipfianGenerator(long min, long max) {
        Checks.check(min <= max, "scrambled zipfian range is empty: [%s, %s]", min, max);
        this.min = min;
        this.itemCount = max - min + 1;
        this.zipfian = new ZipfianGenerator(0, ITEM_COUNT, ZipfianGenerator.ZIPFIAN_CONSTANT, ZETAN);
    }

    @Override
    public long nextValue(SplittableRandom random) {
        long draw = zipfian.nextValue(random);
        last = min + Fnv.hash64(draw) % itemCount;
        return last;
    }

    @Override
    public long lastValue() {
        return last;
    }
}
