package io.conclave.node.metrics;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format (version 0.0.4): for each family a {@code # HELP}
 * and a {@code # TYPE} line, then its samples, one per line, {@code name{label="value",...} value}.
 * Escaping follows the format: in help text a backslash and a newline are escaped; in label
 * values a backslash, a double quote and a newline. Names are checked when a family is
 * registered ({@link #checkMetricName}), so a scrape never carries a line a parser would reject.
 */
final class Exposition {
    /** The Content-Type of a scrape. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out = new StringBuilder(8192);

    /** A family's header. {@code type} is counter, gauge, histogram, summary or untyped. */
    void header(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample; {@code labels} alternate names and values. */
    void sample(String name, List<String> labels, double value) {
        sampleName(name, labels);
        out.append(format(value)).append('\n');
    }

    /** One sample with an integer value, written exactly (a double would round above 2^53). */
    void sample(String name, List<String> labels, long value) {
        sampleName(name, labels);
        out.append(value).append('\n');
    }

    private void sampleName(String name, List<String> labels) {
        out.append(name);
        if (!labels.isEmpty()) {
            out.append('{');
            for (int i = 0; i < labels.size(); i += 2) {
                if (i > 0) out.append(',');
                out.append(labels.get(i)).append("=\"").append(escapeLabelValue(labels.get(i + 1))).append('"');
            }
            out.append('}');
        }
        out.append(' ');
    }

    /** Appends another writer's text: a family written apart, so a failure leaves no half of it. */
    void append(Exposition other) {
        out.append(other.out);
    }

    String text() {
        return out.toString();
    }

    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** A sample value as Go's ParseFloat reads it: NaN, +Inf, -Inf, or a plain decimal. */
    static String format(double value) {
        if (Double.isNaN(value)) return "NaN";
        if (value == Double.POSITIVE_INFINITY) return "+Inf";
        if (value == Double.NEGATIVE_INFINITY) return "-Inf";
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static String checkMetricName(String name) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric name: \"" + name + "\"");
        }
        return name;
    }

    static String checkLabelName(String name) {
        if (name == null || !LABEL_NAME.matcher(name).matches() || name.startsWith("__") || name.equals("le")) {
            throw new IllegalArgumentException("not a usable Prometheus label name: \"" + name
                    + "\" (names starting with __ and the histogram's le are reserved)");
        }
        return name;
    }
}
