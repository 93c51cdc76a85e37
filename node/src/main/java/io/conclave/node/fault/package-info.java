/**
 * Fault injection for tests: a node started with {@code --testing-fault-injection} accepts, by
 * the {@code SetFaults} node request ({@code rpc.proto}), rules that cut it off from chosen peers
 * and that step its physical clock. A node started without the flag refuses the request and says
 * why; its wiring then holds no fault code at all ({@link FaultInjection#disabled()} hands back
 * the real clock and dialer unchanged).
 *
 * <h2>What a partition cuts</h2>
 * A node talks to a peer three ways, and a rule naming the peer cuts all three:
 * <ul>
 *   <li>Raft frames on the peer connection: dropped on send, and dropped on receipt when the frame
 *       names the peer as its sender (frames already in flight when the rule arrived);</li>
 *   <li>requests of the node's own range client (transaction coordinator, SQL, liveness,
 *       maintenance) to the peer's address: they fail as not sent, which the client treats like a
 *       refused connection and retries elsewhere under its deadline;</li>
 *   <li>clock pings of the offset guard: the peer's address is unknown while the rule holds, so
 *       the guard counts it as silent, never as far (a partition must not stop a node).</li>
 * </ul>
 * Requests of clients outside the cluster (the tests' JDBC and transaction clients) are never cut:
 * a minority node keeps answering them, which is what a partition test wants to watch. Rules are
 * per node; a symmetric partition sets them on both sides (the test harness does).
 *
 * <h2>Clock steps</h2>
 * {@link AdjustableClock} adds the rule's offset to the configured physical clock. A step forward
 * or back within {@code --max-offset} must change nothing a client can see (the hybrid clock never
 * goes back, uncertainty windows cover the rest); a step beyond it must make the offset guard stop
 * the node, its peers refusing its frames meanwhile.
 *
 * <h2>Hazards</h2>
 * The rules live in memory only: a restart clears them, as a real network heals when a process is
 * replaced. Rules are read on Netty I/O threads and the scheduler thread, so they are one
 * immutable {@link FaultRules} value behind a volatile field, replaced whole.
 */
package io.conclave.node.fault;
