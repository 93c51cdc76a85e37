/**
 * {@code conclave bench txn}: the transaction benchmark. It starts a local 3-node cluster with
 * fsync on and a fixed set of user ranges ({@link io.conclave.bench.BenchCluster}, maintenance
 * off so no split or lease move lands mid-phase), writes {@code --keys} keys spread round-robin
 * over the ranges, then runs phases of {@code --threads} client threads through one shared
 * {@link io.conclave.txn.TxnClient}: single-range read-write transactions (a one-phase commit),
 * two-range ones (record, two prepares, commit, asynchronous resolve) and zipfian-contended
 * two-key ones (ranks from the YCSB package's {@link io.conclave.bench.ycsb.ZipfianGenerator}, one
 * per worker thread), each with commit-wait on and then off.
 *
 * <p>Latency is measured per committed transaction from the first begin to the acknowledgement,
 * retries included; the split into reads, prepare, commit and commit-wait comes from the final
 * attempt's {@link io.conclave.txn.TxnStats}. Failed transactions are counted by kind, not timed.
 *
 * <p>Hazards: the client and three node JVMs share the machine, so on a small host the numbers
 * measure CPU contention as much as the protocol; commit-wait holds a thread for about the
 * maximum clock offset (250 ms by default), so with commit-wait on, throughput is bounded by
 * threads / commit-wait whatever the cluster can do. Key choices are seeded ({@code --seed});
 * timing is not reproducible.
 */
package io.conclave.bench.txn;
