/**
 * Multi-raft: one scheduler drives every Raft group of a node, and the replicated KV state
 * machine those groups run.
 *
 * <h2>The cycle</h2>
 * One scheduler thread owns every {@link io.conclave.raft.RawNode} of the node. Other threads
 * (Netty I/O threads, the ticker) only put events in its bounded inbox. Each cycle:
 * <ol>
 *   <li>drains the inbox (Raft batches, KV and admin requests, ticks), stepping, proposing to
 *       and ticking the groups concerned, which become <em>dirty</em>;</li>
 *   <li>issues one ReadIndex round per group for the reads queued this cycle;</li>
 *   <li>collects a {@link io.conclave.raft.Ready} from every dirty group that has one, and puts
 *       all of them in ONE {@link io.conclave.storage.WriteBatch}: snapshots, entries, hard
 *       states, the state-machine writes of committed entries and the applied index;</li>
 *   <li>commits it: one LMDB transaction and one fsync for all groups (group commit);</li>
 *   <li>only then sends the messages: persist-before-send is the line after the commit in
 *       {@code Scheduler.runCycle}. All messages for one node go in one RaftBatch frame, with
 *       heartbeats coalesced to tuples ({@link io.conclave.node.multiraft.Outbox});</li>
 *   <li>advances each group, answers the writes that applied and the reads whose read index
 *       is applied.</li>
 * </ol>
 * Requests that arrive while a cycle runs are batched into the next: with many concurrent
 * clients one fsync and one frame per peer carry many entries. Idle groups cost nothing but
 * the scan of the dirty set: only dirty groups are asked for a Ready, and quiesced groups do not
 * even tick.
 *
 * <h2>The state machine</h2>
 * Keys are hashed to groups 1..G ({@link io.conclave.node.multiraft.KvKeys}); a group's keys
 * are one prefix of the store, so a snapshot is a prefix scan and installing one a range delete.
 * Writes are proposed on the leader and answered when applied; reads (get) use ReadIndex on the
 * leader and are answered from the store once the applied index reaches the read index; scans
 * run a ReadIndex round on every group (a follower's round is forwarded to its leader). The
 * snapshot point moves to the applied index in every batch that applies entries, so the live
 * store is always exactly the image of the snapshot Raft would send; the log is compacted to
 * it after {@code logEntriesBeforeSnapshot} entries or {@code logBytesBeforeSnapshot} bytes.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Anything that blocks the scheduler thread stalls every group on the node, and with it
 *       heartbeats: leases and elections suffer. Store reads for answers run on it too; keep
 *       scans bounded ({@code maxScanRows}).</li>
 *   <li>A snapshot is one message holding the whole group; a group above
 *       {@code maxSnapshotKeys} keys, or bigger than a frame, cannot be sent to a new
 *       replica. Splitting ranges is what bounds this, later.</li>
 *   <li>Writes are idempotent (put, delete) and clients retry after a timeout or a leader
 *       change, so a retried write may apply twice; a non-idempotent command would need
 *       deduplication by proposal id first.</li>
 *   <li>Removed replicas are only marked removed in memory (they stop ticking); after a
 *       restart such a replica is loaded again but cannot campaign, since its membership
 *       excludes it. Re-adding a removed node to the same group is not supported yet.</li>
 *   <li>Idle groups quiesce ({@link io.conclave.node.multiraft.Quiescence}): their leader stops
 *       heartbeating and their followers stop ticking. Followers then learn of a dead leader
 *       only from {@link io.conclave.node.multiraft.Liveness} (every node pings every peer each
 *       tick); if those pings stopped while Raft traffic flowed, a dead leader's quiesced groups
 *       would stay leaderless until a client touched them.</li>
 *   <li>The scheduler keeps at most one tick queued: after a slow cycle it skips ticks rather
 *       than running several back to back, which would time out every group at once.</li>
 * </ul>
 */
package io.conclave.node.multiraft;
