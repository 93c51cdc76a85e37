package io.conclave.bench.ycsb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The result files of a run: {@code summary.txt}, {@code summary.json}, {@code latency.hlog} (an
 * HdrHistogram interval log, readable by HistogramLogProcessor and HdrHistogram's plotters) and
 * {@code report.html}, which is self-contained: inline SVG charts and inline CSS, no script and no
 * external URL, so it opens offline and can be mailed as one file.
 */
public final class Report {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

    private Report() {}

    /** Writes the four files into {@code dir} (created if needed); {@code load} may be null. */
    public static void write(Path dir, LoadResult load, RunResult run) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("summary.txt"), text(load, run), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("summary.json"), json(load, run), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("latency.hlog"), run.intervalLog(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), html(load, run), StandardCharsets.UTF_8);
    }

    /** The summary as people read it; also what the command prints at the end. */
    public static String text(LoadResult load, RunResult run) {
        StringBuilder b = new StringBuilder();
        b.append("workload: ").append(run.workload()).append('\n');
        b.append("target:   ").append(run.target()).append('\n');
        b.append(String.format(Locale.ROOT, "run:      %d threads, %s, seed %d, %s%n", run.settings().threads(),
                run.settings().throttled() ? "target " + (long) run.settings().targetOpsPerSecond() + " ops/s"
                        : "unthrottled", run.settings().seed(), run.corrected()
                        ? "latency from each operation's intended start (corrected for coordinated omission)"
                        : "latency from each operation's actual start"));
        if (load != null) {
            b.append(String.format(Locale.ROOT, "load:     %,d records in %.1f s (%,.0f records/s), batches of %d,"
                            + " batch p50 %.2f ms p99 %.2f ms, errors %,d%n", load.records(), load.seconds(),
                    load.recordsPerSecond(), load.batchSize(), load.batchLatency().p50Micros() / 1000.0,
                    load.batchLatency().p99Micros() / 1000.0, load.errorCount()));
        }
        b.append(String.format(Locale.ROOT, "measured: %.1f s after %,d warm-up operations; %,d operations, %,.0f ops/s,"
                + " errors %,d, retries %,d (up to %d per operation)%n", run.measuredSeconds(), run.warmupOperations(),
                run.total().count(), run.total().opsPerSecond(), run.errorCount(), run.retryCount(),
                run.settings().retries()));
        b.append(String.format(Locale.ROOT, "%-22s %10s %10s %9s %9s %9s %9s %9s%n", "operation", "count", "ops/s",
                "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms"));
        for (OpSummary o : rows(run)) {
            b.append(String.format(Locale.ROOT, "%-22s %,10d %,10.0f %9.2f %9.2f %9.2f %9.2f %9.2f%n", o.label(),
                    o.count(), o.opsPerSecond(), ms(o.p50Micros()), ms(o.p95Micros()), ms(o.p99Micros()),
                    ms(o.p999Micros()), ms(o.maxMicros())));
        }
        run.errors().forEach((kind, n) -> b.append(String.format(Locale.ROOT, "error %s: %,d%n", kind, n)));
        run.retries().forEach((kind, n) -> b.append(String.format(Locale.ROOT, "retried after %s: %,d%n", kind, n)));
        if (load != null) load.errors().forEach((kind, n) -> b.append(String.format(Locale.ROOT, "load error %s: %,d%n",
                kind, n)));
        return b.toString();
    }

    private static List<OpSummary> rows(RunResult run) {
        List<OpSummary> rows = new ArrayList<>(run.operations());
        rows.add(run.total());
        return rows;
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    public static String json(LoadResult load, RunResult run) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"workload\": ").append(quote(run.workload())).append(",\n");
        b.append("  \"target\": ").append(quote(run.target())).append(",\n");
        b.append("  \"start\": ").append(quote(Instant.ofEpochMilli(run.startWallMillis()).toString())).append(",\n");
        RunSettings s = run.settings();
        b.append(String.format(Locale.ROOT, "  \"threads\": %d,%n  \"targetOpsPerSecond\": %s,%n  \"seed\": %d,%n"
                        + "  \"correctedForCoordinatedOmission\": %s,%n  \"measuredSeconds\": %.3f,%n"
                        + "  \"warmupOperations\": %d,%n  \"retryLimit\": %d,%n", s.threads(), num(s.targetOpsPerSecond()),
                s.seed(), run.corrected(), run.measuredSeconds(), run.warmupOperations(), s.retries()));
        if (load != null) {
            b.append(String.format(Locale.ROOT, "  \"load\": {\"records\": %d, \"seconds\": %.3f, \"recordsPerSecond\": %s,"
                            + " \"batchSize\": %d, \"batchP50Micros\": %d, \"batchP99Micros\": %d, \"errors\": %s},%n",
                    load.records(), load.seconds(), num(load.recordsPerSecond()), load.batchSize(),
                    load.batchLatency().p50Micros(), load.batchLatency().p99Micros(), map(load.errors())));
        }
        b.append("  \"operations\": [\n");
        List<OpSummary> rows = rows(run);
        for (int i = 0; i < rows.size(); i++) {
            OpSummary o = rows.get(i);
            b.append(String.format(Locale.ROOT, "    {\"operation\": %s, \"count\": %d, \"opsPerSecond\": %s,"
                            + " \"meanMicros\": %s, \"p50Micros\": %d, \"p95Micros\": %d, \"p99Micros\": %d,"
                            + " \"p999Micros\": %d, \"maxMicros\": %d}%s%n", quote(o.label()), o.count(),
                    num(o.opsPerSecond()), num(o.meanMicros()), o.p50Micros(), o.p95Micros(), o.p99Micros(),
                    o.p999Micros(), o.maxMicros(), i + 1 < rows.size() ? "," : ""));
        }
        b.append("  ],\n  \"errors\": ").append(map(run.errors()));
        b.append(",\n  \"retries\": ").append(map(run.retries())).append("\n}\n");
        return b.toString();
    }

    private static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
    }

    private static String map(Map<String, Long> m) {
        StringBuilder b = new StringBuilder("{");
        m.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(quote(k)).append(": ").append(v));
        return b.append('}').toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    public static String html(LoadResult load, RunResult run) {
        String template;
        try (InputStream in = Report.class.getResourceAsStream("report.html")) {
            Checks.check(in != null, "report.html template missing from the class path");
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the report template", e);
        }
        String title = "Conclave bench ycsb: " + run.workload();
        return template.replace("{{TITLE}}", escape(title))
                .replace("{{DESCRIPTION}}", escape(run.target() + ", " + run.settings().threads() + " threads, "
                        + String.format(Locale.ROOT, "%.0f s measured, %,.0f ops/s", run.measuredSeconds(),
                        run.total().opsPerSecond())))
                .replace("{{SUMMARY_TABLE}}", summaryTable(run))
                .replace("{{LATENCY_NOTE}}", run.corrected()
                        ? "measured from each operation's intended start (corrected for coordinated omission)."
                        : "measured from each operation's actual start (no target rate was set).")
                .replace("{{LATENCY_SVG}}", percentileChart(run.histograms()))
                .replace("{{THROUGHPUT_SVG}}", throughputChart(run.intervals()))
                .replace("{{DETAILS}}", escape(text(load, run)));
    }

    private static String summaryTable(RunResult run) {
        StringBuilder b = new StringBuilder("<table><tr><th>operation</th><th>count</th><th>ops/s</th><th>p50 ms</th>"
                + "<th>p95 ms</th><th>p99 ms</th><th>p99.9 ms</th><th>max ms</th></tr>\n");
        for (OpSummary o : rows(run)) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%,d</td><td>%,.0f</td><td>%.2f</td><td>%.2f</td>"
                            + "<td>%.2f</td><td>%.2f</td><td>%.2f</td></tr>%n", escape(o.label()), o.count(),
                    o.opsPerSecond(), ms(o.p50Micros()), ms(o.p95Micros()), ms(o.p99Micros()), ms(o.p999Micros()),
                    ms(o.maxMicros())));
        }
        return b.append("</table>").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final int WIDTH = 900;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 160;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    /**
     * Latency against percentile on the usual HdrHistogram axes: x is {@code log10(1 / (1 - p))},
     * so 90%, 99%, 99.9% and 99.99% are equally spaced and the tail gets the room it deserves;
     * y is logarithmic (decades of milliseconds), so a sub-millisecond median and a slow tail both show.
     */
    static String percentileChart(Map<String, Histogram> histograms) {
        double maxX = 5; // up to 99.999%
        double minY = Double.MAX_VALUE;
        double maxY = 0;
        Map<String, List<double[]>> series = new TreeMap<>();
        for (Map.Entry<String, Histogram> e : histograms.entrySet()) {
            if (e.getValue().getTotalCount() == 0) continue;
            List<double[]> pts = new ArrayList<>();
            for (HistogramIterationValue v : e.getValue().percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                double x = p >= 1 ? maxX : Math.min(maxX, Math.log10(1 / (1 - p)));
                double y = Math.max(0.001, v.getValueIteratedTo() / 1000.0);
                pts.add(new double[] {x, y});
                minY = Math.min(minY, y);
                maxY = Math.max(maxY, y);
                if (p >= 1) break;
            }
            series.put(e.getKey(), pts);
        }
        if (series.isEmpty()) {
            minY = 0.1;
            maxY = 1;
        }
        double lowDecade = Math.floor(Math.log10(minY));
        double decades = Math.max(1, Math.ceil(Math.log10(maxY)) - lowDecade);
        for (List<double[]> pts : series.values()) {
            for (double[] pt : pts) pt[1] = (Math.log10(pt[1]) - lowDecade) / decades; // 0..1 of the plot height
        }
        List<String> xTicks = List.of("0%", "90%", "99%", "99.9%", "99.99%", "99.999%");
        int yTicks = (int) decades;
        return chart(series, maxX, 1, i -> i < xTicks.size() ? xTicks.get(i) : "", 5,
                i -> fmt(Math.pow(10, lowDecade + i)) + (i == yTicks ? " ms" : ""), yTicks);
    }

    /** Operations per second per interval, one line per operation and one for all together. */
    static String throughputChart(List<Interval> intervals) {
        Map<String, List<double[]>> series = new TreeMap<>();
        double maxX = 0;
        double maxY = 0;
        TreeSet<String> labels = new TreeSet<>();
        intervals.forEach(i -> labels.addAll(i.counts().keySet()));
        labels.add("TOTAL");
        for (String label : labels) series.put(label, new ArrayList<>());
        for (Interval i : intervals) {
            double span = i.endSeconds() - i.startSeconds();
            if (span <= 0) continue;
            long total = 0;
            for (String label : labels) {
                if (label.equals("TOTAL")) continue;
                long n = i.counts().getOrDefault(label, 0L);
                total += n;
                series.get(label).add(new double[] {i.endSeconds(), n / span});
            }
            series.get("TOTAL").add(new double[] {i.endSeconds(), total / span});
            maxX = Math.max(maxX, i.endSeconds());
            maxY = Math.max(maxY, total / span);
        }
        double xMax = niceCeiling(Math.max(1, maxX));
        double yMax = niceCeiling(maxY);
        return chart(series, xMax, yMax, i -> String.format(Locale.ROOT, "%.0f s", xMax * i / 5), 5,
                i -> fmt(yMax * i / 5) + (i == 5 ? " ops/s" : ""), 5);
    }

    private static double niceCeiling(double v) {
        if (v <= 0) return 1;
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * mag >= v) return step * mag;
        }
        return 10 * mag;
    }

    private static String chart(Map<String, List<double[]>> series, double maxX, double maxY,
            IntFunction<String> xTick, int xTicks, IntFunction<String> yTick, int yTicks) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        for (int i = 0; i <= yTicks; i++) {
            double y = TOP + plotH - plotH * i / (double) yTicks;
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                            + "<text class=\"label\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, y,
                    LEFT + plotW, y, LEFT - 6, y + 4, escape(yTick.apply(i))));
        }
        for (int i = 0; i <= xTicks; i++) {
            double x = LEFT + plotW * i / (double) xTicks;
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                            + "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, TOP, x,
                    TOP + plotH, x, TOP + plotH + 16, escape(xTick.apply(i))));
        }
        b.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>%n", LEFT, TOP + plotH, LEFT + plotW,
                TOP + plotH, LEFT, TOP, LEFT, TOP + plotH));
        int c = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            String color = COLORS[c % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : e.getValue()) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + plotW * Math.min(1, p[0] / maxX),
                        TOP + plotH - plotH * Math.min(1, p[1] / maxY)));
            }
            b.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>"
                            + "<text class=\"label\" x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n", color, pts.toString().trim(),
                    LEFT + plotW + 10, TOP + 14 + 16 * c, color, escape(e.getKey())));
            c++;
        }
        return b.append("</svg>").toString();
    }

    private static String fmt(double v) {
        if (v >= 100 || v == 0) return String.format(Locale.ROOT, "%,.0f", v);
        return v >= 1 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.3f", v);
    }
}
