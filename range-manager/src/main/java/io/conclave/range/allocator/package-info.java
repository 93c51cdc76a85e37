/**
 * Placement decisions for ranges, and the load measurements they use: pure and deterministic.
 * Nothing here reads a clock, sleeps, starts a thread or does I/O; times, seeds and the cluster's
 * state are passed in, and the node's maintenance loop does the rest.
 *
 * <ul>
 *   <li>{@link io.conclave.range.allocator.Allocator}: given a range as its leaseholder sees it
 *       ({@link io.conclave.range.allocator.RangeState}) and every node's health and counts
 *       ({@link io.conclave.range.allocator.NodeState}), the ONE next
 *       {@link io.conclave.range.allocator.Action}: add a learner, promote it, remove a replica,
 *       transfer the lease. Replicas are always added before others are removed, as learners
 *       that vote only once caught up, so that the range is never less available during a
 *       change than before it.</li>
 *   <li>{@link io.conclave.range.allocator.LoadTracker}: a replica's request rate and a load
 *       split key from sampled request keys; fed by the scheduler on every request.</li>
 *   <li>{@link io.conclave.range.allocator.SplitKeys}: the size split key (half the bytes).</li>
 * </ul>
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Decisions are made from views that may be stale: liveness records expire on the
 *       writer's clock and are read on the reader's (off by up to the maximum clock offset, far
 *       below the dead-after setting), and replica and lease counts are refreshed only every
 *       few passes. A stale view costs an unneeded move, never safety: Raft refuses a
 *       membership change a quorum does not accept, and the quorum checks here keep the
 *       allocator from proposing one that would leave the range without a live quorum.</li>
 *   <li>Two leaseholders of one range (an old one whose lease just ended) may decide at once;
 *       Raft applies one membership change at a time and the caller re-reads state before each,
 *       so the worst outcome is a change that the next pass undoes.</li>
 *   <li>A node that is unknown or briefly unreachable is {@code SUSPECT}: its replicas are left
 *       alone until it has been dead for the dead-after setting, because a replacement costs a
 *       full snapshot while a restart costs seconds.</li>
 * </ul>
 */
package io.conclave.range.allocator;
