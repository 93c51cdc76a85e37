package io.conclave.range.allocator;

import io.conclave.range.Keys;
import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * One replica's request load: a request rate over about a minute, and a key that would divide
 * that load between two ranges (CockroachDB's unweighted load-based splitter).
 *
 * <p><b>Rate.</b> Requests are counted in {@link #BUCKETS} buckets of {@link #BUCKET_NANOS}; the
 * rate is the count of the buckets inside the last {@link #WINDOW_NANOS} divided by the time they
 * cover (the tracker's age while it is younger than the window), so a burst shows at once and a
 * steady rate is exact.
 *
 * <p><b>Split key.</b> A reservoir of {@link #SAMPLES} request keys, each with a counter of the
 * requests seen after it was sampled whose key was below it (left) and at or above it (right).
 * Reservoir sampling keeps every request equally likely to be a candidate, so hot keys are
 * likely candidates and each candidate's counters estimate how load divides at that key. A
 * candidate qualifies once it counted {@link #MIN_COUNTED} requests and neither side has less
 * than a quarter; the best balanced one wins. The reservoir restarts every
 * {@link #SAMPLE_WINDOW_NANOS} so that it follows a changing workload (and the narrower span
 * after a split) instead of averaging over all history; a key is offered only after
 * {@link #MIN_SAMPLE_NANOS} of sampling, so that a short burst does not split a range.
 *
 * <p>Hazards: a key that is hot alone (one key taking most requests) never qualifies, which is
 * right: no split divides it. The key offered may lie outside the replica's current span if the
 * range split during the window; the caller checks it against the span before splitting.
 *
 * <p>Costs: {@link #record} does {@link #SAMPLES} key comparisons and allocates only when it
 * samples a key (a copy, since callers may reuse their arrays). Methods are synchronized (one
 * uncontended lock) so that a status reader on another thread sees consistent numbers; time is
 * passed in and must not go backwards by more than noise (a backwards step is clamped).
 */
public final class LoadTracker {
    /** Rate buckets: six of ten seconds make the one-minute window of the status's qps. */
    static final int BUCKETS = 6;
    static final long BUCKET_NANOS = 10_000_000_000L;
    static final long WINDOW_NANOS = BUCKETS * BUCKET_NANOS;
    /** Candidate keys: CockroachDB's splitKeySampleSize; enough to find a divider in skewed load. */
    static final int SAMPLES = 20;
    /** Requests a candidate must have counted before its balance means anything. */
    static final int MIN_COUNTED = 100;
    /** A split key must leave at least this share of the load on each side (25/75). */
    static final double MIN_SIDE_SHARE = 0.25;
    /** The reservoir restarts this often, so that it describes the recent workload. */
    static final long SAMPLE_WINDOW_NANOS = 60_000_000_000L;
    /** Sustained load only: no key before this much sampling in the current reservoir. */
    static final long MIN_SAMPLE_NANOS = 10_000_000_000L;

    private final SplittableRandom random;

    // Rate: counts[i] holds the requests of bucket number bucketIds[i] (time / BUCKET_NANOS).
    private final long[] counts = new long[BUCKETS];
    private final long[] bucketIds = new long[BUCKETS];
    private long firstRecordNanos = Long.MIN_VALUE;
    private long latestNanos = Long.MIN_VALUE;

    // Reservoir: sampleCount candidates in keys[0..sampleCount), with their counters.
    private final byte[][] keys = new byte[SAMPLES][];
    private final long[] left = new long[SAMPLES];
    private final long[] right = new long[SAMPLES];
    private int sampleCount;
    private long seenInReservoir;
    private long reservoirStartNanos = Long.MIN_VALUE;

    public LoadTracker(long seed) {
        this.random = new SplittableRandom(seed);
        Arrays.fill(bucketIds, -1);
    }

    /** Counts one request for {@code key} at {@code nowNanos}. */
    public synchronized void record(byte[] key, long nowNanos) {
        long now = clamp(nowNanos);
        if (firstRecordNanos == Long.MIN_VALUE) firstRecordNanos = now;
        long bucketId = Math.floorDiv(now, BUCKET_NANOS);
        int slot = (int) Math.floorMod(bucketId, (long) BUCKETS);
        if (bucketIds[slot] != bucketId) {
            bucketIds[slot] = bucketId;
            counts[slot] = 0;
        }
        counts[slot]++;
        sample(key, now);
    }

    /** Requests per second over the last minute (or the tracker's life, if shorter). */
    public synchronized double qps(long nowNanos) {
        if (firstRecordNanos == Long.MIN_VALUE) return 0;
        long now = Math.max(nowNanos, latestNanos);
        long currentBucket = Math.floorDiv(now, BUCKET_NANOS);
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketIds[i] > currentBucket - BUCKETS && bucketIds[i] <= currentBucket) total += counts[i];
        }
        // The buckets summed cover from the oldest one's start to now.
        long covered = now - (currentBucket - BUCKETS + 1) * BUCKET_NANOS;
        long age = now - firstRecordNanos;
        long divisorNanos = Math.max(Math.min(covered, age), BUCKET_NANOS / 10);
        return total * 1e9 / divisorNanos;
    }

    /**
     * A key that divides the sampled requests within 25/75 (the best balanced candidate), or
     * empty if none qualifies yet. The key is never the empty key.
     */
    public synchronized Optional<byte[]> loadSplitKey(long nowNanos) {
        long now = Math.max(nowNanos, latestNanos);
        if (reservoirStartNanos == Long.MIN_VALUE || now - reservoirStartNanos < MIN_SAMPLE_NANOS) {
            return Optional.empty();
        }
        int best = -1;
        double bestImbalance = Double.MAX_VALUE;
        for (int i = 0; i < sampleCount; i++) {
            long counted = left[i] + right[i];
            if (counted < MIN_COUNTED || keys[i].length == 0) continue;
            double leftShare = (double) left[i] / counted;
            if (leftShare < MIN_SIDE_SHARE || leftShare > 1 - MIN_SIDE_SHARE) continue;
            double imbalance = Math.abs(leftShare - 0.5);
            if (imbalance < bestImbalance) {
                best = i;
                bestImbalance = imbalance;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(keys[best].clone());
    }

    private long clamp(long nowNanos) {
        // A clock stepping back must not reopen closed buckets or make ages negative.
        latestNanos = Math.max(latestNanos, nowNanos);
        return latestNanos;
    }

    private void sample(byte[] key, long now) {
        if (reservoirStartNanos == Long.MIN_VALUE || now - reservoirStartNanos >= SAMPLE_WINDOW_NANOS) {
            restartReservoir(now);
        }
        for (int i = 0; i < sampleCount; i++) {
            if (Keys.compare(key, keys[i]) < 0) {
                left[i]++;
            } else {
                right[i]++;
            }
        }
        seenInReservoir++;
        if (sampleCount < SAMPLES) {
            put(sampleCount++, key);
        } else {
            long slot = random.nextLong(seenInReservoir);
            if (slot < SAMPLES) put((int) slot, key);
        }
    }

    private void put(int slot, byte[] key) {
        keys[slot] = key.clone();
        left[slot] = 0;
        right[slot] = 0;
    }

    private void restartReservoir(long now) {
        Arrays.fill(keys, null);
        sampleCount = 0;
        seenInReservoir = 0;
        reservoirStartNanos = now;
    }
}
