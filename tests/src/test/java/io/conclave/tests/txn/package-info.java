/**
 * Whole-cluster tests of transactions on real node JVMs, through the public
 * {@link io.conclave.txn.TxnClient} (and, to play a dying coordinator, the raw transaction requests
 * of {@link io.conclave.range.client.RangeClient#send}):
 * <ul>
 *   <li>{@code BankTxnProcessTest}: accounts over eight ranges, 32 threads transferring while nodes
 *       (the clients' first contact included) are killed with SIGKILL and restarted and leases
 *       move; every read-only snapshot sums to the total with no negative balance
 *       ({@link io.conclave.tests.check.BankChecker}), and the final total is exact.
 *   <li>{@code SerializabilityProcessTest}: write skew across two ranges is rejected; concurrent
 *       read-modify-write increments lose nothing (and stay atomic across two ranges); a
 *       list-append history over four ranges has no G0, G1a, G1b, G1c, G-single or G2, real-time
 *       edges included ({@link io.conclave.tests.check.ListAppendChecker}).
 *   <li>List-append under faults (kills, pauses, partitions, clock steps, lease and replica
 *       moves, splits) is the fault-injection suite's: {@code io.conclave.tests.jepsen}.
 *   <li>{@code CommitWaitSkewProcessTest}: with node clocks skewed within the maximum offset, a
 *       transaction begun after another's acknowledgement, through another node, sees its writes
 *       and starts above its commit timestamp.
 *   <li>{@code CrashMidCommitProcessTest}: a two-range commit abandoned after the prepare, or
 *       after the commit point but before any resolve, with a leaseholder crashed and restarted
 *       in between: readers see none or all of it.
 * </ul>
 *
 * <p>Checks are invariants, not expected outputs. Every schedule comes from a seed the test prints;
 * {@code -Dtxn.seed=N} replays one (process timing itself is not reproducible). A transaction that
 * failed with {@link io.conclave.txn.TxnRetryException} is recorded as not committed; an ambiguous
 * one, or any other failure, as unknown (Jepsen's "info"), and its process is retired.
 *
 * <p>Hazards. A killed leaseholder's ranges serve again only once its lease runs out (9 s plus the
 * maximum offset), so the fault tests give clients and transactions deadlines of 25 to 40 s and
 * leave a quiet stretch at the end of the load. The commit-wait test's clock skews must stay
 * below 80% of {@code --max-offset} apart, or the offset guard stops a node. A test JVM killed
 * with SIGKILL cannot kill its node processes; every other exit does. Node logs are copied to
 * {@code target/txn-test-logs/<cluster>/}. The nodes are launched by the range tests'
 * {@link io.conclave.tests.ranges.RangeTestCluster} (per-node flags, clients that contact a chosen
 * node first); {@code TxnTests.Rig} starts one the same way for every test, runs a load beside the
 * nemesis with the same checks (no stuck thread, no crash, at least one kill) and closes what the
 * test opened on it; {@code TxnNemesis} shares its kill and event log with the range tests'
 * {@link io.conclave.tests.jepsen.FaultInjector}.
 */
package io.conclave.tests.txn;
