package io.conclave.bench.ycsb;

import org.HdrHistogram.Histogram;

/** One line of the summary: an operation's count, throughput and latency percentiles in microseconds. */
public record OpSummary(String label, long count, double opsPerSecond, double meanMicros, long p50Micros,
        long p95Micros, long p99Micros, long p999Micros, long maxMicros) {
    static OpSummary of(String label, Histogram h, double seconds) {
        return new OpSummary(label, h.getTotalCount(), seconds > 0 ? h.getTotalCount() / seconds : 0, h.getMean(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(95), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
