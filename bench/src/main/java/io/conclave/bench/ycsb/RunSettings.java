package io.conclave.bench.ycsb;

/**
 * How the run phase is driven.
 *
 * @param threads worker threads, each with its own {@link Target}
 * @param targetOpsPerSecond total rate the throttle schedules, spread evenly over the threads;
 *     0 for as fast as the target answers (then latency is measured from each op's actual start)
 * @param durationNanos length of the measured window, after the warm-up; ignored when
 *     {@code operations > 0}
 * @param operations measured operations to run (after the warm-up), or 0 to run for the duration
 * @param warmupNanos load before the measured window, not counted
 * @param sampleNanos length of one interval of the throughput series and the interval log; 0 takes
 *     one sample at the end (tests on a manual clock)
 * @param progressNanos how often a progress line is printed (a multiple of the sample length)
 * @param seed root seed; thread {@code i} draws from the {@code i}-th split of it
 * @param retries how many more times an operation runs after an attempt fails with a retryable
 *     status (YCSB's own client never retries: 0)
 */
public record RunSettings(int threads, double targetOpsPerSecond, long durationNanos, long operations,
        long warmupNanos, long sampleNanos, long progressNanos, long seed, int retries) {
    /** Most worker threads: each holds a connection, and this host has few cores. */
    public static final int MAX_THREADS = 1024;
    /** Highest target rate: one op per microsecond per thread is already beyond any target here. */
    public static final double MAX_TARGET_OPS_PER_SECOND = 10_000_000;
    /** Most retries of one operation: beyond this a failing database only lengthens the run. */
    public static final int MAX_RETRIES = 100;

    public RunSettings {
        require(threads >= 1 && threads <= MAX_THREADS, "--threads must be in [1, " + MAX_THREADS + "], was " + threads);
        require(targetOpsPerSecond >= 0 && targetOpsPerSecond <= MAX_TARGET_OPS_PER_SECOND,
                "--target must be in [0, " + (long) MAX_TARGET_OPS_PER_SECOND + "] ops/s, was " + targetOpsPerSecond);
        require(operations >= 0, "--operations must be >= 0, was " + operations);
        require(operations > 0 || durationNanos > 0, "--duration must be positive (or give --operations)");
        require(warmupNanos >= 0, "--warmup must be >= 0");
        require(sampleNanos >= 0 && progressNanos >= 0, "sample and progress intervals must be >= 0");
        require(retries >= 0 && retries <= MAX_RETRIES, "--retries must be in [0, " + MAX_RETRIES + "], was " + retries);
    }

    /** Settings of a run that does not retry, as YCSB's client. */
    public RunSettings(int threads, double targetOpsPerSecond, long durationNanos, long operations, long warmupNanos,
            long sampleNanos, long progressNanos, long seed) {
        this(threads, targetOpsPerSecond, durationNanos, operations, warmupNanos, sampleNanos, progressNanos, seed, 0);
    }

    boolean throttled() {
        return targetOpsPerSecond > 0;
    }

    private static void require(boolean condition, String message) {
        if (!condition) throw new IllegalArgumentException(message);
    }
}
