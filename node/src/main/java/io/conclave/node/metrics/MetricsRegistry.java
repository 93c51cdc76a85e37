package io.conclave.node.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A set of metric families and their Prometheus text rendering. Families are registered once,
 * by name, with their help text; registering a name twice is a bug and throws. Counters end in
 * {@code _total} and histograms in {@code _seconds}, as Prometheus's naming rules ask.
 *
 * <p>Values that live elsewhere (a scheduler's counters, a store's size, the JVM's memory) are
 * registered as suppliers read at scrape time. A supplier that throws (say, a store closing)
 * leaves its family without samples in that scrape instead of failing the whole page.
 */
public final class MetricsRegistry {
    private static final Logger LOG = Logger.getLogger(MetricsRegistry.class.getName());

    private interface Family {
        void write(Exposition out);
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** A new counter registered as {@code name}. */
    public Counter counter(String name, String help) {
        Counter c = new Counter();
        counter(name, help, c::get);
        return c;
    }

    /** A counter whose value is kept elsewhere and read at scrape time. */
    public void counter(String name, String help, LongSupplier value) {
        checkSuffix(name, "_total", "counter");
        register(name, out -> {
            out.header(name, help, "counter");
            out.sample(name, List.of(), value.getAsLong());
        });
    }

    public void counter(String name, String help, LabeledCounter counter) {
        checkSuffix(name, "_total", "counter");
        register(name, out -> {
            out.header(name, help, "counter");
            counter.values().forEach((k, v) -> out.sample(name, List.of(counter.labelName(), k), v));
        });
    }

    /** Counters told apart by one label whose values are kept elsewhere (a JVM's collectors). */
    public void counters(String name, String help, String labelName, Supplier<Map<String, ? extends Number>> values) {
        checkSuffix(name, "_total", "counter");
        Exposition.checkLabelName(labelName);
        register(name, out -> {
            out.header(name, help, "counter");
            values.get().forEach((k, v) -> writeNumber(out, name, List.of(labelName, k), v));
        });
    }

    /**
     * A summary without quantiles (Prometheus allows one): a count and a sum of seconds kept
     * elsewhere, e.g. a store's commits and their total fsync time.
     */
    public void summary(String name, String help, LongSupplier count, DoubleSupplier sumSeconds) {
        checkSuffix(name, "_seconds", "summary");
        register(name, out -> {
            long n = count.getAsLong();
            double sum = sumSeconds.getAsDouble();
            out.header(name, help, "summary");
            out.sample(name + "_sum", List.of(), sum);
            out.sample(name + "_count", List.of(), n);
        });
    }

    private static void writeNumber(Exposition out, String name, List<String> labels, Number v) {
        if (v instanceof Long || v instanceof Integer) out.sample(name, labels, v.longValue());
        else out.sample(name, labels, v.doubleValue());
    }

    /** A histogram of durations, exposed in seconds with {@code _bucket}, {@code _sum} and {@code _count}. */
    public void histogram(String name, String help, Histogram histogram) {
        checkSuffix(name, "_seconds", "histogram");
        register(name, out -> {
            Histogram.Snapshot s = histogram.snapshot();
            out.header(name, help, "histogram");
            for (int i = 0; i < s.boundsSeconds().length; i++) {
                out.sample(name + "_bucket", List.of("le", Exposition.format(s.boundsSeconds()[i])), s.cumulative()[i]);
            }
            out.sample(name + "_bucket", List.of("le", "+Inf"), s.count());
            out.sample(name + "_sum", List.of(), s.sumNanos() / 1e9);
            out.sample(name + "_count", List.of(), s.count());
        });
    }

    public void gauge(String name, String help, DoubleSupplier value) {
        register(name, out -> {
            out.header(name, help, "gauge");
            out.sample(name, List.of(), value.getAsDouble());
        });
    }

    /** Gauges told apart by one label, e.g. a clock offset per peer; the map is read at scrape time. */
    public void gauges(String name, String help, String labelName, Supplier<Map<String, ? extends Number>> values) {
        Exposition.checkLabelName(labelName);
        register(name, out -> {
            out.header(name, help, "gauge");
            values.get().forEach((k, v) -> writeNumber(out, name, List.of(labelName, k), v));
        });
    }

    private synchronized void register(String name, Family family) {
        Exposition.checkMetricName(name);
        if (families.containsKey(name)) throw new IllegalArgumentException("metric " + name + " is registered twice");
        families.put(name, family);
    }

    private static void checkSuffix(String name, String suffix, String kind) {
        if (name == null || !name.endsWith(suffix)) {
            throw new IllegalArgumentException("a " + kind + "'s name ends in " + suffix + ": " + name);
        }
    }

    /** The registered names, in registration order. */
    public synchronized List<String> names() {
        return new ArrayList<>(families.keySet());
    }

    /** Every family in the text exposition format, in registration order. */
    public String scrape() {
        List<Map.Entry<String, Family>> all;
        synchronized (this) {
            all = new ArrayList<>(families.entrySet());
        }
        Exposition out = new Exposition();
        for (Map.Entry<String, Family> f : all) {
            Exposition one = new Exposition();
            try {
                f.getValue().write(one);
            } catch (RuntimeException e) {
                LOG.fine(() -> "metric " + f.getKey() + " left out of this scrape: " + e);
                continue;
            }
            out.append(one);
        }
        return out.text();
    }

    /** The Content-Type of {@link #scrape}'s text. */
    public static String contentType() {
        return Exposition.CONTENT_TYPE;
    }
}
