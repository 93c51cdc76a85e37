/**
 * Whole-cluster tests of the range layer on real node JVMs: splits under concurrent writes and
 * scans ({@code SplitUnderLoadProcessTest}) and while a replica's node is down
 * ({@code SplitWithNodeDownProcessTest}); lease transfers and leaseholder crashes under a checked
 * register workload ({@code LeaseTransferProcessTest}); replacement of a dead node's replicas by
 * the allocator ({@code DeadNodeReplacementProcessTest}) and a replica removed then added back
 * ({@code ReaddReplicaProcessTest}); ten thousand ranges kept within memory
 * ({@code ManyRangesProcessTest}); a cluster formed by init and join that survives every node
 * restarting ({@code InitJoinRestartProcessTest}). Every node is a child JVM started from the test's own java binary and class path on
 * 127.0.0.1, with its store in the test's temporary directory; clients are the public
 * {@link io.conclave.range.client.RangeClient} over the node's Netty transport.
 *
 * <p>{@link io.conclave.tests.ranges.RangeTestCluster}, the node launcher (per-node start flags,
 * clients that contact a chosen node first), is public because the transaction process tests
 * ({@code io.conclave.tests.txn}) and the fault-injection suite ({@code io.conclave.tests.jepsen})
 * launch their clusters with it too. The lease test's nemesis extends
 * {@link io.conclave.tests.jepsen.FaultInjector}, the fault helpers' home.
 *
 * <p>Checks are invariants: acknowledged writes read back, scans are sorted and complete,
 * histories are linearizable ({@link io.conclave.tests.check.LinearizabilityChecker}), meta tiles
 * the keyspace, replicas live on live nodes. Schedules come from a seed every run prints;
 * {@code -Dranges.seed=N} replays one (process timing itself is not reproducible).
 *
 * <p>Hazards. A test JVM killed with SIGKILL cannot run its shutdown hook, so its node processes
 * outlive it; every other exit kills exactly the processes the test started. Free ports are
 * picked by binding port 0 and releasing it, so another process may take one first; that shows as
 * a bind error in the node log the failure prints. Lease expiry (9 s) bounds how fast a range
 * recovers from its leaseholder's crash, so the fault tests give clients deadlines of 25 s and
 * keep their histories small enough for the checker to decide. Node logs are copied to
 * {@code target/range-test-logs/<cluster>/} when a cluster closes, since the temporary directory
 * is deleted. Timings printed (split latency, catch-up, idle CPU) depend on the machine's load.
 */
package io.conclave.tests.ranges;
