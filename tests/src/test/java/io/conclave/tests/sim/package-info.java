/**
 * A deterministic simulation of whole Raft groups, in the style of FoundationDB's and
 * TigerBeetle's simulators: the production {@link io.conclave.raft.RawNode} runs unchanged, while
 * the network, the disk, the clock and the clients around it are simulated in one thread.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li><b>One seed decides everything.</b> A root {@link java.util.SplittableRandom} is split
 *       into one source per subsystem (settings of the run, workload, network, each node's
 *       election timeouts), so adding a random draw in one place does not reshuffle the others.
 *       Time is a step counter; each node ticks every few steps at its own rate (a node's clock may
 *       run a quarter faster or slower than another's), offset by its id so that clocks are not
 *       in lockstep. No wall clock, no sleeps, no threads: a failing seed replays exactly with
 *       {@code -Dsim.seed=N}, and {@code -Dsim.traceMessages=true} adds every delivered message to
 *       the trace printed on failure.</li>
 *   <li><b>The driver is production's.</b> {@link io.conclave.tests.sim.SimCluster} handles each
 *       Ready in the prescribed order: persist snapshot, entries and hard state to the node's
 *       {@link io.conclave.tests.sim.SimDisk}; send messages; apply committed entries (the state
 *       machine and its applied index are written together); hand read states to the client;
 *       advance. In half of the seeds the driver is pipelined: it persists and sends each Ready at
 *       once but applies and advances it a step or more later, in order (and catches up before
 *       installing a snapshot), as an asynchronous production driver would.</li>
 *   <li><b>Crashes lose exactly the volatile state.</b> A crash drops the RawNode; the disk
 *       survives. A restart builds a new RawNode from the disk with {@code RaftConfig.applied}
 *       taken from the persisted state machine. Crashes happen between driver actions and also
 *       right after a Ready was persisted but before its messages left (a torn Ready).</li>
 *   <li><b>The network misbehaves.</b> {@link io.conclave.tests.sim.SimNetwork} delays each
 *       message by a random number of steps (which reorders them), holds a few back for many
 *       election timeouts (so messages of dead terms and stale snapshots still arrive), drops and
 *       duplicates them, and partitions nodes (one isolated, or a random split); a partition also
 *       kills messages already in flight. Losses a real transport would notice are reported to
 *       the sender ({@code reportUnreachable}, {@code reportSnapshot(false)}).</li>
 *   <li><b>Clients behave like clients.</b> They send writes to whoever they believe leads and
 *       retry a refused write a few times following the leader hint; they also change
 *       membership (add a learner, promote it, remove a voter, now and then the leader itself),
 *       transfer leadership (sometimes asking a follower, which must forward) and ask any node
 *       for a ReadIndex. A per-seed chaos level scales how often membership, leadership, crashes
 *       and partitions change.</li>
 *   <li><b>Checkers, not expected outputs.</b> {@link io.conclave.tests.sim.SafetyChecker}
 *       watches every persist, apply, read state and leadership change and checks election
 *       safety, log matching, leader completeness, state-machine safety, monotonic persisted
 *       term, vote and commit, committed entries never rewritten nor applied before they are
 *       durably committed, and linearizable ReadIndex. {@code SafetyCheckerTest} feeds it a broken
 *       history per property to show that none of these checks is vacuous. The state machine records a
 *       fingerprint of each applied entry, so two replicas that applied different entries at one
 *       index are caught even when both are empty leader entries of different terms.</li>
 *   <li><b>Liveness at the end.</b> {@link io.conclave.tests.sim.RandomRaftRun} heals the
 *       network, restarts every node and stops all faults; within a bounded number of election
 *       timeouts a leader must commit a new command on every live voter, answer a read at a random
 *       voter, and hand leadership to a chosen voter when asked.</li>
 *   <li><b>Snapshots are served on demand.</b> {@link io.conclave.tests.sim.SimDisk#snapshot()}
 *       records a snapshot at the applied index whenever Raft asks for one and the stored one is
 *       older, as a storage engine that can read a consistent image would; compaction at random
 *       points makes lagging and newly added replicas need them.</li>
 * </ul>
 *
 * <h2>Running</h2>
 *
 * <pre>
 * mvn -pl tests -am test -Dtest='RaftSimulationTest' -Dsurefire.failIfNoSpecifiedTests=false
 *     -Dsim.seeds=5000        more seeds than the default 500
 *     -Dsim.seedBase=N        start the range at N instead of a random, printed base
 *     -Dsim.seed=N            exactly one seed (a failure prints this line for its seed)
 *     -Dsim.traceMessages=true  put every delivered message into the failure trace
 * </pre>
 *
 * <h2>Hazards</h2>
 *
 * <ul>
 *   <li>Determinism depends on iteration order. Hash-ordered collections iterate differently
 *       from one JVM to the next ({@code Set.of} is salted per JVM), so the driver sends each
 *       Ready's messages sorted by destination and the harness iterates only sorted maps. If
 *       Raft itself made a decision by iterating a hash-ordered set, a seed could replay
 *       differently in another JVM even though it replays in this one.</li>
 *   <li>The simulated disk loses at most what Raft allows it to: in half of the seeds a crash
 *       drops hard states written by Readies with {@code mustSync == false} (only the commit
 *       index changed), so a node may restart with a commit index below its applied index.
 *       Entries, term, vote, snapshots and the applied state machine are never lost once
 *       written; a storage engine that acknowledges those before fsync is not covered here.</li>
 *   <li>Checks see committed state through applies: an entry counts as committed once some
 *       replica applied it. That is sound (only committed entries are applied) but it checks
 *       leader completeness and read linearizability against a slightly later commit point than
 *       the leader's own.</li>
 *   <li>Removed replicas keep running during the fault phase (a removed replica that never
 *       learns of its removal is a classic disruption); before the liveness phase they are
 *       stopped once their removal is applied, as an operator would decommission them.</li>
 * </ul>
 */
package io.conclave.tests.sim;
