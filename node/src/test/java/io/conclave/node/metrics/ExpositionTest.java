package io.conclave.node.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus text format as a scraper reads it: line grammar, escaping, histograms, names. */
public class ExpositionTest {
    /** A sample line: name, optional labels with escaped values, and a Go-parsable float. */
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? "
                    + "(NaN|[+-]Inf|-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?)");

    @Test
    void countersGaugesAndEscapes() {
        MetricsRegistry r = new MetricsRegistry();
        Counter c = r.counter("test_things_total", "Things.\nOn two lines, with a \\ backslash.");
        c.add(41);
        c.increment();
        LabeledCounter byReason = new LabeledCounter("reason");
        byReason.increment("quote \" back\\slash\nnewline");
        byReason.increment("plain");
        byReason.increment("plain");
        r.counter("test_reasons_total", "By reason.", byReason);
        r.gauge("test_ratio", "A ratio.", () -> 0.25);
        r.gauge("test_nan", "Not a number.", () -> Double.NaN);
        r.gauge("test_inf", "Infinite.", () -> Double.NEGATIVE_INFINITY);
        r.gauge("test_big", "Beyond a double's exact integers.", () -> 1e20);
        String text = r.scrape();

        assertEquals("""
                # HELP test_things_total Things.\\nOn two lines, with a \\\\ backslash.
                # TYPE test_things_total counter
                test_things_total 42
                # HELP test_reasons_total By reason.
                # TYPE test_reasons_total counter
                test_reasons_total{reason="plain"} 2
                test_reasons_total{reason="quote \\" back\\\\slash\\nnewline"} 1
                # HELP test_ratio A ratio.
                # TYPE test_ratio gauge
                test_ratio 0.25
                # HELP test_nan Not a number.
                # TYPE test_nan gauge
                test_nan NaN
                # HELP test_inf Infinite.
                # TYPE test_inf gauge
                test_inf -Inf
                # HELP test_big Beyond a double's exact integers.
                # TYPE test_big gauge
                test_big 100000000000000000000
                """, text);
        assertEveryLineParses(text);
    }

    @Test
    void histogramBucketsAreCumulativeAndEndInInf() {
        MetricsRegistry r = new MetricsRegistry();
        Histogram h = new Histogram(new double[] {0.001, 0.01, 0.1});
        h.recordNanos(500_000);      // 0.5 ms
        h.recordNanos(1_000_000);    // exactly on the first bound: in it (le is "less or equal")
        h.recordNanos(50_000_000);   // 50 ms
        h.recordNanos(2_000_000_000); // above every bound
        h.recordNanos(-5);           // a clock that stepped back counts as zero
        r.histogram("test_latency_seconds", "Latency.", h);
        String text = r.scrape();
        assertEquals("""
                # HELP test_latency_seconds Latency.
                # TYPE test_latency_seconds histogram
                test_latency_seconds_bucket{le="0.001"} 3
                test_latency_seconds_bucket{le="0.01"} 3
                test_latency_seconds_bucket{le="0.1"} 4
                test_latency_seconds_bucket{le="+Inf"} 5
                test_latency_seconds_sum 2.0515
                test_latency_seconds_count 5
                """, text);
        assertEveryLineParses(text);
    }

    @Test
    void quantilesInterpolateInsideTheirBucket() {
        Histogram h = new Histogram(new double[] {0.01, 0.02});
        for (int i = 0; i < 100; i++) h.recordNanos(15_000_000); // all in (10 ms, 20 ms]
        Histogram.Snapshot s = h.snapshot();
        assertEquals(0.0199, s.quantileSeconds(0.99), 1e-9);
        assertEquals(0.015, s.quantileSeconds(0.5), 1e-9);
        Histogram.Snapshot none = s.minus(s);
        assertEquals(0, none.count());
        assertTrue(Double.isNaN(none.quantileSeconds(0.99)));
        h.recordNanos(5_000_000_000L); // above the last bound: the estimate stops there
        assertEquals(0.02, h.snapshot().minus(s).quantileSeconds(0.99), 1e-9);
    }

    @Test
    void summariesAndLabeledSuppliers() {
        MetricsRegistry r = new MetricsRegistry();
        r.summary("test_fsync_seconds", "Fsync.", () -> 3, () -> 0.006);
        r.gauges("test_offset_seconds", "Offsets.", "peer", () -> Map.of("2", -0.5));
        r.counters("test_gc_total", "GCs.", "collector", () -> Map.of("G1 Young", 7L));
        String text = r.scrape();
        assertTrue(text.contains("test_fsync_seconds_sum 0.006\ntest_fsync_seconds_count 3\n"), text);
        assertTrue(text.contains("test_offset_seconds{peer=\"2\"} -0.5\n"), text);
        assertTrue(text.contains("test_gc_total{collector=\"G1 Young\"} 7\n"), text);
        assertEveryLineParses(text);
    }

    @Test
    void aFailingSupplierLeavesOnlyItsFamilyOut() {
        MetricsRegistry r = new MetricsRegistry();
        r.gauge("test_broken", "Broken.", () -> {
            throw new IllegalStateException("store closed");
        });
        r.gauge("test_fine", "Fine.", () -> 1);
        assertEquals("# HELP test_fine Fine.\n# TYPE test_fine gauge\ntest_fine 1\n", r.scrape());
    }

    @Test
    void badNamesAndDuplicatesAreRefused() {
        MetricsRegistry r = new MetricsRegistry();
        assertThrows(IllegalArgumentException.class, () -> r.gauge("1starts_with_digit", "x", () -> 0));
        assertThrows(IllegalArgumentException.class, () -> r.gauge("has-dash", "x", () -> 0));
        assertThrows(IllegalArgumentException.class, () -> r.counter("no_suffix", "x"));
        assertThrows(IllegalArgumentException.class, () -> r.histogram("test_latency", "x", Histogram.latency()));
        assertThrows(IllegalArgumentException.class, () -> new LabeledCounter("__reserved"));
        assertThrows(IllegalArgumentException.class, () -> new LabeledCounter("le"));
        assertThrows(IllegalArgumentException.class, () -> new Histogram(new double[] {0.1, 0.1}));
        r.counter("test_once_total", "x");
        assertThrows(IllegalArgumentException.class, () -> r.counter("test_once_total", "x"));
        assertThrows(IllegalArgumentException.class, () -> new Counter().add(-1));
    }

    @Test
    void labelValuesAreBounded() {
        LabeledCounter c = new LabeledCounter("op");
        for (int i = 0; i < LabeledCounter.MAX_VALUES + 10; i++) c.increment("v" + i);
        assertEquals(LabeledCounter.MAX_VALUES + 1, c.values().size());
        assertEquals(10, c.values().get(LabeledCounter.OVERFLOW));
        assertEquals(LabeledCounter.MAX_VALUES + 10, c.total());
    }

    public static void assertEveryLineParses(String text) {
        assertTrue(text.endsWith("\n"), "the exposition ends with a newline");
        for (String line : List.of(text.split("\n"))) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) continue;
            assertTrue(SAMPLE.matcher(line).matches(), "not a valid sample line: " + line);
        }
    }
}
