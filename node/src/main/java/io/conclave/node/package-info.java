/**
 * The Conclave node process and its command line: {@link io.conclave.node.Main} (the {@code
 * conclave} verbs), {@link io.conclave.node.Node} (store + transport + multi-raft scheduler +
 * ticker, and above them the node's range client, liveness, node-request service, HTTP status
 * pages and maintenance loop, wired together).
 *
 * <h2>Identity: two ways to form a cluster</h2>
 * A node opens its LMDB store and checks its identity (cluster id, node id) before anything
 * else: a store of another cluster or node is refused with exit code 1.
 * <ul>
 *   <li>Cluster-assigned ids ({@code start --join ...} without {@code --node-id}, then {@code
 *       conclave init} once): an empty store waits at the cluster gate until {@code init} makes
 *       it node 1 (ranges 1 and 2 on it alone) or a {@code --join} address hands it a node id;
 *       the allocator then replicates ranges to it. See {@code io.conclave.node.cluster}.</li>
 *   <li>Fixed membership ({@code --node-id N --peers ...}): every initial voter bootstraps the same
 *       ranges (range 1 and {@code --initial-ranges} user ranges) with all of them as replicas. A
 *       {@code --node-id} node not in {@code --peers} starts empty and waits to be added. Tests,
 *       the demo and the benchmarks use this: nothing waits on an init.</li>
 * </ul>
 * Every frame carries the sender's hybrid-logical-clock reading and every received reading is
 * absorbed; a reading beyond the maximum offset rejects the frame (and closes the connection) in
 * the transport. Clients have no clock of their own: they stamp each request with the largest
 * reading they have seen, so causality crosses nodes through a client too.
 *
 * <h2>Clocks</h2>
 * Before serving, a node restores its hybrid clock's high-water mark from the store (a restart
 * never hands out a timestamp below an earlier one, whatever the physical clock did meanwhile)
 * and then keeps writing it. Once serving, its offset guard pings every peer each
 * {@code --clock-check-interval}; a node whose physical clock is beyond 80% of
 * {@code --max-offset} from a majority of its live peers closes its transport, logs one
 * {@code CLOCK_OFFSET_FATAL} line and exits with code 3. See {@code io.conclave.node.clocksync}.
 *
 * <h2>Fault injection</h2>
 * Started with {@code --testing-fault-injection}, a node obeys the {@code SetFaults} node request:
 * peers to cut off (its Raft frames, its own requests, its clock pings) and a step of its
 * physical clock; without the flag it refuses the request. See {@code io.conclave.node.fault}.
 *
 * <h2>Addresses</h2>
 * The transport dials from the lower node id to the higher. Nodes learn each other's addresses
 * from the liveness records (every node rewrites its own every 3 s), from {@code --peers}, and
 * from replica changes that carry the added node's address through the range's log (kept in the
 * store across restarts).
 *
 * <h2>Threads</h2>
 * The ticker drives the scheduler; the clock thread runs the offset guard; the liveness thread
 * heartbeats (a synchronous write through the range client); two cluster threads answer node
 * requests (joins, the views); the HTTP server has its own two; the maintenance loop its own.
 * None of them runs on a transport I/O thread, which must never block.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Writes acknowledged with {@code --fsync=false} can be lost by a machine crash.</li>
 *   <li>Two {@code conclave init}s on two nodes make two clusters; init exactly one.</li>
 *   <li>A node reaches the cluster through its own range client, seeded with itself, its
 *       {@code --peers} and its {@code --join} addresses: a node with none of them reachable
 *       serves its replicas but cannot heartbeat its liveness until one is.</li>
 * </ul>
 */
package io.conclave.node;
