package io.conclave.bench.ycsb;

import java.util.concurrent.locks.LockSupport;

/**
 * The runner's time source, injected so that the throttle and the latency correction can be
 * tested on a manual clock. {@link #SYSTEM} is the only place this package reads real time.
 */
public interface BenchClock {
    /** Monotonic nanoseconds, for intervals only. */
    long nanos();

    /** Wall-clock milliseconds since the epoch, only to stamp result files. */
    long wallMillis();

    /** Returns once {@link #nanos()} has reached {@code deadlineNanos} (at once if it has). */
    void sleepUntil(long deadlineNanos) throws InterruptedException;

    BenchClock SYSTEM = new BenchClock() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public long wallMillis() {
            return System.currentTimeMillis();
        }

        @Override
        public void sleepUntil(long deadlineNanos) throws InterruptedException {
            // parkNanos may return early (spuriously, or at the timer's resolution), so loop.
            for (long left = deadlineNanos - System.nanoTime(); left > 0; left = deadlineNanos - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (Thread.interrupted()) throw new InterruptedException("interrupted while throttling");
            }
        }
    };
}
