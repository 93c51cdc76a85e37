package io.conclave.bench.ycsb;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The key numbers of the run phase's inserts (YCSB's {@code AcknowledgedCounterGenerator}).
 * {@link #lastValue} is not the last number handed out but the highest one below which every
 * insert has been acknowledged, so a reader choosing keys up to it ({@code latest}, and the
 * rejection loop of the other choosers) never asks for a key whose insert has not finished.
 *
 * <p>Acknowledgements may arrive out of order; a ring of {@link #WINDOW_SIZE} flags holds those
 * ahead of the limit. More inserts in flight than that is an error, not a silent wrap.
 */
final class AcknowledgedCounterGenerator extends CounterGenerator {
    /** Most inserts that may be handed out and not yet acknowledged (YCSB's window). */
    static final int WINDOW_SIZE = 1 << 20;
    private static final int WINDOW_MASK = WINDOW_SIZE - 1;

    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}: which numbers past the limit are acknowledged. */
    private final boolean[] window = new boolean[WINDOW_SIZE];
    private volatile long limit;

    AcknowledgedCounterGenerator(long start) {
        super(start);
        this.limit = start - 1;
    }

    @Override
    public long lastValue() {
        return limit;
    }

    /** Marks {@code value}'s insert finished (successfully or not) and advances the limit over every contiguous one. */
    void acknowledge(long value) {
        lock.lock();
        try {
            int slot = (int) (value & WINDOW_MASK);
            Checks.check(value > limit && value - limit <= WINDOW_SIZE,
                    "acknowledged key number %s outside the window (limit %s, %s slots)", value, limit, WINDOW_SIZE);
            Checks.check(!window[slot], "key number %s acknowledged twice or too many unacknowledged inserts", value);
            window[slot] = true;
            long index = limit + 1;
            while (window[(int) (index & WINDOW_MASK)]) {
                window[(int) (index & WINDOW_MASK)] = false;
                index++;
            }
            limit = index - 1;
        } finally {
            lock.unlock();
        }
    }
}
