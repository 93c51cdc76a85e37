package io.conclave.bench;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: {@code proposers} lanes each keep exactly one put in flight, so the
 * cluster always has that many proposals outstanding. A put's latency is from the call to its
 * acknowledgement (committed on a quorum with fsync and applied). Completions issued before the
 * warm-up ends are not counted; the measured window is exactly {@code durationNanos} long.
 *
 * <p>All completions are handled on one client thread, which both keeps the histogram
 * single-threaded and stops a put that fails at once from recursing into the next.
 */
final class LoadGenerator {
    /** Highest latency the histogram tracks; a put slower than a minute is an outage, not a sample. */
    static final long MAX_TRACKED_LATENCY_NANOS = 60_000_000_000L;

    record Result(long commits, long errors, double seconds, Histogram latencyNanos, String firstError) {
        double commitsPerSecond() {
            return commits / seconds;
        }
    }

    /**
     * Where each put's key falls. SCATTERED keys are spread evenly over the keyspace, so nearly
     * every put lands in a B-tree leaf of its own: the store's worst case, and the default.
     * ASCENDING keys increase within each range (a run-wide counter after the range's first
     * key), as time-ordered or revision keys do: each range's puts append at its right edge.
     */
    enum KeyOrder { SCATTERED, ASCENDING }

    private final KvWriter writer;
    private final int proposers;
    private final KeyOrder keyOrder;
    private final int ranges;
    private final byte[] value;
    private final Histogram latency = new Histogram(MAX_TRACKED_LATENCY_NANOS, 3);
    /** Pause before a lane retries after a failed put, so an outage does not become a busy loop. */
    static final long ERROR_BACKOFF_MILLIS = 10;

    private final ScheduledExecutorService completions = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-completions");
        t.setDaemon(true);
        return t;
    });
    // Confined to the completions thread after start().
    private long measureStartNanos;
    private long measureEndNanos;
    private long commits;
    private long errors;
    private String firstError;
    private CountDownLatch lanesDone;

    // Confined to the completions thread: the next ASCENDING key's counter.
    private long ascending;

    /** {@code ranges}: the user ranges the keyspace was pre-split into (ASCENDING keys spread over them). */
    LoadGenerator(KvWriter writer, int proposers, int valueBytes, long seed, KeyOrder keyOrder, int ranges) {
        this.writer = writer;
        this.proposers = proposers;
        this.keyOrder = keyOrder;
        this.ranges = ranges;
        this.value = new byte[valueBytes];
        new SplittableRandom(seed).nextBytes(value);
    }

    Result run(long warmupNanos, long durationNanos) throws InterruptedException {
        long now = System.nanoTime();
        lanesDone = new CountDownLatch(proposers);
        completions.execute(() -> {
            measureStartNanos = now + warmupNanos;
            measureEndNanos = measureStartNanos + durationNanos;
            for (int lane = 0; lane < proposers; lane++) issue(lane, 0);
        });
        long waitNanos = warmupNanos + durationNanos + TimeUnit.SECONDS.toNanos(70);
        boolean drained = lanesDone.await(waitNanos, TimeUnit.NANOSECONDS);
        Result[] result = new Result[1];
        completions.submit(() -> {
            result[0] = new Result(commits, errors, durationNanos / 1e9, latency.copy(),
                    drained ? firstError : "lanes did not drain; " + firstError);
        });
        completions.shutdown();
        completions.awaitTermination(10, TimeUnit.SECONDS);
        return result[0];
    }

    private void issue(int lane, long sequence) {
        long start = System.nanoTime();
        if (start >= measureEndNanos) {
            lanesDone.countDown();
            return;
        }
        byte[] key = keyOrder == KeyOrder.SCATTERED ? key(lane, sequence) : ascendingKey(ascending++, ranges);
        try {
            writer.put(key, value).whenCompleteAsync((ok, error) -> next(lane, sequence, start, error), completions);
        } catch (RuntimeException e) {
            completions.execute(() -> next(lane, sequence, start, e));
        }
    }

    /**
     * A unique key whose first two bytes are spread evenly over the user span [0x0400, 0xffff), so
     * that with {@code --initial-ranges N} (split at evenly spaced 2-byte keys) every range gets
     * its share of the writes.
     */
    static byte[] key(int lane, long sequence) {
        long h = spread((((long) lane) << 40) ^ sequence);
        int first = USER_SPAN_FIRST;
        int slot = first + (int) Long.remainderUnsigned(h, USER_SPAN_LAST - first + 1);
        byte[] suffix = ("bench-" + lane + "-" + sequence).getBytes(StandardCharsets.UTF_8);
        byte[] key = new byte[2 + suffix.length];
        key[0] = (byte) (slot >>> 8);
        key[1] = (byte) slot;
        System.arraycopy(suffix, 0, key, 2, suffix.length);
        return key;
    }

    /**
     * The n-th ASCENDING key: the first 2-byte key of one of {@code ranges} evenly split ranges
     * (as bootstrap splits them, chosen evenly), then n big-endian, so within each range every
     * key is above the ones before it.
     */
    static byte[] ascendingKey(long n, int ranges) {
        int range = (int) Long.remainderUnsigned(spread(n), ranges);
        int slot = USER_SPAN_FIRST + (int) ((long) (0xffff - USER_SPAN_FIRST) * range / ranges);
        byte[] key = new byte[10];
        key[0] = (byte) (slot >>> 8);
        key[1] = (byte) slot;
        for (int i = 0; i < 8; i++) key[2 + i] = (byte) (n >>> (56 - 8 * i));
        return key;
    }

    /** SplitMix64's finalizer: a cheap, even spread of consecutive inputs. */
    private static long spread(long h) {
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    /** First and last 2-byte prefixes of user keys: from Keys.USER_START (0x04) to just below KEY_MAX (0xffff). */
    private static final int USER_SPAN_FIRST = 0x0400;
    private static final int USER_SPAN_LAST = 0xfffe;

    private void next(int lane, long sequence, long startNanos, Throwable error) {
        complete(startNanos, error);
        if (error == null) {
            issue(lane, sequence + 1);
        } else {
            completions.schedule(() -> issue(lane, sequence + 1), ERROR_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void complete(long startNanos, Throwable error) {
        long end = System.nanoTime();
        boolean counted = end >= measureStartNanos && end < measureEndNanos;
        if (error != null) {
            if (counted) errors++;
            if (firstError == null) firstError = error.toString();
            return;
        }
        if (!counted) return;
        commits++;
        latency.recordValue(Math.min(end - startNanos, MAX_TRACKED_LATENCY_NANOS));
    }
}
