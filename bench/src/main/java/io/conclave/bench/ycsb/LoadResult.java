package io.conclave.bench.ycsb;

import java.util.Map;

/** What the load phase did: records written, how fast, the latency of one batch, errors by kind. */
public record LoadResult(long records, double seconds, int batchSize, OpSummary batchLatency, Map<String, Long> errors) {
    public double recordsPerSecond() {
        return seconds > 0 ? records / seconds : 0;
    }

    public long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }
}
