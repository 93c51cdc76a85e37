package io.conclave.bench.ycsb;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * What a run phase measured: per-operation summaries and histograms (latency as charged: from the
 * intended start when throttled, over all of an operation's attempts), the same from the actual
 * start ({@code service}), error counts by kind, failed attempts that ran again by kind, the
 * throughput series and the HdrHistogram interval log.
 */
public record RunResult(String workload, String target, RunSettings settings, boolean corrected, long startWallMillis,
        double measuredSeconds, long warmupOperations, List<OpSummary> operations, OpSummary total,
        Map<String, Histogram> histograms, Map<String, Histogram> serviceHistograms, Map<String, Long> errors,
        Map<String, Long> retries, List<Interval> intervals, String intervalLog) {
    public long retryCount() {
        return total(retries);
    }

    public long errorCount() {
        return total(errors);
    }

    private static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    public OpSummary operation(String label) {
        return operations.stream().filter(o -> o.label().equals(label)).findFirst().orElse(null);
    }
}
