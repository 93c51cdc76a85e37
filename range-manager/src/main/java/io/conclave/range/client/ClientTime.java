package io.conclave.range.client;

import java.util.concurrent.TimeUnit;

/**
 * The client's only access to time, injected so that tests run the retry policy on virtual
 * time: deterministic and without real waiting.
 */
interface ClientTime {
    long nanoTime();

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
