package io.conclave.bench.ycsb;

import java.util.Map;

/** One sampling interval of a run: seconds since the measured window began, and operations per type in it. */
public record Interval(double startSeconds, double endSeconds, Map<String, Long> counts) {
    public Interval {
        counts = Map.copyOf(counts);
    }
}
