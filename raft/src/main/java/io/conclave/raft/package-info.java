/**
 * Raft consensus as a pure, deterministic state machine, in the structure of etcd's raft.
 *
 * <h2>Shape</h2>
 * {@link io.conclave.raft.RawNode} is the whole public surface: {@code tick}, {@code step},
 * {@code propose}, {@code proposeConfChange}/{@code applyConfChange}, {@code transferLeadership},
 * {@code readIndex}, and the {@code hasReady}/{@code ready}/{@code advance} cycle. Inside:
 * {@code Raft} (the protocol: roles, elections, replication), {@code RaftLog} over
 * {@code Unstable} (entries handed out but not yet persisted) and {@link
 * io.conclave.raft.RaftStorage} (what the caller persisted), {@code ProgressTracker} and
 * {@code Progress}/{@code Inflights} (the leader's per-peer replication and flow control),
 * {@code ReadOnly} (pending ReadIndex requests). Nothing here does I/O, starts a thread, reads a
 * clock or uses an unseeded random source: time is {@code tick()}, randomness is a
 * {@code SplittableRandom} seeded by {@code RaftConfig.randomSeed}, so a simulation replays.
 *
 * <h2>The contract with the caller (the hazards)</h2>
 * <ul>
 *   <li><b>Persist before send.</b> A Ready's messages may acknowledge its entries or reveal its
 *       hard state (a vote, a commit index counting the leader's own unpersisted entries); send
 *       them only after entries, hard state and snapshot are durable. Sending first can lose an
 *       acknowledged entry or let a replica vote twice in a term after a crash.</li>
 *   <li><b>Apply only what is persisted.</b> Committed entries are handed out only up to the last
 *       index the caller confirmed persisted by {@code advance}.</li>
 *   <li><b>A leader counts itself once persisted.</b> Its own copy counts toward a quorum only
 *       when {@code advance} confirms it, not at append (Raft thesis 10.2.1: replicate in
 *       parallel with the leader's own write; commit on durable copies only). So a caller may
 *       hand out several Readies before advancing the first (a pipelined writer), sending each
 *       Ready's messages once its write and every earlier one is durable, and still no commit
 *       index rests on an unfinished write.</li>
 *   <li><b>Advance in order.</b> Each Ready is handed out once; advancing a Ready confirms its
 *       entries and snapshot persisted and its committed entries applied.</li>
 *   <li><b>Snapshot before compacting.</b> {@code storage.snapshot()} must cover every
 *       compacted index; see {@link io.conclave.raft.RaftStorage} for this and the bootstrap
 *       convention (initial membership written as the first log entries).</li>
 * </ul>
 *
 * <h2>Elections</h2>
 * Randomized timeouts in [electionTicks, 2·electionTicks). With pre-vote a candidate first asks
 * whether it could win without bumping any term, so a node returning from a partition with a
 * stale log (or none) does not force the group through a new term. With check-quorum a leader
 * that has not heard from a quorum within an election timeout steps down, and a follower that
 * heard from a leader within the election timeout ignores (pre)votes (leader stickiness) unless
 * they carry the leader-transfer context. A replica that is not a voter of the configuration it
 * knows never campaigns. The election timer restarts only on hearing from the leader or on
 * granting a vote, not on adopting a higher term from a vote request we reject: otherwise
 * candidates with stale logs whose clocks run faster could keep the only electable replicas
 * from ever timing out (without pre-vote, a livelock).
 *
 * <h2>Replication and commit</h2>
 * Per peer: PROBE (one APPEND per round trip until the logs' meeting point is found, using the
 * follower's rejection hint to skip whole terms; a probe resent because a heartbeat was answered
 * carries no entries, so a follower slow to answer is not sent the same megabyte every tick),
 * REPLICATE (streaming, bounded by
 * {@code maxInflightMsgs} unacknowledged messages and {@code maxInflightBytes} of their entries,
 * each message at most {@code maxSizePerMsgBytes} of entries but never empty for lack of room:
 * the byte bound is what keeps a follower far behind from being sent its whole backlog at once),
 * SNAPSHOT (the follower needs compacted entries).
 * The leader commits an index only when a quorum of voters holds it <em>and</em> it is of the
 * leader's term (Raft §5.4.2, the Figure 8 scenario); a new leader appends an empty entry to get
 * there. Heartbeats carry {@code min(match, commit)} so a follower never learns a commit index
 * beyond entries it is known to hold. A leader refuses proposals beyond {@code
 * maxUncommittedBytes} of unapplied payload (but always admits one when nothing is pending).
 *
 * <h2>Membership: one change at a time, effective on apply</h2>
 * A conf change is an entry; it takes effect on a replica when the caller applies it and calls
 * {@code applyConfChange}. Safety argument: with single-server changes, any majority of the old
 * voter set and any majority of the new one intersect, so two leaders of the same term cannot be
 * elected by disjoint quorums — provided no two changes overlap. We ensure that by refusing a new
 * change while an earlier one is appended but not yet applied at the leader ({@code
 * pendingConfIndex > applied}), and by setting {@code pendingConfIndex} to the leader's last
 * index on election, so a new leader cannot propose a change until everything in its log,
 * including its own first (empty) entry, is committed and applied. The latter closes the hole
 * found in the thesis' original single-server algorithm (a change from a previous term, still
 * uncommitted, plus a new change from a new leader could produce disjoint majorities). A replica
 * also does not campaign while a committed conf change is unapplied, since it does not yet know
 * the voters it must ask. Learners receive the log but never vote or count toward a quorum;
 * ADD_VOTER on a learner promotes it; demoting a voter to learner is refused (remove it first),
 * and removing the last voter is refused (a replayed one is a no-op on apply).
 *
 * <p>A leader that applies its own removal keeps leading without counting itself, refuses
 * proposals (TRANSFERRING_LEADERSHIP), brings the most up-to-date remaining voter level with its
 * log, sends it TIMEOUT_NOW and steps down; it then never campaigns, being outside the
 * configuration. The hazard is a wedge: a remaining voter that has not learned that the removal
 * committed still counts us (in a two-voter group it needs our vote), and we refuse our vote
 * while our log is longer than its. So a leader also refuses proposals while a conf change
 * removing it is appended but not applied: its log then ends at the removal (or at its own
 * first entry, committed with it), which every voter that acknowledged the removal holds, and
 * the wedge cannot arise even if the removed leader crashes or steps down by check-quorum
 * before handing over. Transferring leadership away before removing the leader (as CockroachDB
 * does) remains the smoother path.
 *
 * <h2>Leader transfer</h2>
 * {@code transferLeadership(id)}: the leader refuses proposals (TRANSFERRING_LEADERSHIP), brings
 * the transferee up to date, then sends TIMEOUT_NOW; the transferee campaigns at once, without
 * pre-vote, with a context that overrides leader stickiness. Aborted after one election timeout.
 *
 * <h2>ReadIndex</h2>
 * etcd's ReadOnlySafe: the leader records its commit index, broadcasts a heartbeat carrying the
 * request context, and once a quorum acknowledged, answers with a {@link
 * io.conclave.raft.ReadState}; the read is linearizable once the replica applied that index. A
 * leader that has not yet committed an entry of its term drops the request (it may not know the
 * latest commit index). Followers forward requests to the leader. Contexts identify requests:
 * they must be unique among a group's outstanding reads (a duplicate is dropped), and at most
 * 4096 may be pending at a leader.
 */
package io.conclave.raft;
