/**
 * Multi-raft ranges: one scheduler drives every range (Raft group) of a node, with the replicated
 * KV state machine, the leases and the splits those ranges run.
 *
 * <h2>The cycle</h2>
 * One scheduler thread owns every {@link io.conclave.raft.RawNode} of the node. Other threads
 * (Netty I/O threads, the ticker) only put events in its bounded inbox. Each cycle:
 * <ol>
 *   <li>drains the inbox (Raft batches, KV and admin requests, ticks), stepping and ticking the
 *       ranges concerned, which become <em>dirty</em>, queuing writes and answering or queuing
 *       reads (see Leases);</li>
 *   <li>proposes each group's queued writes as one entry ({@code Command.KvBatch}, split at
 *       {@code MAX_PROPOSAL_BATCH_BYTES}): Raft sends one APPEND per proposal to each follower,
 *       which answers each, so one entry per cycle instead of one per write divides the
 *       messages, log entries and Raft steps by the batching factor;</li>
 *   <li>collects a {@link io.conclave.raft.Ready} from every dirty group that has one, and puts
 *       all of them in the {@link io.conclave.storage.WriteBatch} being built: snapshots,
 *       entries, hard states, the state-machine writes of committed entries and the applied
 *       index;</li>
 *   <li>sends the leaders' APPEND and HEARTBEAT messages at once, before the batch is durable
 *       (see below), and answers the writes whose entries this batch applies;</li>
 *   <li>if no write is in flight, hands the batch to the {@link
 *       io.conclave.range.multiraft.BatchWriter}: one LMDB transaction and one fsync for all
 *       groups, on the writer's thread. If one is in flight, the batch keeps accumulating the
 *       next cycles' Readies behind it (group commit; "Pipelined writes" below);</li>
 *   <li>when the write in flight is durable: every other message of its Readies leaves (framed
 *       when the batch went to the writer, one RaftBatch per node with heartbeats coalesced to
 *       tuples, {@link io.conclave.range.multiraft.Outbox}, and sent by the writer thread right
 *       after the commit: persist-before-send is that line in {@code BatchWriter}); then the
 *       scheduler advances those Readies, runs the work that waited for the batch, and serves the
 *       reads whose index it published ({@code Scheduler.completeWrite}).</li>
 * </ol>
 * Requests that arrive while a write is in flight are stepped and batched meanwhile: with many
 * concurrent clients one fsync and one frame per peer carry many entries. Idle groups cost
 * nothing but the scan of the dirty set: only dirty groups are asked for a Ready, and quiesced
 * groups do not even tick.
 *
 * <h2>What may leave before the fsync</h2>
 * A replicated write used to cost three fsyncs in series: the leader's, then the follower's,
 * then the leader's batch applying it. Now the first two overlap and the third is off the
 * client's path (it rides in whatever batch is written next).
 * <p><b>A leader's appends overlap its own fsync</b> (Raft thesis 10.2.1; etcd allows the same
 * when term and vote are durable). A Ready's APPEND and HEARTBEAT messages are sent before the
 * commit only if (a) the replica is the leader in its current soft state, (b) the Ready holds
 * no snapshot and its hard state is absent or has the term and vote of the last durable one
 * (only the commit index may differ), and (c) the message names no commit index covering this
 * Ready's own entries. Everything else (votes and their responses, append and heartbeat
 * responses, snapshots, TIMEOUT_NOW, read-index traffic, every follower message) waits for the
 * commit. Why this is safe:
 * <ul>
 *   <li>Raft counts the leader's own copy toward a quorum only once it is durable: the
 *       scheduler calls {@code RawNode.advance} for a Ready after the batch holding it is
 *       durable, and only then does the leader's match move (Raft thesis 10.2.1: the leader may
 *       write in parallel with its followers, and an entry may even commit on a majority of
 *       followers alone). So no commit index, sent or answered on, rests on the leader's
 *       unfinished write, though followers' acknowledgements are stepped while it runs.</li>
 *   <li>If the write fails, the node stops. Followers may hold entries the leader lost; those entries never
 *       counted as committed, and Raft either keeps them (a follower with them wins the next
 *       election) or overwrites them. The client of such a write got no answer, and retries.</li>
 *   <li>(b) keeps a follower from seeing a term or vote the leader could forget in a crash and
 *       then vote against (two leaders in one term); a term or vote of an earlier Ready still on
 *       its way to the disk counts as not durable. (c) is a second guard where the leader alone
 *       is a quorum (one voter, perhaps with learners).</li>
 * </ul>
 * <p><b>Writes are answered when committed</b>, before the batch that applies them is durable.
 * Raft hands out as committed only entries durable on a quorum, this node included (only
 * entries persisted by an earlier, advanced Ready), so a crash before the batch commits loses
 * nothing: the applied index commits atomically with the effects, and the entry is applied
 * again after a restart, or by the next leader. Reads keep their rule: a read is served only
 * once the published applied index (as of the last commit) reaches its index, from the store;
 * a read sent after a write's answer reaches the scheduler later, with an index at least the
 * write's (see Leases).
 *
 * <h2>Pipelined writes</h2>
 * The LMDB commit and its fsync run on the writer's thread, one batch at a time; the scheduler
 * thread keeps stepping messages and proposals meanwhile, and the next cycles' Readies accumulate
 * into the batch behind it, which goes to the writer as soon as the write in flight is durable.
 * The rules that make this exactly as safe as a synchronous commit:
 * <ul>
 *   <li><b>Messages wait for their batch.</b> Every message not sent early (above) leaves when
 *       the batch holding its Ready is durable, and batches finish in order, so also every
 *       earlier one: a follower's APPEND_RESPONSE, a vote, a snapshot answer never reveal what a
 *       crash could take back. A Ready that writes nothing still waits for the writes before it
 *       (its acknowledgement may be of entries in flight).</li>
 *   <li><b>Advance after durability, in order.</b> A Ready is advanced only once its batch is
 *       durable. Until then its entries stay in Raft's unstable log, in memory, and are read
 *       from there (to send to followers); Raft hands out committed entries only up to what was
 *       advanced, so apply never runs ahead of the local durability of what it applies. A
 *       replica may have several Readies handed out and not yet advanced.</li>
 *   <li><b>Reads at apply see both batches.</b> {@link io.conclave.range.multiraft.BatchView}
 *       keeps the writes of the batch in flight (sealed) under those of the batch being built,
 *       over the store.</li>
 *   <li><b>Reads are served at the published applied index</b>, the applied index as of the
 *       last durable batch, as before.</li>
 *   <li><b>A range a split creates</b> exists only in its batch until that batch is durable: its
 *       messages are dropped (Raft resends) and its requests answered RANGE_NOT_FOUND meanwhile,
 *       and it is loaded from the store afterwards.</li>
 *   <li>A failed write stops the node, as a failed commit did; on stop the write in flight
 *       finishes and the batch behind it is committed without sending its messages.</li>
 *   <li>A scheduler driven from one thread on virtual time (the simulation, {@code runOnce})
 *       has no writer thread: it commits each batch where it would hand it over and completes
 *       it in the same turn, as a synchronous commit did. The simulation therefore checks the
 *       rules above but not the overlap itself; {@code PipelinedWriteTest} holds real writes.</li>
 * </ul>
 *
 * <h2>Ranges</h2>
 * Every Raft group is a range: group id == range id. A replica's {@code RangeDescriptor}
 * (span, replicas, generation) and {@code Lease} are range-local keys
 * ({@code Keys.rangeDescriptorKey}, {@code Keys.rangeLeaseKey}) written only by Raft apply, and
 * user data lives under the user keys themselves, so a split moves no data. A range's image (the
 * snapshot) is its range-local keys plus its data span {@code [dataStart(start), end)}; installing
 * one deletes both spans first. The scheduler keeps the initialized replicas by span end
 * ({@code spans}), which routes {@code range_id == 0} requests and refuses a snapshot whose span
 * overlaps another local replica (a range split off a range this node has not split yet: the
 * split, applied later, creates it; the leader retries the snapshot meanwhile). Bootstrap writes
 * each range's Raft state at {@code RAFT_INIT_INDEX} (log truncated there, as CockroachDB does),
 * so a replica added later always starts from a snapshot, which carries the descriptor.
 *
 * <p>Requests name their range. The router refuses what the range cannot take: no replica
 * (RANGE_NOT_FOUND), keys outside the span (RANGE_KEY_MISMATCH with this replica's descriptor
 * and the local one that holds the key), bad keys (local keys never; meta and system keys only
 * through range 1). Writes are proposed in batches (see the cycle) with the lease sequence they
 * were proposed under; at apply, on every replica alike, a write whose sequence is not the
 * current lease's, or whose keys left the span (a split applied first), writes nothing and its
 * proposer answers NOT_LEASEHOLDER or RANGE_KEY_MISMATCH. Conditional put, increment, meta updates
 * (all or nothing, {@link io.conclave.range.MetaRecords}) and delete range read at apply through {@link io.conclave.range.multiraft.BatchView}, the store
 * as the uncommitted batch will leave it, so every replica computes the same result. The size of
 * each range is kept at apply the same way. Conf changes rewrite the descriptor's replicas and
 * bump its generation. A learner is made a voter only once it has acknowledged the leader's log
 * at or above the leader's truncation point (else PROPOSAL_DROPPED, retryable): a voter that
 * never answers would wedge the range at the next removal.
 *
 * <h2>Splits</h2>
 * {@code split_range} is proposed by the leaseholder through the left range's log and checked
 * again at apply against the descriptor then current. Applying it, in the cycle's one batch: the
 * left descriptor ends at the split key with the next generation; the right range is created in
 * place on the same replicas: Raft state at {@code RAFT_INIT_INDEX}, descriptor, and the left's
 * lease (the holder serves both halves at once). A right replica that already exists
 * uninitialized (created by an early message of the right range's new leader) keeps its term and
 * vote and is initialized in place: its Ready of that cycle, if not yet persisted, is dropped
 * and the object replaced ({@code retired}) once the batch is durable. One that is already
 * initialized (it got a snapshot) is left alone. The right replica is loaded from the store
 * once the batch creating it is durable, and the node
 * that led the left campaigns for the right at once.
 *
 * <h2>Replica GC</h2>
 * A replica removed from its range while its node was down or cut off, or one that appended its
 * removal but never learned that it committed (a leader sends nothing to a non-member), keeps
 * its old, wide descriptor in {@code spans}: it campaigns in vain and refuses for ever the
 * snapshots of ranges split off its span since. So (CockroachDB's replica GC, adapted):
 * <ul>
 *   <li><b>Notice.</b> A node whose replica of range X is initialized and receives Raft traffic
 *       for X from a node N outside its applied descriptor (a pre-vote of a campaigning stale
 *       replica, usually) answers N with {@code ReplicaRemoved}: its descriptor and its applied
 *       index A, in the node-to-node Raft batch, at most once per election timeout per (range,
 *       node). A replica that blocks a snapshot also asks its range's members outright
 *       ({@code ReplicaProbe}) and is woken: a learner never campaigns, a quiesced one not
 *       until woken.</li>
 *   <li><b>Rule.</b> N destroys its replica of X only if (a) N is not in the notice's
 *       descriptor, (b) that descriptor's generation is above N's, (c) N's Raft last index
 *       (stable and unstable) is at most A, and (d) X is not being created by a split or
 *       destroyed already in a batch not yet durable. Why it is safe: the notice's descriptor is
 *       committed (applied at A), so everything N holds at or below A is committed and applied
 *       on a quorum of a configuration that excludes N; dropping N's log loses no entry a quorum
 *       counts on. A log beyond A may be that of a re-added N acknowledging new entries: it
 *       waits for a later notice. A replica that applied a descriptor excluding itself and holds
 *       nothing past it is its own notice (one revived by a heartbeat its leader sent before
 *       applying the removal, then left; checked when it blocks a snapshot and an election
 *       timeout after its revival).</li>
 *   <li><b>Destroy</b>, in the batch being built: its Raft state but its term and vote (a vote
 *       is never forgotten; a replica created later starts from them, commit 0, empty log), its
 *       range-local keys, its data if no other replica of this node (removed ones included) or
 *       range being created overlaps it, and a node-local <b>tombstone</b>
 *       ({@code Keys.rangeTombstoneKey}) at the notice's generation. It leaves the span index and
 *       the scheduler's maps; its waiting requests are answered RANGE_NOT_FOUND (retryable), its
 *       messages dropped until the batch is durable (a replica loaded before then would read the
 *       old state). Readies of it in earlier batches are overwritten, never sent or advanced.</li>
 *   <li><b>Tombstone.</b> A snapshot of X at a generation not above it is refused (from a leader
 *       that has not applied the removal); a newer one installs and clears it. A split applied
 *       late that would create X is not applied to X. Until a snapshot initializes X again, this
 *       node drops votes and pre-votes for X: its log, with the entries it acknowledged, is gone,
 *       and its vote could elect a leader missing them (etcd's Raft lets any replica vote; with no
 *       replica ids, the tombstone is what refuses).</li>
 * </ul>
 * A restart loads the tombstones and, for X, only the kept term and vote. Not covered: a stale
 * replica whose old range's replicas all left their nodes' stores (no one to answer), and one
 * whose log runs past every A it is sent (an uncommitted tail of its own term) until the range
 * applies more; CockroachDB asks meta instead.
 *
 * <h2>Leases</h2>
 * Expiration-based and replicated through the range's log ({@link io.conclave.range.LeaseRules}
 * holds the rules: validity, stasis of the last max offset, non-overlap across holders, a request
 * names the lease it replaces). The Raft leader acquires one on demand when a request finds none
 * valid (the request waits, parked on the replica, retried each tick); a Raft leader facing
 * another node's valid lease hands Raft leadership to that holder (as CockroachDB does), since
 * only the leader can propose, so writes need lease and leadership together; a holder that is
 * not (yet) the leader parks its requests until leadership arrives. Only ranges that served
 * within one lease duration renew, in the second half of the lease: idle ranges let their
 * leases lapse and cost no Raft writes. A transfer: the holder stops serving at once, proposes a
 * lease for the target starting now with the next sequence, and once applied hands Raft
 * leadership over. After a restart a node does not use a lease it held before (a transfer it
 * proposed may still apply) until a lease request of its own, from this run, applied.
 *
 * <p>Reads on the leaseholder take no Raft round: a read waits only until the published applied
 * index reaches the commit index known when it arrived. That covers every acknowledged write:
 * this node answers its writes only once it applied them, and an earlier holder's writes precede
 * this node's lease in the log (a write under an older lease sequence never applies after it).
 *
 * <p>Snapshots: the snapshot point moves to the applied index in every batch that applies
 * entries, so the committed store is always exactly the image of the snapshot Raft would send;
 * the log is compacted to it after {@code logEntriesBeforeSnapshot} entries or
 * {@code logBytesBeforeSnapshot} bytes.
 *
 * <h2>Transactions</h2>
 *
 * <p>Range 1 (meta and system keys) keeps single-version keys and the plain KV code of
 * {@link io.conclave.range.multiraft.KvApplier}. Every other range stores its user keys
 * multi-version ({@link io.conclave.range.mvcc.MvccKeys}: intents, versions newest first,
 * transaction records after a key's versions), so its data span in the store is
 * {@code [storeKey(start), storeKey(end))}: snapshots, the delete span of an install, size
 * accounting and split suggestions (store rows folded back to user keys) all use it, and a
 * split at a user key moves every version, intent and record of the keys above it. Every
 * request on a user range, transactional or not, is evaluated by
 * {@link io.conclave.range.mvcc.MvccEvaluator}:
 * <ul>
 *   <li><b>Reads</b> (get, scan, txn_get, txn_scan, txn_refresh) are served by the leaseholder
 *       from the committed store once the published applied index covers the commit index, as
 *       before, with an {@code EvalContext} whose {@code now} is the clock reading taken when
 *       the request was routed. A read timestamp above the clock first moves the clock up to it
 *       (or is refused with CLOCK_OFFSET beyond the max offset).</li>
 *   <li><b>Writes</b> (put, delete, conditional put, increment, delete range, txn_prepare,
 *       txn_heartbeat, txn_end, txn_push, txn_resolve, mvcc_gc) are proposed in a
 *       {@code Command.MvccBatch} carrying, per request, the leaseholder's clock reading and the
 *       timestamp cache's floor for its keys. At apply every replica evaluates against the
 *       {@link io.conclave.range.multiraft.BatchView} with those inputs plus its applied lease
 *       start and GC threshold, so all compute the same writes. The evaluator's writes are
 *       collected and reach the batch only if it returns: an engine bug answers INTERNAL and
 *       writes nothing, deterministically, instead of stopping every replica; a store failure
 *       during evaluation still stops the node.</li>
 *   <li><b>Timestamp cache</b> ({@link io.conclave.range.multiraft.TimestampCache}): per range,
 *       on the leaseholder, in memory. A read is recorded when it is routed, before it is
 *       served (recording a read that then fails only pushes writers needlessly; recording after
 *       serving would let a write proposed in between land below it unseen), except a limited
 *       scan, which records the span it read when it is served (below). Writes take
 *       {@code floor(keys, txn)}: above every read of their keys by another transaction. Its
 *       low-water mark is the start of this node's lease when the lease begins, the left
 *       range's highest read for a split's right range, and the clock's reading when it is made
 *       lazily (an extended lease from before a restart); eviction raises it.</li>
 *   <li><b>Latches</b>: the footprints (user keys, clipped spans) of writes proposed here that
 *       may still apply. A latch stays after its write is answered AMBIGUOUS_RESULT (timeout,
 *       lost leadership) and goes only when the applied index reaches the log index the write
 *       was appended at (whatever entry now holds it: the write or a new leader's replacement;
 *       entries never change index) or when the range's lease sequence is no longer the one it
 *       was proposed under (apply refuses it then; sequences only grow); a write refused before
 *       reaching the log releases its latch when answered. A read overlapping one is proposed
 *       through the log too, evaluated at apply
 *       behind the write (only the proposer evaluates and answers it; a lost one is retryable,
 *       never AMBIGUOUS_RESULT), so it cannot miss an intent or version about to appear below
 *       its timestamp. Other reads are served locally. Records (heartbeat, push) and GC take no
 *       latch: no read looks at records, and GC removes nothing a read at or above the
 *       threshold sees. A latch leaves the map only once the batch applying its write is
 *       durable (published); reads checked before they are served ignore it once applied, since
 *       they wait for that batch anyway.</li>
 *   <li><b>Limited scans claim only what they read</b> ({@code Scheduler.serveLimitedScan}).
 *       A txn_scan with a limit (every scan the coordinator sends: its page is a limit) that
 *       stopped early answers resume key R and observed exactly [start, R): rows at or after R
 *       were not returned and could not have changed its answer (a row inserted below R could
 *       have, or moved R). So it is served optimistically: nothing is recorded or checked when it
 *       is routed; when its index is published it is evaluated from the store, then judged
 *       against the latches of [start, R) (the whole span if it was not cut short or failed),
 *       counting writes applied but not yet published. A write in flight there sends it through
 *       the log as above, its whole span recorded in the timestamp cache first; otherwise only
 *       [start, R) is recorded, at its read timestamp, and it is answered. The coordinator
 *       refreshes [start, R) only. Safe because the evaluation, the check and the record happen
 *       in one turn of the scheduler thread, where alone writes are proposed and applied; the
 *       writer thread may make a batch durable meanwhile, but only of writes already applied,
 *       whose latches the check counts until published. A write proposed between the scan's
 *       routing and its serving was not pushed above it: it is either unpublished (its latch
 *       counts) or in the store the scan read. Gets, unlimited scans and refreshes keep the
 *       route-time rule; uncertainty, intents and observed timestamps are judged inside the
 *       span read exactly as before.</li>
 *   <li><b>Routing</b>: txn_heartbeat, txn_end and txn_push go to the range of the (pushee's)
 *       anchor key; txn_prepare, txn_resolve and txn_refresh to that of their first key, and
 *       every key must lie in it (a refresh span too, end included: clipping it would leave
 *       the part split off since unchecked), else RANGE_KEY_MISMATCH. Keys must be user keys; a transactional request is at most
 *       {@code MvccRequests.MAX_TXN_REQUEST_BYTES}.</li>
 *   <li><b>Commit-wait</b>: a txn_end that commits with commit_wait, or a one-phase txn_prepare
 *       that commits with commit_wait, starts its wait when it is proposed (its commit timestamp
 *       is fixed then: it commits there or not at all, and waiting for every clock to pass a
 *       timestamp is harmless if nothing commits at it), so the witness round overlaps the Raft
 *       round; it is applied like any write, then its proposer hands the
 *       answer to the {@link io.conclave.clock.CommitWaiter}'s wait, which completes it (from its timer
 *       thread or, when a witness round ends it, a transport thread; {@code Pending} is safe for
 *       that) once the commit timestamp is past on every clock, with commit_wait_nanos set to the part of
 *       the wait left after the apply. The scheduler thread
 *       never blocks on it. A write answered with a timestamp above the proposer's clock moves
 *       the clock up to it, so that a read on this node after the answer sees it.</li>
 *   <li><b>GC</b>: an applied mvcc_gc raises the range's threshold (range-local key
 *       {@code Keys.rangeGcThresholdKey}, carried in snapshots, inherited by a split's right
 *       range); reads below it fail GC_THRESHOLD. The node's maintenance loop sends the pages.</li>
 *   <li><b>Waits</b>: a txn_push that loses and asked to wait is not answered at apply but
 *       parked in the range's {@link io.conclave.range.multiraft.TxnWaitQueue} (evaluated again
 *       when a command finishes or pushes its pushee here, or when the pushee's record expires;
 *       answered PUSH_FAILED when its wait is over), unless the waits-for edges it carries close
 *       a cycle whose victim is its pushee ({@link io.conclave.range.mvcc.Deadlocks}): then it is
 *       proposed again marked {@code deadlock_victim} and aborts it. txn_query is served as a
 *       read, with the queue's edges into the queried transaction added. A txn_prepare that
 *       meets an intent waits in the {@link io.conclave.range.multiraft.LockTable} at that key
 *       until a resolve there releases it (first waiter first) or 50 ms pass.</li>
 *   <li>{@code AdminRequest.now} answers the node's hybrid-clock reading, node id and max
 *       offset: transactions take their timestamps there.</li>
 * </ul>
 *
 * <h2>Driven by a simulation</h2>
 * The scheduler's thread only loops over "drain the inbox, run a cycle". A package-private mode
 * ({@code Scheduler.startDriven}, then {@code runOnce} per turn) lets one caller thread do that
 * instead, so that the simulation in this package's tests ({@code RangeSim}) runs the real
 * schedulers of 3 to 5 nodes over real LMDB stores from one seed: the clock under each node's
 * HLC is a {@code ManualClock} with a fixed skew, the commit-wait timer a
 * {@code ManualScheduler}, the statistics' nanosecond clock and the stores' commit timer the
 * virtual time, and Raft elections and proposal ids draw from the seed through the scheduler's
 * {@code randomSeed}. The production path is the same loop, calling the same two methods. The
 * simulation checks after every step that no two nodes may serve overlapping spans under
 * their leases at one instant ({@code replicaViews}) and that each range-1 replica's committed
 * meta is a tiling of the keyspace with no record ahead of its range's descriptors, and after
 * healing that the descriptors
 * tile the keyspace, meta matches them, the replicas of each range store the same bytes, and
 * every key's history (puts, conditional puts, gets, scans) is that of a linearizable register.
 * It does not cover transactions (the txn module's simulation does) or the maintenance loop
 * beyond its meta repair.
 *
 * <h2>Hazards</h2>
 * <ul>
 *   <li>A start wakes range 1 at once and the other replicas {@code STARTUP_WAKES_PER_TICK} per
 *       tick (or earlier, when a message or a request reaches them): waking thousands together
 *       made thousands of elections in the same ticks, and meta and liveness waited behind them
 *       for up to 20 seconds with 10,000 ranges.</li>
 *   <li>Anything that blocks the scheduler thread stalls every group on the node, and with it
 *       heartbeats: leases and elections suffer. Store reads for answers run on it too; keep
 *       scans bounded ({@code maxScanRows}).</li>
 *   <li>A snapshot is one message holding the whole range; a range above
 *       {@code maxSnapshotKeys} keys, or bigger than a frame, cannot be sent to a new
 *       replica. Splits by size are what bound this; a range that cannot split is stuck.</li>
 *   <li>Reads at apply (conditional put, increment, delete range, sizes) go through
 *       {@link io.conclave.range.multiraft.BatchView}; a data write that bypassed it would make
 *       replicas disagree. Delete range and the size computed at load and split scan the span on
 *       the scheduler thread: large ranges stall every range of the node meanwhile.</li>
 *   <li>Lease safety rests on the clocks staying within the max offset (the node's offset guard
 *       stops a node that drifts) and on the max offset being the same on every node: the
 *       non-overlap check runs at apply with the local setting.</li>
 *   <li>A leaseholder that dies leaves its ranges unserved until its lease expires plus the max
 *       offset (9 s by default); clients retry meanwhile. Removing the leaseholder's own replica
 *       has the same cost: transfer the lease first.</li>
 *   <li>Data of a replica that applied its own removal, of one destroyed by replica GC while
 *       another replica here overlapped it, or beyond the span of a snapshot that shrank a
 *       replica, stays in the store until a later snapshot of that span deletes it; it is never
 *       served (requests are checked against the descriptor).</li>
 *   <li>The writes of one batch entry share its fate: a dropped proposal (not leader, over the
 *       uncommitted limit) answers all of them with the same error, and they apply in arrival
 *       order at one log index.</li>
 *   <li>A write whose fate is unknown (leadership lost after proposing, timeout after
 *       proposing) is answered AMBIGUOUS_RESULT: it may still apply. No write may be replayed
 *       blindly: a replayed put or delete reverts what others wrote in between, so the range
 *       client hands AMBIGUOUS_RESULT to its caller.</li>
 *   <li>A removed replica keeps its log, term and vote and stops ticking; after a restart it is
 *       loaded again but cannot campaign, since its membership excludes it. Appends, heartbeats
 *       or a snapshot from a leader revive it (the range took the node back, see
 *       {@code Scheduler.readdedBy}); votes never do.</li>
 *   <li>A replica removed without hearing of it keeps its old descriptor in the span index until
 *       replica GC destroys it (above): until then a snapshot of a range split off its old span
 *       overlaps it and is refused. GC needs a member of its old range to answer it; if none is
 *       left, or its log runs past what they applied, it stays (the simulation's seeds 108,
 *       1114 and others, replayed in CI, found the cases covered).</li>
 *   <li>A snapshot overlapping a replica revived by {@code readdedBy} that has not applied its
 *       own return yet (out of the span index) is refused as well: its replay applies the splits
 *       that create such ranges, and its return would index it over them (the simulation saw
 *       two ranges indexed at one end, which stopped a node at its restart).</li>
 *   <li>A replica revived by {@code readdedBy} replays its log from where its removal left it.
 *       That is only safe while its old span overlaps no other replica of this node: if its span
 *       was split meanwhile and this node got a piece by snapshot, the replay would apply
 *       pre-split entries over that piece's data (the simulation saw a learner's copy gain
 *       versions its range never wrote, -Drangesim.seed=1030 -Drangesim.maxAttempts=100). Such a
 *       replica is not revived by appends: it refuses them as a replica with an empty log would,
 *       so the leader sends a snapshot of the range as it is now, which revives it.</li>
 *   <li>Idle groups quiesce ({@link io.conclave.range.multiraft.Quiescence}): their leader stops
 *       heartbeating and their followers stop ticking. Followers then learn of a dead leader
 *       only from {@link io.conclave.range.multiraft.Liveness} (every node pings every peer each
 *       tick); if those pings stopped while Raft traffic flowed, a dead leader's quiesced groups
 *       would stay leaderless until a client touched them.</li>
 *   <li>A write proposed but not applied within the request timeout is answered
 *       AMBIGUOUS_RESULT while it may still apply; its latch stays until its log index is applied
 *       or the lease changes, so reads of its keys meanwhile go through the log (and fail or
 *       wait while the group cannot commit) instead of missing it. This rests on the index
 *       {@code RawNode.propose} returns being where the entry stays, and on apply refusing a
 *       write of an older lease sequence; a change to either reopens the hole. A range whose
 *       log cannot commit keeps such latches (bounded by its uncommitted log).</li>
 *   <li>The timestamp cache lives in memory on the leaseholder. Its correctness across lease
 *       changes rests on leases never overlapping and on every served read timestamp lying at or
 *       below the serving node's clock (reads forward it); a node whose clock jumps back across
 *       a restart and then serves under an extended lease relies on the lazy low-water mark
 *       (the clock's reading when made).</li>
 *   <li><b>Claims break that premise</b> ({@code Scheduler.serveClaimingRead}: a TxnGet with
 *       claim_nanos records its key up to min(read ts + claim, 500 ms at most, lease expiration
 *       - max offset), never over a newer version or intent of the key, a write in flight, or a
 *       writer a claim pushed that has not got through). A claim lies above the holder's clock,
 *       so: (a) a lease taken after expiry starts at or after the old expiration + max offset,
 *       above every claim: nothing to do; (b) a transfer starts the new lease at the holder's
 *       clock, so the transfer carries the holder's highest claim ({@code Lease.reads_below},
 *       {@code LeaseRules.readsBelow}) and the new holder's cache starts its claims there; no
 *       claim is granted once the transfer is proposed (checked when the claim is served); (c) a
 *       split's right half inherits the left's highest claim as well as its highest read; there
 *       are no merges; a cache made lazily starts its claims one longest claim above the clock
 *       (the clock's persisted high-water mark is at or above every read timestamp of before);
 *       (d) claims are kept apart from reads, bounded (256 keys): evicting one raises the claims
 *       low-water mark. A claim pushes a write ahead of every clock, which only a transaction
 *       may be (its commit waits until every clock passed it; its coordinator first waits for
 *       its own clock to get there): so a named claim pushes every write of its key, but the
 *       claims low-water mark (a predecessor's claims, evicted ones, a restart's) pushes only
 *       transactional writes. It only ever delays them (by at most a longest claim); a
 *       non-transactional write of a key claimed before such a mark would not be pushed, and no
 *       claimed key (the SQL catalog version) is written that way. Reads never see the marks.</li>
 *   <li>Removed transaction records are protected by the timestamp cache: before a removal
 *       (txn_resolve remove_record) is proposed, the record's key is marked in the cache at
 *       max(now, the transaction's timestamp), and a heartbeat, commit or push proposed after it
 *       takes that mark as its floor, so it cannot create the record again. Marks are kept
 *       apart from reads (a read of a user span covers record store keys). The mark is memory:
 *       a new leaseholder's low-water mark (its lease start) stands in for every mark, and
 *       eviction raises it the same way, except for a coordinator's first write of its record
 *       (TxnHeartbeat.create), which only the coordinator's own removal could precede (the
 *       maintenance loop removes an abandoned COMMITTED record only once the transaction is
 *       below the range's durable GC threshold, where even a create finds it removed).</li>
 *   <li>The txn wait queue and the lock table are memory of the leaseholder, bounded (10,000
 *       waiters each) and answered before their request's own deadline; a lease change answers
 *       them (PUSH_FAILED, WRITE_INTENT) and their coordinators push again at the new holder.
 *       Deadlock detection needs every waiting pusher to ask its own record's range who waits
 *       for it: a cycle through a pusher that cannot (no record: it holds no intents, so it
 *       cannot be on a cycle) does not exist.</li>
 *   <li>The scheduler keeps at most one tick queued: after a slow cycle it skips ticks rather
 *       than running several back to back, which would time out every group at once.</li>
 * </ul>
 */
package io.conclave.range.multiraft;
