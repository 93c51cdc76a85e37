package io.conclave.node.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram with fixed bucket bounds, exposed as a Prometheus histogram in seconds.
 * Recording is a binary search and two adds, safe from any thread. Fixed buckets (rather than
 * HdrHistogram's) because they are what Prometheus aggregates across nodes and over time;
 * {@link Snapshot#quantileSeconds} estimates a quantile from them the way Prometheus's
 * {@code histogram_quantile} does.
 */
public final class Histogram {
    /** From 100 µs to 10 s: a statement on one node up to a commit stuck behind a lost leaseholder. */
    public static final double[] LATENCY_SECONDS = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final double[] boundsSeconds;
    private final long[] boundsNanos;
    // counts[i]: observations in (bound[i-1], bound[i]]; the last slot is above every bound.
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    public Histogram(double[] boundsSeconds) {
        if (boundsSeconds.length == 0) throw new IllegalArgumentException("a histogram needs at least one bucket bound");
        this.boundsSeconds = boundsSeconds.clone();
        this.boundsNanos = new long[boundsSeconds.length];
        for (int i = 0; i < boundsSeconds.length; i++) {
            double b = boundsSeconds[i];
            if (!(b > 0) || Double.isInfinite(b) || i > 0 && !(b > boundsSeconds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must be positive, finite and increasing: "
                        + Arrays.toString(boundsSeconds));
            }
            boundsNanos[i] = Math.round(b * 1e9);
        }
        this.counts = new LongAdder[boundsSeconds.length + 1];
        for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    /** The usual latency histogram ({@link #LATENCY_SECONDS}). */
    public static Histogram latency() {
        return new Histogram(LATENCY_SECONDS);
    }

    /** Records one observation; a negative one (a clock that stepped) counts as zero. */
    public void recordNanos(long nanos) {
        long n = Math.max(0, nanos);
        int i = Arrays.binarySearch(boundsNanos, n);
        counts[i >= 0 ? i : -i - 1].increment();
        sumNanos.add(n);
    }

    public Snapshot snapshot() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < counts.length; i++) {
            running += counts[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(boundsSeconds, cumulative, sumNanos.sum());
    }

    /**
     * Counts at one moment. The counts are read one bucket at a time while others record, so
     * {@code sum} may lag the counts by the observations in flight: harmless for a scrape.
     *
     * @param cumulative observations at or below each bound, the last entry being the total
     */
    public record Snapshot(double[] boundsSeconds, long[] cumulative, long sumNanos) {
        public long count() {
            return cumulative[cumulative.length - 1];
        }

        /** What was recorded between {@code earlier} and this snapshot. */
        public Snapshot minus(Snapshot earlier) {
            long[] d = new long[cumulative.length];
            for (int i = 0; i < d.length; i++) d[i] = Math.max(0, cumulative[i] - earlier.cumulative[i]);
            for (int i = 1; i < d.length; i++) d[i] = Math.max(d[i], d[i - 1]); // stays cumulative
            return new Snapshot(boundsSeconds, d, Math.max(0, sumNanos - earlier.sumNanos));
        }

        /**
         * The {@code q}-quantile in seconds, interpolated linearly inside its bucket (the first
         * bucket from zero); NaN when empty. Above the last bound it answers the last bound, as
         * Prometheus does: the histogram cannot tell more.
         */
        public double quantileSeconds(double q) {
            if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("a quantile is in [0, 1], was " + q);
            long total = count();
            if (total == 0) return Double.NaN;
            double rank = q * total;
            for (int i = 0; i < boundsSeconds.length; i++) {
                if (cumulative[i] >= rank) {
                    long below = i == 0 ? 0 : cumulative[i - 1];
                    double lower = i == 0 ? 0 : boundsSeconds[i - 1];
                    long inBucket = cumulative[i] - below;
                    if (inBucket == 0) return lower;
                    return lower + (boundsSeconds[i] - lower) * (rank - below) / inBucket;
                }
            }
            return boundsSeconds[boundsSeconds.length - 1];
        }
    }
}
