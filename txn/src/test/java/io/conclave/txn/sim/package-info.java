/**
 * A deterministic simulation of the transaction coordinator against in-memory ranges.
 *
 * <p>{@link io.conclave.txn.sim.SimCluster} is a {@code NodeDialer}: each range is a sorted map
 * served through the real {@code MvccEvaluator} by one node, range 1 answers the meta and
 * liveness lookups of the real {@code RangeClient}, each node has a hybrid clock over the shared
 * virtual time (offsets configurable), and the leaseholder keeps a timestamp cache and does
 * commit-wait. {@link io.conclave.txn.sim.SimScheduler} runs every simulated thread
 * (coordinators, their heartbeats and resolvers) one at a time, handing the baton over at each
 * request and sleep in an order drawn from the seed; virtual time moves only when every thread
 * sleeps, so a 5-second record expiry costs no real time.
 *
 * <p>Hooks delay a client's request or crash the client before or after one (its threads stop,
 * its heartbeats with them), which is how a dead coordinator is simulated.
 *
 * <p>Hazards: a simulated thread that blocks on anything but the simulation (a real lock, a
 * future that never completes) stops the whole run; the scheduler then fails after a real-time
 * bound and lists the threads. Replication, leases and splits are not simulated here; the
 * range client's own tests and the multi-process tests cover them.
 */
package io.conclave.txn.sim;
