/**
 * Fault injection with history checkers, in the manner of Jepsen: real node processes on
 * 127.0.0.1, a workload whose every operation is recorded (invoke, then ok, fail or info), a
 * nemesis that attacks the cluster meanwhile, and a checker that reads the whole history.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.conclave.tests.jepsen.NemesisRun}: one run, end to end, and its results folder
 *       (history, events, verdict, a self-contained HTML {@link io.conclave.tests.jepsen.Timeline}).</li>
 *   <li>Nemeses ({@link io.conclave.tests.jepsen.Nemeses}), composed by name and run one fault at a
 *       time, or two overlapping (below), by {@link io.conclave.tests.jepsen.NemesisSchedule}: {@code kill} (kill -9, restart on
 *       the store), {@code stop} (SIGTERM: the node drains, then exits; restart on the store), {@code pause} (SIGSTOP/SIGCONT), {@code partition} (one node isolated, minority
 *       and majority, a bridge, a chosen range's leaseholder isolated), {@code clock} (steps within
 *       the max offset, and beyond it, when the node's offset guard must stop it), {@code moves}
 *       (lease transfers, splits, a replica removed and added back). Partitions and clock steps
 *       go through the nodes' fault rules ({@code io.conclave.node.fault}, set by the
 *       {@code SetFaults} node request of a node started with {@code --testing-fault-injection});
 *       {@link io.conclave.tests.jepsen.ClusterFaults} holds what was done so it can all be undone.</li>
 *   <li>Workloads: {@code bank} and {@code set} through JDBC (SQL), {@code register} and
 *       {@code list-append} through the transaction client; checked by the {@code check}
 *       package's bank, set, linearizability (CAS register per key) and Elle-style list-append
 *       checkers.</li>
 * </ul>
 *
 * <h2>Overlapping faults</h2>
 * With {@code --overlap} ({@code -Dnemesis.overlap=true}; in CI, the runs with an odd run seed) a
 * second fault, of another nemesis, may start while the first is active; each is healed at its
 * own time, and whatever is still active at the end is healed last started, first healed. The
 * rule ({@link io.conclave.tests.jepsen.ClusterFaults#admits}): every fault claims the nodes it
 * takes out of the connected majority (a killed, paused or self-stopping node; a partition's
 * smaller side) and the nodes it holds down (killed, paused, waited on to stop); a fault is
 * admitted only if the nodes no active fault takes out are still a majority, and no node would be
 * held down by two. Why this rule: the system promises to serve, and to stay correct, only while a
 * majority is up and connected; taking out more tests unavailability, which a checker cannot tell
 * from a stuck run. Counting nodes is enough because each partition cuts its lost side from all
 * the rest, so the nodes outside every lost set see each other. On 5 nodes this admits a kill
 * while another node is isolated or paused; on 3 only faults on the node already out (a pause or
 * clock step on the node a partition isolates, a partition around a killed node) and those that
 * take nothing out (clock steps within the offset, moves) during any fault. A node held down by
 * one fault is not acted on by another, since its SIGCONT, restart or wait for a clock stop would
 * then belong to two faults; nor is a clock stepped beyond the offset on a node already out, whose
 * guard could not see its peers to stop it. Rules for a paused or dead node are kept and sent when it resumes or
 * restarts, so a partition outlasts a kill or pause inside it.
 *
 * <h2>Recording outcomes</h2>
 * An operation is FAIL only when it certainly took no effect (SQLSTATE 40001 or a connection
 * never made; a transaction retry error); anything else (a lost connection, a timeout, an
 * ambiguous commit) is INFO, and the process that issued it is retired, since the operation may
 * still take effect later. Getting this wrong one way hides bugs, the other way invents them.
 *
 * <h2>Running</h2>
 * CI runs {@link io.conclave.tests.jepsen.NemesisSuiteTest}: every workload for 20 s under two
 * nemeses drawn from a printed seed ({@code -Dnemesis.seed=N} replays it). Long runs:
 * {@code tests/run-nemesis.sh --workload bank --nemesis kill,stop,pause,partition,clock,moves --time 10m}
 * (which runs {@link io.conclave.tests.jepsen.NemesisLongRunTest} with system properties), with
 * {@code --overlap} for overlapping faults.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A real cluster's timing does not replay: a seed fixes the schedule's choices, not the
 *       interleaving. A failure is investigated from its history, events and node logs.</li>
 *   <li>At most two faults at a time, never two of one nemesis, never more than a minority out:
 *       loss of a majority (and its recovery) is not tried.</li>
 *   <li>Partitions cut node-to-node traffic only; the test's own clients reach every node.</li>
 *   <li>The whole-stack deterministic simulation (Raft, ranges, leases, transactions under one
 *       seeded scheduler) is not built; {@code tests/.../sim} simulates Raft groups and
 *       {@code txn/.../sim} the coordinator.</li>
 * </ul>
 */
package io.conclave.tests.jepsen;
