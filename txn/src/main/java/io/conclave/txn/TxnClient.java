package io.conclave.txn;

import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.Timestamp;
import io.conclave.range.client.RangeClient;
import java.util.Map;
import java.util.TreeMap;

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
    /** The first retry waits up to this long (random); each further one up to twice as long. */
    static final long RETRY_PAUSE_INITIAL_NANOS = 2_000_000L;
    static final long RETRY_PAUSE_MAX_NANOS = 100_000_000L;
    /**
     * How old the client's reading of the cluster settings may get before a commit reads them
     * again: a change reaches every coordinator within about this plus one read.
     */
    public static final long SETTINGS_REFRESH_NANOS = 1_000_000_000L;

    private final TxnSettings settings;
    private final TxnRuntime runtime;
    private final Coordinator.Env env;

    /** A client over {@code ranges} with real time and threads. Closing it does not close {@code ranges}. */
    public TxnClient(RangeClient ranges, TxnSettings settings) {
        this(ranges, settings, TxnRuntime.system(System.identityHashCode(ranges)));
    }

    /**
     * A coordinator inside a node: its timestamps come from {@code nodeClock}, the node's own
     * hybrid clock, instead of a clock reading fetched over the network for every transaction,
     * and only while {@code gate} is open: a begin (or any clock reading) on a node that may not
     * hand out timestamps waits for the gate, then fails with {@link TxnUnavailableException}.
     */
    public TxnClient(RangeClient ranges, TxnSettings settings, HybridLogicalClock nodeClock, TimestampGate gate) {
        this(ranges, settings, TxnRuntime.system(System.identityHashCode(ranges)), requireClock(nodeClock),
                requireGate(gate));
    }

    /** As above with time, threads and randomness given (a simulation); closing it closes {@code runtime}. */
    public TxnClient(RangeClient ranges, TxnSettings settings, TxnRuntime runtime) {
        this(ranges, settings, runtime, null, null);
    }

    private TxnClient(RangeClient ranges, TxnSettings settings, TxnRuntime runtime, HybridLogicalClock nodeClock,
            TimestampGate gate) {
        if (ranges == null || settings == null || runtime == null) {
            throw new IllegalArgumentException("ranges, settings and runtime must be set");
        }
        this.settings = settings;
        this.runtime = runtime;
        TxnClock clock = new TxnClock(ranges, nodeClock, gate);
        this.env = new Coordinator.Env(ranges, settings, runtime, clock,
                new SettingsCache(ranges, clock, runtime, SETTINGS_REFRESH_NANOS));
    }

    private static HybridLogicalClock requireClock(HybridLogicalClock nodeClock) {
        if (nodeClock == null) throw new IllegalArgumentException("nodeClock must be set");
        return nodeClock;
    }

    private static TimestampGate requireGate(TimestampGate gate) {
        if (gate == null) throw new IllegalArgumentException("gate must be set");
        return gate;
    }

    /** A read-write serializable transaction starting now (its timestamp comes from a node). */
    public Txn begin() {
        return begin(null, Timestamp.MIN, 0, Map.of());
    }

    /**
     * A new attempt with the first attempt's {@code min_ts} kept as its priority, reading at or
     * above {@code floor} (where the last attempt was pushed to). A floor ahead of the cluster's
     * clock is waited out rather than read at: a read far ahead of a node's clock is refused
     * (CLOCK_OFFSET), and an uncertainty window starting there would push others further ahead.
     */
    private Txn begin(Timestamp keepMinTs, Timestamp floor, int restarts, Map<String, Integer> reasons) {
        Timestamp now = env.clock().now();
        if (floor.isAfter(now)) {
            long waitNanos = Math.min(floor.wallNanos() - now.wallNanos() + 1, 2 * settings.maxOffset().toNanos());
            try {
                runtime.sleepNanos(waitNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TxnException("interrupted before a retry", e);
            }
            now = env.clock().now();
        }
        Timestamp readTs = Timestamp.max(now, floor);
        return new Txn(new Coordinator(env, now, readTs, keepMinTs != null ? keepMinTs : now, false, restarts, reasons));
    }

    /**
     * A read-only transaction that sees the database as of {@code asOf} (a historical read).
     * Reads below a range's GC threshold fail with a {@link TxnException} saying so.
     */
    public Txn beginReadOnly(Timestamp asOf) {
        if (asOf == null) throw new TxnException("a historical read needs a timestamp");
        Timestamp now = env.clock().now();
        if (asOf.isAfter(now)) {
            throw new TxnException("cannot read as of " + asOf + ": it is in the future (the cluster's clock reads "
                    + now + ")");
        }
        return new Txn(new Coordinator(env, asOf, asOf, asOf, true, 0, Map.of()));
    }

    /**
     * Runs {@code body} in a transaction and commits it (unless the body committed or rolled back
     * itself). A {@link TxnRetryException} from the body or the commit starts a new attempt that
     * keeps the first attempt's priority, up to {@link TxnSettings#maxAttempts()}; then the last
     * one is thrown. Anything else rolls back and is thrown at once.
     */
    public <T> T run(TxnBody<T> body) {
        Timestamp minTs = null;
        Timestamp floor = Timestamp.MIN;
        Map<String, Integer> reasons = new TreeMap<>();
        TxnRetryException last = null;
        for (int attempt = 0; attempt < settings.maxAttempts(); attempt++) {
            Txn txn = begin(minTs, floor, attempt, reasons);
            minTs = txn.coordinator().minTs();
            try {
                T result = body.apply(txn);
                if (txn.coordinator().state() == Coordinator.State.OPEN) txn.commit();
                return result;
            } catch (TxnRetryException e) {
                rollbackQuietly(txn);
                floor = Timestamp.max(floor, txn.coordinator().restartFloor());
                last = e;
                reasons.merge(e.reason().name(), 1, Integer::sum);
                if (attempt + 1 < settings.maxAttempts()) pauseBeforeRetry(attempt);
            } catch (RuntimeException | Error e) {
                rollbackQuietly(txn);
                throw e;
            }
        }
        throw new TxnRetryException(last.reason(), "gave up after " + settings.maxAttempts() + " attempts "
                + reasons + "; the last: " + last.getMessage(), last);
    }

    /**
     * A random pause, growing with the attempts (up to {@link #RETRY_PAUSE_MAX_NANOS}): transactions
     * that collided on a hot key would otherwise collide again at once, each invalidating the
     * others' reads, until one runs out of attempts.
     */
    private void pauseBeforeRetry(int attempt) {
        long cap = Math.min(RETRY_PAUSE_MAX_NANOS, RETRY_PAUSE_INITIAL_NANOS << Math.min(attempt, 20));
        byte[] r = new byte[8];
        runtime.randomBytes(r);
        long nanos = Math.floorMod(java.nio.ByteBuffer.wrap(r).getLong(), cap + 1);
        try {
            runtime.sleepNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TxnException("interrupted between attempts", e);
        }
    }

    private static void rollbackQuietly(Txn txn) {
        try {
            txn.rollback();
        } catch (RuntimeException cleanupFailed) {
            // What the rollback could not remove, others resolve once the record expires.
        }
    }

    /** A timestamp from the cluster, never below one this client saw before. */
    public Timestamp now() {
        return env.clock().now();
    }

    /** Stops heartbeats and background resolution; does not close the {@link RangeClient}. */
    @Override
    public void close() {
        runtime.close();
    }
}
