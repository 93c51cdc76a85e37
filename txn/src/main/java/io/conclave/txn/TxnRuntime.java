package io.conclave.txn;

import java.util.List;
import java.util.function.Supplier;

/**
 * The coordinator's only access to time, threads and randomness, injected so that a simulation
 * runs the real coordinator on virtual time with one seed. {@link #system(long)} is the
 * production wiring; tests provide their own.
 */
public interface TxnRuntime extends AutoCloseable {
    /** A monotonic reading for deadlines and phase times (not a timestamp: those come from nodes). */
    long nanoTime();

    /** Waits (backoff, commit-wait); a simulation advances its virtual time instead. */
    void sleepNanos(long nanos) throws InterruptedException;

    /** Runs {@code task} every {@code periodNanos} until the returned handle is closed (heartbeats). */
    AutoCloseable every(long periodNanos, Runnable task);

    /** Runs {@code task} later, in the background (asynchronous intent resolution); may drop it when overloaded. */
    void async(Runnable task);

    /** Runs every task and returns their results in order; the production runtime runs them in parallel. */
    <T> List<T> all(List<Supplier<T>> tasks);

    /** Fills {@code out} with random bytes (transaction ids). */
    void randomBytes(byte[] out);

    /** Stops the background threads; pending asynchronous tasks may be dropped. */
    @Override
    void close();

    /** Real time and threads; ids from a generator seeded with {@code seed} mixed with a secure seed. */
    static TxnRuntime system(long seed) {
        return new SystemRuntime(seed);
    }
}
