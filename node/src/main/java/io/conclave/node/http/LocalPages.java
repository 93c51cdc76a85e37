package io.conclave.node.http;

import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The pages a node answers from its own memory, without asking the cluster: its metrics (the
 * Prometheus text), the SQL statements it runs now, the splits its leaders applied lately, and
 * its recent load (points after a given wall-clock millisecond). Each supplier answers at once.
 */
public record LocalPages(Supplier<String> metrics, Supplier<String> statements, Supplier<String> splits,
        LongFunction<String> timeSeriesSince) {
    public LocalPages {
        if (metrics == null || statements == null || splits == null || timeSeriesSince == null) {
            throw new IllegalArgumentException("every local page must be given");
        }
    }
}
