/**
 * The Conclave node process and its clients: {@link io.conclave.node.Main} (the {@code conclave}
 * command line), {@link io.conclave.node.Node} (store + transport + multi-raft scheduler +
 * ticker, wired together), and {@link io.conclave.node.KvClient} (the KV and admin client used
 * by the command line, the tests and the benchmarks).
 *
 * <h2>Wiring</h2>
 * A node opens its LMDB store and checks its identity (cluster id, node id) before anything
 * else: a store of another cluster or node is refused with exit code 1. On a fresh store an
 * initial voter ({@code --peers} lists it) bootstraps groups 1..G with the voters as members; a
 * {@code --join} node starts empty and gets groups when an admin adds it. Every frame carries
 * the sender's hybrid-logical-clock reading and every received reading is absorbed; a reading
 * beyond the maximum offset rejects the frame (and closes the connection) in the transport.
 * Clients have no clock of their own: {@code KvClient} stamps each request with the largest
 * reading it has seen in answers, so causality crosses nodes through a client too.
 *
 * <h2>Clocks</h2>
 * Before serving, a node restores its hybrid clock's high-water mark from the store (a restart
 * never hands out a timestamp below an earlier one, whatever the physical clock did meanwhile)
 * and then keeps writing it. Once serving, its offset guard pings every peer each
 * {@code --clock-check-interval}; a node whose physical clock is beyond 80% of
 * {@code --max-offset} from a majority of its live peers closes its transport, logs one
 * {@code CLOCK_OFFSET_FATAL} line and exits with code 3. See {@code io.conclave.node.clocksync}.
 *
 * <h2>Addresses</h2>
 * The transport dials from the lower node id to the higher. A node that joins later is
 * announced with its address ({@code admin add-replica --address}); the address goes through
 * the group's log, so every member and every later leader can reach it, and is kept in the
 * store across restarts.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Writes acknowledged with {@code --fsync=false} can be lost by a machine crash.</li>
 *   <li>{@code KvClient} retries writes after timeouts and leader changes; that is safe only
 *       while every write is idempotent.</li>
 * </ul>
 */
package io.conclave.node;
