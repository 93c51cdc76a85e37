/**
 * Multi-raft: one scheduler drives every Raft group of a node, and the replicated KV state
 * machine those groups run.
 *
 * <h2>The cycle</h2>
 * One scheduler thread owns every {@link io.conclave.raft.RawNode} of the node. Other threads
 * (Netty I/O threads, the ticker) only put events in its bounded inbox. Each cycle:
 * <ol>
 *   <li>drains the inbox (Raft batches, KV and admin requests, ticks), stepping and ticking the
 *       groups concerned, which become <em>dirty</em>, and queuing writes and reads;</li>
 *   <li>proposes each group's queued writes as one entry ({@code Command.KvBatch}, split at
 *       {@code MAX_PROPOSAL_BATCH_BYTES}): Raft sends one APPEND per proposal to each follower,
 *       which answers each, so one entry per cycle instead of one per write divides the
 *       messages, log entries and Raft steps by the batching factor;</li>
 *   <li>issues one ReadIndex round per group for the reads queued this cycle;</li>
 *   <li>collects a {@link io.conclave.raft.Ready} from every dirty group that has one, and puts
 *       all of them in ONE {@link io.conclave.storage.WriteBatch}: snapshots, entries, hard
 *       states, the state-machine writes of committed entries and the applied index;</li>
 *   <li>sends the leaders' APPEND and HEARTBEAT messages at once, before the batch is durable
 *       (see below), and answers the writes whose entries this batch applies;</li>
 *   <li>commits it: one LMDB transaction and one fsync for all groups (group commit), unless
 *       it needs no fsync and more input waits (see below);</li>
 *   <li>only then sends every other message: persist-before-send is the line after the commit
 *       in {@code Scheduler.runCycle}. All messages for one node go in one RaftBatch frame, with
 *       heartbeats coalesced to tuples ({@link io.conclave.range.multiraft.Outbox});</li>
 *   <li>advances each group, answers the other requests, and after a commit serves the reads
 *       whose read index is applied.</li>
 * </ol>
 * Requests that arrive while a cycle runs are batched into the next: with many concurrent
 * clients one fsync and one frame per peer carry many entries. Idle groups cost nothing but
 * the scan of the dirty set: only dirty groups are asked for a Ready, and quiesced groups do not
 * even tick.
 *
 * <h2>What may leave before the fsync</h2>
 * A replicated write used to cost three fsyncs in series: the leader's, then the follower's,
 * then the leader's batch applying it. Now the first two overlap and the third is off the
 * client's path (and often merged into the next cycle's, see the last paragraph).
 * <p><b>A leader's appends overlap its own fsync</b> (Raft thesis 10.2.1; etcd allows the same
 * when term and vote are durable). A Ready's APPEND and HEARTBEAT messages are sent before the
 * commit only if (a) the replica is the leader in its current soft state, (b) the Ready holds
 * no snapshot and its hard state is absent or has the term and vote of the last durable one
 * (only the commit index may differ), and (c) the message names no commit index covering this
 * Ready's own entries. Everything else (votes and their responses, append and heartbeat
 * responses, snapshots, TIMEOUT_NOW, read-index traffic, every follower message) waits for the
 * commit. Why this is safe:
 * <ul>
 *   <li>Raft counts the leader's own acknowledgement when it appends. That acknowledgement is
 *       true by the time it matters: an entry commits only with a quorum, the other members'
 *       acknowledgements arrive as APPEND_RESPONSE, and the single scheduler thread steps them
 *       in a later cycle, after this cycle's commit returned.</li>
 *   <li>If the commit fails, the scheduler thread dies and the node stops: it never steps those
 *       acknowledgements. Followers may hold entries the leader lost; those entries never
 *       counted as committed, and Raft either keeps them (a follower with them wins the next
 *       election) or overwrites them. The client of such a write got no answer, and retries.</li>
 *   <li>(b) keeps a follower from seeing a term or vote the leader could forget in a crash and
 *       then vote against (two leaders in one term). (c) matters only where the leader alone is
 *       a quorum (one voter, perhaps with learners): there the commit index moves at append
 *       time and must not reach a learner before the entries are on the leader's disk.</li>
 * </ul>
 * <p><b>Writes are answered when committed</b>, before the batch that applies them is durable.
 * Raft hands out as committed only entries durable on a quorum, this node included (only
 * entries persisted by an earlier, advanced Ready), so a crash before the batch commits loses
 * nothing: the applied index commits atomically with the effects, and the entry is applied
 * again after a restart, or by the next leader. Reads keep their rule: a read is served only
 * once the applied index reaches its read index, at the end of a cycle after the commit, from
 * the store; a read sent after a write's answer reaches the scheduler in a later cycle, with a
 * read index at least the write's.
 *
 * <p><b>A batch that needs no fsync rides on the next one.</b> When no Ready of a cycle asks
 * for a sync (no entries, snapshot, new group, or term or vote change: only commit indexes,
 * effects of committed entries and applied indexes), no read waits, and input is already queued,
 * the batch is not committed but carried into the next cycle's, for at most
 * {@code MAX_DEFERRED_CYCLES} cycles. Losing it in a crash is harmless: its entries are durable
 * on a quorum, the commit index is learnt again, and the entries are applied again, effects and
 * applied index together. Reads are served only at {@code Replica.publishedApplied}, the applied
 * index as of the last commit, so a read never sees state the store does not show.
 *
 * <h2>The state machine</h2>
 * Keys are hashed to groups 1..G ({@link io.conclave.range.multiraft.KvKeys}); a group's keys
 * are one prefix of the store, so a snapshot is a prefix scan and installing one a range delete.
 * Writes are proposed on the leader and answered when committed (see above); reads (get) use
 * ReadIndex on the leader and are answered from the store once the applied index reaches the
 * read index; scans run a ReadIndex round on every group (a follower's round is forwarded to its
 * leader). The snapshot point moves to the applied index in every batch that applies entries, so
 * the committed store is always exactly the image of the snapshot Raft would send; the log is
 * compacted to it after {@code logEntriesBeforeSnapshot} entries or {@code logBytesBeforeSnapshot}
 * bytes.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>Anything that blocks the scheduler thread stalls every group on the node, and with it
 *       heartbeats: leases and elections suffer. Store reads for answers run on it too; keep
 *       scans bounded ({@code maxScanRows}).</li>
 *   <li>A snapshot is one message holding the whole group; a group above
 *       {@code maxSnapshotKeys} keys, or bigger than a frame, cannot be sent to a new
 *       replica. Splitting ranges is what bounds this, later.</li>
 *   <li>The writes of one batch entry share its fate: a dropped proposal (not leader, over the
 *       uncommitted limit) answers all of them with the same error, and they apply in arrival
 *       order at one log index.</li>
 *   <li>Writes are idempotent (put, delete) and clients retry after a timeout or a leader
 *       change, so a retried write may apply twice; a non-idempotent command would need
 *       deduplication by proposal id first.</li>
 *   <li>Removed replicas are only marked removed in memory (they stop ticking); after a
 *       restart such a replica is loaded again but cannot campaign, since its membership
 *       excludes it. Re-adding a removed node to the same group is not supported yet.</li>
 *   <li>Idle groups quiesce ({@link io.conclave.range.multiraft.Quiescence}): their leader stops
 *       heartbeating and their followers stop ticking. Followers then learn of a dead leader
 *       only from {@link io.conclave.range.multiraft.Liveness} (every node pings every peer each
 *       tick); if those pings stopped while Raft traffic flowed, a dead leader's quiesced groups
 *       would stay leaderless until a client touched them.</li>
 *   <li>The scheduler keeps at most one tick queued: after a slow cycle it skips ticks rather
 *       than running several back to back, which would time out every group at once.</li>
 * </ul>
 */
package io.conclave.range.multiraft;
