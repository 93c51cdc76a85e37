package io.conclave.range.client;

import java.util.concurrent.TimeUnit;

/**
 * The client's only access to time, injected so that tests run the retry policy on virtual
 * time: deterministic and without real waiting (also a simulation in another module, through
 * the public constructor of {@link RangeClient} that takes one).
 */
public interface ClientTime {
    /** A monotonic reading in nanoseconds, for deadlines and backoff. */
    long nanoTime();

    /** Waits about {@code nanos}; a simulation advances its virtual time instead. */
    void sleepNanos(long nanos) throws InterruptedException;

    ClientTime SYSTEM = new ClientTime() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };
}
