package io.conclave.bench.ycsb;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * Latencies of one run: one HdrHistogram {@link Recorder} per operation type (recorders let
 * worker threads record without locks while a sampler takes interval histograms), a second set
 * for failed operations, error counts by kind, and counts by kind of the failed attempts that
 * were run again. Values are microseconds.
 *
 * <p>The latency recorded is {@code end - intendedStart}: with a target rate the intended start is
 * the op's slot in the schedule, so an op that waited behind a slow one is charged for the wait
 * (no coordinated omission); without a target it is the actual start. The service time
 * ({@code end - actualStart}) is kept beside it for comparison.
 */
final class Measurements {
    /** Highest latency tracked: longer ones are clamped to it and still counted. */
    static final long MAX_LATENCY_MICROS = 3_600_000_000L;
    static final int SIGNIFICANT_DIGITS = 3;

    private final Map<String, Recorder> latency = new ConcurrentHashMap<>();
    private final Map<String, Recorder> service = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> retries = new ConcurrentHashMap<>();
    /** Owned by the sampling thread (the one calling {@link #sample}). */
    private final Map<String, Histogram> totals = new TreeMap<>();
    private final Map<String, Histogram> serviceTotals = new TreeMap<>();
    private final List<Interval> intervals = new ArrayList<>();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final HistogramLogWriter log;
    private double lastSampleSeconds;

    Measurements(long startWallMillis) {
        log = new HistogramLogWriter(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
        log.outputComment("Conclave bench ycsb: latency in microseconds, tagged by operation; FAILED tags are errors");
        log.outputStartTime(startWallMillis);
        log.setBaseTime(startWallMillis);
        log.outputLegend();
    }

    /** Records one finished operation (from any thread). */
    void record(String label, boolean ok, String errorKind, long intendedStartNanos, long startNanos, long endNanos) {
        String key = ok ? label : label + "-FAILED";
        recorder(latency, key).recordValue(clamp((endNanos - intendedStartNanos) / 1000));
        recorder(service, key).recordValue(clamp((endNanos - startNanos) / 1000));
        if (!ok) errors.computeIfAbsent(label + ": " + errorKind, k -> new LongAdder()).increment();
    }

    /** Counts one failed attempt of an operation that then ran again (from any thread). */
    void retried(String label, String kind) {
        retries.computeIfAbsent(label + ": " + kind, k -> new LongAdder()).increment();
    }

    private static Recorder recorder(Map<String, Recorder> map, String key) {
        Recorder r = map.get(key);
        return r != null ? r : map.computeIfAbsent(key, k -> new Recorder(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS));
    }

    private static long clamp(long micros) {
        return Math.max(0, Math.min(micros, MAX_LATENCY_MICROS));
    }

    /**
     * Closes the interval ending {@code nowSeconds} after the start of the measured window: adds
     * each recorder's interval histogram to the totals and the interval log. Called by one thread.
     */
    synchronized Interval sample(double nowSeconds) {
        Map<String, Long> counts = new TreeMap<>();
        for (Map.Entry<String, Recorder> e : latency.entrySet()) {
            Histogram h = e.getValue().getIntervalHistogram();
            if (h.getTotalCount() == 0) continue;
            counts.put(e.getKey(), h.getTotalCount());
            h.setTag(e.getKey());
            log.outputIntervalHistogram(lastSampleSeconds, nowSeconds, h, 1.0);
            totals.computeIfAbsent(e.getKey(), k -> new Histogram(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS)).add(h);
        }
        for (Map.Entry<String, Recorder> e : service.entrySet()) {
            Histogram h = e.getValue().getIntervalHistogram();
            serviceTotals.computeIfAbsent(e.getKey(), k -> new Histogram(MAX_LATENCY_MICROS, SIGNIFICANT_DIGITS)).add(h);
        }
        Interval interval = new Interval(lastSampleSeconds, nowSeconds, counts);
        intervals.add(interval);
        lastSampleSeconds = nowSeconds;
        return interval;
    }

    /** Cumulative latency per operation label, as of the last sample. */
    synchronized Map<String, Histogram> totals() {
        Map<String, Histogram> copy = new TreeMap<>();
        totals.forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }

    synchronized Map<String, Histogram> serviceTotals() {
        Map<String, Histogram> copy = new TreeMap<>();
        serviceTotals.forEach((k, v) -> copy.put(k, v.copy()));
        return copy;
    }

    synchronized List<Interval> intervals() {
        return List.copyOf(intervals);
    }

    Map<String, Long> errors() {
        return sums(errors);
    }

    long errorCount() {
        return total(errors);
    }

    Map<String, Long> retries() {
        return sums(retries);
    }

    long retryCount() {
        return total(retries);
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> copy = new TreeMap<>();
        counters.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    private static long total(Map<String, LongAdder> counters) {
        long n = 0;
        for (LongAdder a : counters.values()) n += a.sum();
        return n;
    }

    synchronized String intervalLog() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }
}
