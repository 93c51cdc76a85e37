/**
 * {@code conclave bench sql-vs-kv}: what the SQL layer costs over the transactional KV API for
 * the same work, measured side by side on one local 3-node cluster (fsync on): point reads by
 * primary key through JDBC against {@code TxnClient} gets of the very row keys the SQL layer
 * reads, single-row INSERTs against transactional puts of a row value of the same size; then a
 * filtered scan of a table split into several ranges, with the filter and projection evaluated
 * at the ranges ({@code scan_pushdown} on) and at the gateway (off).
 *
 * <p>Both sides run in-process against the same nodes: the SQL side through the JDBC driver to a
 * node's SQL port (parse, plan, catalog, encoding, the node's coordinator), the KV side through
 * the benchmark's own range client and coordinator. Commit-wait is off on both by default
 * ({@code --commit-wait}), so the comparison is not dominated by the clock wait both would pay.
 *
 * <p>Hazards: the client and three node JVMs share a small machine, so figures include CPU
 * contention; the point phases are closed loops of {@code --threads} threads, so throughput and
 * latency trade against each other; the scan phase runs one query at a time.
 */
package io.conclave.bench.sql;
