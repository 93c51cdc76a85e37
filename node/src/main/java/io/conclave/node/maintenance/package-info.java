/**
 * The node's maintenance loop: the I/O half of placement, whose decisions are made by the pure
 * {@link io.conclave.range.allocator.Allocator}.
 *
 * <p>Every {@code interval}, for each range whose valid lease this node holds, or whose Raft
 * leader it is while no lease is valid (an idle range lets its lease lapse, and its dead
 * replicas must still be replaced), so that each range has one caretaker at a time, a pass:
 * <ol>
 *   <li><b>repairs meta</b>: if meta's records over the range's span are not its descriptor at
 *       its generation or above (a split or replica change whose meta update was lost with its
 *       caller), replaces them in one update that keeps meta a tiling
 *       ({@code MetaRecords.repair}): where meta still holds a pre-split record wider than the
 *       range, with the descriptors of every piece of that record's span, from this node's
 *       replicas, else from the other live nodes' status (at most once per pass). A range that
 *       cannot be repaired yet is tried again next pass. A span found current is remembered by
 *       generation, so a steady range costs no meta read; many unchecked ranges (after a
 *       restart) are checked with one scan of meta.</li>
 *   <li><b>splits</b> a range whose status suggests a split key, if it is above
 *       {@code maxRangeBytes} or {@code splitQps} and the key lies strictly inside its current
 *       span (a load key may predate an earlier split).</li>
 *   <li><b>allocates</b>: reads every liveness record (live / suspect / dead after
 *       {@code deadAfter}), refreshes the nodes' replica and lease counts every
 *       {@code countsRefresh} (a status request per live node), asks the allocator for each
 *       range's next action and executes it through the range client: add a learner, promote it
 *       once its applied index reached the leaseholder's commit index (read from the learner's
 *       node), remove a replica, transfer the lease.</li>
 *   <li><b>collects garbage</b> of each leased user range once per {@code gcInterval}, a page
 *       (mvcc_gc) at a time at now minus {@code gcTtl}; a page also names the COMMITTED records
 *       there whose coordinator died before removing them, and the loop finishes each (resolves
 *       the intent keys it lists, range by range, then removes it with txn_resolve
 *       remove_record, which marks the removal as a coordinator's does), at most
 *       {@code MAX_ABANDONED_COMMITS_PER_PASS} a pass; a failure leaves the record for the next
 *       round.</li>
 * </ol>
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Each change is one synchronous call; a node makes at most {@code maxChangesPerPass} per
 *       pass and keeps at most {@code maxLearnersCatchingUp} learners (snapshots) at once. A
 *       change whose answer is lost is simply re-decided next pass from fresh status: adding a
 *       replica that exists or removing one that is gone is refused harmlessly.</li>
 *   <li>The lease may move during a pass; the Raft group refuses a membership change from a
 *       non-leader (the client follows the hint), and two caretakers at once cost at worst a
 *       change the next pass undoes (see the allocator's package docs).</li>
 *   <li>Liveness expirations are compared with this node's physical clock: a clock offset up to
 *       the maximum offset shifts "dead" by that much, negligible beside {@code deadAfter}.</li>
 *   <li>A learner whose node does not list the range within {@code REFUSAL_GRACE_NANOS} (a
 *       node that cannot take it for now) is removed, and that node is not asked again for that
 *       range for {@code REFUSAL_MEMORY_NANOS}; the range keeps its dead voter meanwhile if no
 *       other node is free (still a live quorum: a dead voter is replaced first, never removed
 *       first). A node removed from a range and added back later is not such a case: its
 *       replica rejoins when the leader replicates to it.</li>
 *   <li>A pass that throws is logged and the next runs on schedule; the loop ends only when the
 *       node closes it.</li>
 * </ul>
 */
package io.conclave.node.maintenance;
