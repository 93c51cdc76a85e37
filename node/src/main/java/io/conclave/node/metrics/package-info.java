/**
 * The node's metrics: counters, fixed-bucket latency histograms and gauges, written in the
 * Prometheus text format by hand ({@code Exposition}: a few dozen lines do not justify a client
 * library on every node's class path). {@link io.conclave.node.metrics.NodeMetrics} is the one
 * catalog of what a node exports, mirrored in {@code docs/metrics.md}; {@code /metrics} on the
 * node's {@code --http} port serves it.
 *
 * <p>Where the numbers come from: the lower layers keep their own counters and the node reads
 * them at scrape time (the scheduler's {@code SchedulerEvents} and {@code SchedulerStats}, the
 * store's {@code StoreStats}, the replicas' status, the offset guard's measurements, the JVM's
 * MX beans), so no layer below the node knows about metrics. The store also hands the node each commit's fsync
 * time ({@code Store.observeFsync}), for a histogram. What only the node sees it records itself: KV requests as the transport answers them, SQL statements as the SQL service runs them
 * ({@code node/sql}'s {@code ActiveStatements}), and transactions as they pass between the SQL
 * engine and the transaction client ({@link io.conclave.node.metrics.TxnMetrics}, a wrapper that
 * changes nothing that passes through it). A {@link io.conclave.node.metrics.TimeSeries} keeps
 * five minutes of per-second points for the console's charts.
 *
 * <p>Hazards: a scrape asks the node's own scheduler for its replicas' status (one admin call,
 * bounded by the node's local-status timeout); a label's values are bounded
 * ({@link io.conclave.node.metrics.LabeledCounter#MAX_VALUES}) so a bug cannot grow a scrape
 * without end; counters restart at zero with the process, as Prometheus expects. Latency
 * quantiles computed from the buckets are estimates within a bucket's width.
 */
package io.conclave.node.metrics;
