package io.conclave.txn;

import io.conclave.clock.Timestamp;
import io.conclave.range.client.RangeClient;

/**
 * Serializable transactions over a Conclave cluster's ranges. Thread-safe; each {@link Txn} is
 * used by one thread at a time.
 *
 * <pre>{@code
 * long moved = txns.run(txn -> {
 *     long a = decode(txn.get(keyA).orElseThrow());
 *     txn.put(keyA, encode(a - 10));
 *     txn.put(keyB, ...);
 *     return 10L;
 * });
 * }</pre>
 */
public final class TxnClient implements AutoCloseable {
    private final RangeClient ranges;
    private final TxnSettings settings;
    private final TxnRuntime runtime;

    /** A client over {@code ranges} with real time and threads. Closing it does not close {@code ranges}. */
    public TxnClient(RangeClient ranges, TxnSettings settings) {
        this(ranges, settings, TxnRuntime.system(System.identityHashCode(ranges)));
    }

    /** As above with time, threads and randomness given (a simulation); closing it closes {@code runtime}. */
    public TxnClient(RangeClient ranges, TxnSettings settings, TxnRuntime runtime) {
        if (ranges == null || settings == null || runtime == null) {
            throw new IllegalArgumentException("ranges, settings and runtime must be set");
        }
        this.ranges = ranges;
        this.settings = settings;
        this.runtime = runtime;
    }

    /** A read-write serializable transaction starting now (its timestamp comes from a node). */
    public Txn begin() {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * A read-only transaction that sees the database as of {@code asOf} (a historical read).
     * Reads below a range's GC threshold fail with a {@link TxnException} saying so.
     */
    public Txn beginReadOnly(Timestamp asOf) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Runs {@code body} in a transaction and commits it (unless the body committed or rolled back
     * itself). A {@link TxnRetryException} from the body or the commit starts a new attempt that
     * keeps the first attempt's priority, up to {@link TxnSettings#maxAttempts()}; then the last
     * one is thrown. Anything else rolls back and is thrown at once.
     */
    public <T> T run(TxnBody<T> body) {
        throw new UnsupportedOperationException("not yet");
    }

    /** A timestamp from the cluster, never below one this client saw before. */
    public Timestamp now() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops heartbeats and background resolution; does not close the {@link RangeClient}. */
    @Override
    public void close() {
        runtime.close();
    }
}
