package io.conclave.range.multiraft;

import io.conclave.raft.ConfChange.ConfChangeType;
import io.conclave.raft.ConfChange;
import io.conclave.raft.ConfState;
import io.conclave.raft.Entry;
import io.conclave.raft.EntryType;
import io.conclave.raft.HardState;
import io.conclave.raft.Message;
import io.conclave.raft.MessageType;
import io.conclave.raft.ProposalDroppedException;
import io.conclave.raft.RaftConfig;
import io.conclave.raft.RawNode;
import io.conclave.raft.ReadState;
import io.conclave.raft.Ready;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.range.rpc.AddReplica;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.RaftBatch;
import io.conclave.range.rpc.RangeReply;
import io.conclave.storage.GroupStorage;
import io.conclave.storage.Store;
import io.conclave.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Drives every Raft group of one node from one thread. See the package documentation for the
 * cycle; the public methods only enqueue and may be called from any thread.
 */
public final class Scheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** How long an idle scheduler thread waits for input before checking again. */
    private static final long IDLE_POLL_MILLIS = 50;
    private static final long STOP_WAIT_MILLIS = 5_000;
    /** Largest entry the raft config below lets one APPEND carry. */
    private static final long MAX_RAFT_MESSAGE_BYTES = 1 << 20;
    /**
     * Writes of one cycle to one group are proposed together up to this many request bytes (a
     * single larger write still goes alone): a quarter of a Raft message, so that a batch never
     * makes a follower's APPEND exceed it and a slow follower still catches up in a few messages.
     */
    static final long MAX_PROPOSAL_BATCH_BYTES = MAX_RAFT_MESSAGE_BYTES / 4;
    /**
     * Cycles an fsync-free batch (commit indexes, applies) may wait for a commit that syncs
     * anyway; bounds the work a crash makes the node apply again and how long reads wait.
     */
    static final int MAX_DEFERRED_CYCLES = 8;

    /** Where the scheduler sends Raft traffic, and how it names a leader's address to clients. */
    public interface PeerNetwork {
        /** One-way; may drop (Raft retransmits). Must not block. */
        void send(long nodeId, RaftBatch batch);

        /** {@code host:port} of a node, or null if unknown. */
        String addressOf(long nodeId);

        /** A group's log (or the store, at start) says where {@code nodeId} listens. */
        void learnAddress(long nodeId, String hostPort);
    }

    private sealed interface Event permits RaftIn, KvIn, AdminIn, Tick, Stop {}

    private record RaftIn(long fromNode, RaftBatch batch) implements Event {}

    private record KvIn(KvRequest request, Consumer<RangeReply> reply) implements Event {}

    private record AdminIn(AdminRequest request, Consumer<RangeReply> reply) implements Event {}

    private record Tick() implements Event {}

    private record Stop() implements Event {}

    private record Expiry(long deadlineTick, Pending pending, Runnable forget) {}

    private record PendingWrite(long groupId, Pending pending) {}

    private record GroupIndex(long groupId, long index) {}

    final long localNodeId;
    private final Store store;
    private final SchedulerSettings settings;
    private final PeerNetwork network;
    private final Consumer<Throwable> onFatal;
    private final long randomSeed;
    private final BlockingQueue<Event> inbox;
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final Thread thread;

    // Everything below is confined to the scheduler thread.
    private final Map<Long, Replica> replicas = new TreeMap<>();
    private final Set<Replica> dirty = new LinkedHashSet<>();
    /** Replicas that tick: all but the quiesced and the removed. Idle groups leave this set. */
    private final Set<Replica> awake = new LinkedHashSet<>();
    /** This cycle's outgoing Raft traffic, one batch per peer node. */
    private final Outbox outbox = new Outbox();
    /** Leaders' appends and heartbeats that leave before the cycle's commit; see {@link #sendBeforeCommit}. */
    private final Outbox earlyOutbox = new Outbox();
    /** Answers to this cycle's committed writes proposed here; see {@link #answerCommittedWrites}. */
    private final List<Runnable> committedWriteAnswers = new ArrayList<>();
    private final Liveness liveness;
    /** Every other node that is a member of some local group; recomputed when memberships change. */
    private Set<Long> peerNodes = Set.of();
    private boolean peerNodesStale = true;
    private final Set<Replica> readsToIssue = new LinkedHashSet<>();
    private final Set<Replica> writesToPropose = new LinkedHashSet<>();
    /** A batch of commit indexes and applies waiting to ride on the next commit; see {@link #mayDefer}. */
    private WriteBatch deferredBatch;
    private int deferredCycles;
    /** Replicas whose applied index moved since the last commit: their reads wait for it. */
    private final Set<Replica> unpublished = new LinkedHashSet<>();
    private final Set<Long> groupsToPersist = new LinkedHashSet<>();
    private final Map<Long, PendingWrite> pendingWrites = new HashMap<>();
    private final Map<GroupIndex, Pending> pendingConfChanges = new HashMap<>();
    private final Map<Long, Replica.ReadBatch> readBatches = new HashMap<>();
    private final ArrayDeque<Expiry> expiries = new ArrayDeque<>();
    /** Raft hears that a snapshot went out only after the Ready that sent it was advanced. */
    private final List<Runnable> pendingSnapshotReports = new ArrayList<>();
    private final KvApplier applier;
    private long tickCount;
    // Written only by the scheduler thread, read by any: volatile is enough for counters.
    private volatile long statCycles;
    private volatile long statCommits;
    private volatile long statCommitNanos;
    private volatile long statReadies;
    private volatile long statEntriesPersisted;
    private volatile long statEntriesApplied;
    private volatile long statBatchesSent;
    private volatile long statMessagesSent;
    private volatile long statMessagesSentBeforeCommit;
    private volatile long statWritesAnsweredBeforeCommit;
    private volatile long statBatchesDeferred;
    private final java.util.function.LongSupplier nanoClock = System::nanoTime; // stats only
    private long nextProposalId;
    private long nextReadId;

    /**
     * @param randomSeed seeds election jitter and the proposal id sequence; pick a fresh one per
     *     process start so proposal ids of a previous run never match a new one
     * @param onFatal called once if the scheduler thread dies (a storage failure, a broken
     *     invariant); the node must stop then, since it can no longer persist or answer
     */
    public Scheduler(long localNodeId, Store store, SchedulerSettings settings, PeerNetwork network,
            long randomSeed, Consumer<Throwable> onFatal) {
        Invariants.check(localNodeId > 0, "node id must be positive, was %s", localNodeId);
        this.localNodeId = localNodeId;
        this.store = store;
        this.settings = settings;
        this.network = network;
        this.onFatal = onFatal;
        this.randomSeed = randomSeed;
        this.inbox = new ArrayBlockingQueue<>(settings.inboxCapacity());
        SplittableRandom random = new SplittableRandom(randomSeed);
        this.nextProposalId = random.nextLong() & Long.MAX_VALUE;
        this.nextReadId = random.nextLong() & Long.MAX_VALUE;
        this.applier = new KvApplier(localNodeId, store, settings);
        this.liveness = new Liveness(settings.electionTicks());
        this.thread = new Thread(this::run, "conclave-scheduler-n" + localNodeId);
    }

    /** Writes the initial membership of groups 1..groupCount into a fresh store. */
    public static void bootstrap(Store store, int groupCount, Set<Long> voters) {
        ConfState cs = new ConfState(voters, Set.of());
        WriteBatch batch = store.newBatch();
        for (long g = 1; g <= groupCount; g++) {
            batch.setApplied(g, 0, cs);
            batch.setSnapshotMeta(g, new SnapshotMetadata(0, 0, cs));
        }
        store.commit(batch);
    }

    /** Loads every group the store holds and starts the scheduler thread. */
    public void start() {
        for (var kv : store.scan(KvKeys.nodeAddressStart(), KvKeys.nodeAddressEnd(), 100_000)) {
            long node = ByteBuffer.wrap(kv.key(), KvKeys.PREFIX_BYTES + 1, 8).getLong();
            network.learnAddress(node, new String(kv.value(), StandardCharsets.UTF_8));
        }
        for (long g : store.groupIds()) loadReplica(g);
        LOG.info(() -> "node " + localNodeId + " scheduler starting with " + replicas.size() + " groups");
        thread.start();
    }

    public void receiveRaft(long fromNode, RaftBatch batch) {
        if (!inbox.offer(new RaftIn(fromNode, batch))) {
            LOG.fine(() -> "inbox full; dropped a raft batch from node " + fromNode);
        }
    }

    public void submitKv(KvRequest request, Consumer<RangeReply> reply) {
        if (!inbox.offer(new KvIn(request, reply))) reply.accept(overloaded());
    }

    public void submitAdmin(AdminRequest request, Consumer<RangeReply> reply) {
        if (!inbox.offer(new AdminIn(request, reply))) reply.accept(overloaded());
    }

    /**
     * Advances every group's logical clock by one tick; called by the node's ticker. At most one
     * tick waits in the inbox: a scheduler that fell behind must not then run several ticks
     * back to back without handling messages in between, or every group would time out at once
     * and campaign (an election storm that keeps it behind).
     */
    public void tick() {
        if (tickQueued.compareAndSet(false, true) && !inbox.offer(new Tick())) tickQueued.set(false);
    }

    public SchedulerStats stats() {
        return new SchedulerStats(statCycles, statCommits, statCommitNanos, statReadies, statEntriesPersisted,
                statEntriesApplied, statBatchesSent, statMessagesSent, statMessagesSentBeforeCommit,
                statWritesAnsweredBeforeCommit, statBatchesDeferred);
    }

    @Override
    public void close() {
        if (!thread.isAlive()) return;
        try {
            if (!inbox.offer(new Stop(), STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) thread.interrupt();
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RangeReply overloaded() {
        return Replies.error(ErrorResponse.Code.PROPOSAL_DROPPED,
                "node " + localNodeId + " is overloaded: " + settings.inboxCapacity() + " requests queued; retry");
    }

    // ---- the scheduler thread ----

    private void run() {
        try {
            while (true) {
                Event event = dirty.isEmpty() && readsToIssue.isEmpty() && writesToPropose.isEmpty()
                        ? inbox.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS)
                        : inbox.poll();
                for (int n = 0; event != null; event = ++n < settings.maxEventsPerCycle() ? inbox.poll() : null) {
                    if (event instanceof Stop) {
                        commitDeferred();
                        return;
                    }
                    handle(event);
                }
                runCycle();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "node " + localNodeId + " scheduler failed; the node must stop", t);
            onFatal.accept(t);
        }
    }

    private void handle(Event event) {
        if (event instanceof RaftIn in) {
            liveness.heard(in.fromNode(), tickCount);
            Outbox.expand(in.batch(), this::stepInto);
        } else if (event instanceof KvIn in) {
            handleKv(in.request(), newPending(in.reply()));
        } else if (event instanceof AdminIn in) {
            handleAdmin(in.request(), newPending(in.reply()));
        } else if (event instanceof Tick) {
            tickQueued.set(false);
            tickAll();
        } else {
            throw new IllegalStateException("unexpected event " + event);
        }
    }

    private Pending newPending(Consumer<RangeReply> reply) {
        return new Pending(reply, tickCount + settings.requestTimeoutTicks());
    }

    private void expireAfter(Pending pending, Runnable forget) {
        expiries.add(new Expiry(pending.deadlineTick, pending, forget));
    }

    private void stepInto(long groupId, Message m, boolean quiesce) {
        if (m.to() != localNodeId || groupId < 1) {
            LOG.fine(() -> "node " + localNodeId + " dropped a message for group " + groupId + " to node " + m.to());
            return; // group 0 holds node-local records and is never a Raft group
        }
        Replica r = replicas.get(groupId);
        if (r == null) r = createUninitialized(groupId);
        if (r.removed) return;
        // A heartbeat response carries nothing that needs a quiesced leader awake: it was
        // quiesced only once every follower had the whole log.
        if (!quiesce && m.type() != MessageType.HEARTBEAT_RESPONSE) wake(r);
        r.raft.step(m);
        dirty.add(r);
        if (quiesce) maybeQuiesceFollower(r, m);
    }

    private void tickAll() {
        tickCount++;
        List<Replica> quiet = new ArrayList<>();
        for (Replica r : awake) {
            if (Quiescence.leaderCanQuiesce(r, liveness)) {
                quiet.add(r);
                continue;
            }
            r.raft.tick();
            dirty.add(r);
        }
        for (Replica r : quiet) quiesceLeader(r);
        checkLiveness();
        expire();
    }

    private void expire() {
        while (!expiries.isEmpty() && expiries.peek().deadlineTick() <= tickCount) {
            Expiry e = expiries.poll();
            e.forget().run();
            e.pending().fail(ErrorResponse.Code.TIMEOUT, "node " + localNodeId + " got no answer within "
                    + settings.requestTimeoutTicks() + " ticks (no leader, lost quorum, or overloaded); retry");
        }
    }

    // ---- quiescence ----

    private void wake(Replica r) {
        if (!r.quiesced) return;
        r.quiesced = false;
        if (!r.removed) awake.add(r);
    }

    private void quiesce(Replica r) {
        r.quiesced = true;
        awake.remove(r);
    }

    private void quiesceLeader(Replica r) {
        quiesce(r);
        for (Message hb : Quiescence.heartbeats(r, localNodeId)) outbox.addQuiesce(r.groupId, hb);
    }

    private void maybeQuiesceFollower(Replica r, Message hb) {
        if (!r.quiesced && Quiescence.followerCanQuiesce(r, hb)) quiesce(r);
    }

    /** Pings every peer once a tick and wakes the groups whose leader's node went silent. */
    private void checkLiveness() {
        if (peerNodesStale) {
            peerNodes = Quiescence.peerNodes(replicas.values(), localNodeId);
            peerNodesStale = false;
        }
        for (long p : peerNodes) outbox.touch(p);
        for (long p : liveness.newlyDead(peerNodes, tickCount)) {
            LOG.info(() -> "node " + localNodeId + " heard nothing from node " + p + " for "
                    + settings.electionTicks() + " ticks; waking the groups it led");
            for (Replica r : replicas.values()) {
                if (r.quiesced && r.leaderId == p) wake(r);
            }
        }
    }

    // ---- replicas ----

    private Replica loadReplica(long groupId) {
        GroupStorage gs = store.group(groupId);
        gs.setSnapshotSource(applier::snapshotData);
        long applied = gs.appliedIndex();
        RawNode raft = new RawNode(raftConfig(groupId, applied), gs);
        Replica r = new Replica(groupId, raft, gs, applied, gs.appliedConfState(), gs.hardState());
        r.snapshotIndex = gs.firstIndex() - 1;
        replicas.put(groupId, r);
        awake.add(r);
        peerNodesStale = true;
        return r;
    }

    /**
     * A message for a group this node does not have: it was added to that group, and the leader
     * will send a snapshot. The replica starts with no membership, so it cannot campaign.
     */
    private Replica createUninitialized(long groupId) {
        LOG.info(() -> "node " + localNodeId + " creating replica of group " + groupId + " for an incoming message");
        groupsToPersist.add(groupId);
        return loadReplica(groupId);
    }

    private RaftConfig raftConfig(long groupId, long applied) {
        long seed = randomSeed ^ (groupId * 0x9E3779B97F4A7C15L);
        return new RaftConfig(localNodeId, settings.electionTicks(), settings.heartbeatTicks(), MAX_RAFT_MESSAGE_BYTES, 256,
                64L << 20, true, true, applied, seed);
    }

    private Replica replicaOrNull(long groupId) {
        Replica r = replicas.get(groupId);
        return r == null || r.removed ? null : r;
    }

    private RangeReply notLeader(long groupId, Replica r) {
        long hint = r == null ? 0 : r.leaderId;
        return Replies.notLeader(groupId, settings.groupCount(), hint, hint == 0 ? null : network.addressOf(hint));
    }

    // ---- KV requests ----

    private void handleKv(KvRequest req, Pending pending) {
        String invalid = KvApplier.validate(req);
        if (invalid != null) {
            pending.fail(invalid.startsWith("too large") ? ErrorResponse.Code.TOO_LARGE : ErrorResponse.Code.BAD_REQUEST,
                    invalid);
            return;
        }
        switch (req.getOpCase()) {
            case PUT -> propose(KvKeys.groupOf(req.getPut().getKey().toByteArray(), settings.groupCount()), req, pending);
            case DELETE -> propose(KvKeys.groupOf(req.getDelete().getKey().toByteArray(), settings.groupCount()), req,
                    pending);
            case GET -> get(req, pending);
            case SCAN -> scan(req, pending);
            default -> pending.fail(ErrorResponse.Code.BAD_REQUEST, "empty KV request");
        }
    }

    private void propose(long groupId, KvRequest req, Pending pending) {
        Replica r = replicaOrNull(groupId);
        if (r == null || !r.isLeader()) {
            pending.answer(notLeader(groupId, r));
            return;
        }
        wake(r);
        r.queuedWrites.add(new Replica.QueuedWrite(req, pending));
        writesToPropose.add(r);
    }

    /**
     * Proposes each group's writes of this cycle as few entries as {@link
     * #MAX_PROPOSAL_BATCH_BYTES} allows: Raft sends an APPEND to every follower per proposal, and
     * each follower answers each, so one entry per cycle instead of one per write cuts the
     * messages, the log entries and the Raft steps by the batching factor.
     */
    private void proposeQueuedWrites() {
        for (Replica r : writesToPropose) {
            List<Replica.QueuedWrite> writes = new ArrayList<>(r.queuedWrites);
            r.queuedWrites.clear();
            int from = 0;
            while (from < writes.size()) {
                int to = from + 1;
                long bytes = writes.get(from).request().getSerializedSize();
                while (to < writes.size() && bytes + writes.get(to).request().getSerializedSize()
                        <= MAX_PROPOSAL_BATCH_BYTES) {
                    bytes += writes.get(to++).request().getSerializedSize();
                }
                proposeWrites(r, writes.subList(from, to));
                from = to;
            }
        }
        writesToPropose.clear();
    }

    private void proposeWrites(Replica r, List<Replica.QueuedWrite> writes) {
        long[] ids = new long[writes.size()];
        List<KvRequest> requests = new ArrayList<>(writes.size());
        for (int i = 0; i < ids.length; i++) {
            ids[i] = nextProposalId++;
            requests.add(writes.get(i).request());
        }
        Command command = ids.length == 1 ? new Command.Kv(localNodeId, ids[0], requests.get(0))
                : new Command.KvBatch(localNodeId, ids, requests);
        try {
            r.raft.propose(command.encode());
        } catch (ProposalDroppedException e) {
            for (Replica.QueuedWrite w : writes) answerDropped(r.groupId, r, e, w.pending());
            return;
        }
        for (int i = 0; i < ids.length; i++) {
            long id = ids[i];
            Pending pending = writes.get(i).pending();
            pendingWrites.put(id, new PendingWrite(r.groupId, pending));
            expireAfter(pending, () -> pendingWrites.remove(id));
        }
        dirty.add(r);
    }

    private void answerDropped(long groupId, Replica r, ProposalDroppedException e, Pending pending) {
        if (e.reason() == ProposalDroppedException.Reason.NOT_LEADER) {
            long hint = e.leaderHint();
            pending.answer(Replies.notLeader(groupId, settings.groupCount(), hint, hint == 0 ? null : network.addressOf(hint)));
        } else {
            pending.fail(ErrorResponse.Code.PROPOSAL_DROPPED, "group " + groupId + ": " + e.getMessage());
        }
    }

    private void get(KvRequest req, Pending pending) {
        byte[] key = req.getGet().getKey().toByteArray();
        long groupId = KvKeys.groupOf(key, settings.groupCount());
        Replica r = replicaOrNull(groupId);
        if (r == null || !r.isLeader()) {
            pending.answer(notLeader(groupId, r));
            return;
        }
        queueRead(r, pending, () -> pending.answer(Replies.kv(applier.get(groupId, key))));
        expireAfter(pending, () -> {});
    }

    /**
     * A scan reads every group, so it waits for a ReadIndex round on each; a follower's round is
     * forwarded to its leader by Raft, so any node holding every group can serve a scan.
     */
    private void scan(KvRequest req, Pending pending) {
        List<Replica> groups = new ArrayList<>();
        for (long g = 1; g <= settings.groupCount(); g++) {
            Replica r = replicaOrNull(g);
            if (r == null) {
                pending.answer(notLeader(g, null));
                return;
            }
            groups.add(r);
        }
        int[] remaining = {groups.size()};
        for (Replica r : groups) {
            queueRead(r, pending, () -> {
                if (--remaining[0] == 0) pending.answer(Replies.kv(applier.scan(req.getScan())));
            });
        }
        expireAfter(pending, () -> {});
    }

    private void queueRead(Replica r, Pending pending, Runnable serve) {
        wake(r);
        r.queuedReads.add(new Replica.ReadWaiter(pending, serve));
        readsToIssue.add(r);
    }

    /** One ReadIndex round per group per cycle, shared by every read queued in the cycle. */
    private void issueReads() {
        for (Replica r : readsToIssue) {
            if (r.queuedReads.isEmpty()) continue;
            long id = nextReadId++;
            readBatches.put(id, new Replica.ReadBatch(id, r.groupId, new ArrayList<>(r.queuedReads)));
            r.queuedReads.clear();
            r.raft.readIndex(ByteBuffer.allocate(8).putLong(id).array());
            r.readRoundsInFlight++;
            expiries.add(new Expiry(tickCount + settings.requestTimeoutTicks(), new Pending(f -> {}, 0), () -> {
                if (readBatches.remove(id) != null) r.readRoundsInFlight--;
            }));
            dirty.add(r);
        }
        readsToIssue.clear();
    }

    private void recordReadStates(Replica r, List<ReadState> states) {
        for (ReadState rs : states) {
            if (rs.context().length != 8) continue;
            Replica.ReadBatch b = readBatches.remove(ByteBuffer.wrap(rs.context()).getLong());
            if (b == null) continue;
            r.readRoundsInFlight--;
            b.index = rs.index();
            r.readableAt.add(b);
        }
    }

    private void serveReads(Replica r) {
        while (!r.readableAt.isEmpty() && r.readableAt.peek().index <= r.publishedApplied) {
            for (Replica.ReadWaiter w : r.readableAt.poll().waiters) {
                if (!w.pending().answered()) w.serve().run();
            }
        }
    }

    // ---- admin requests ----

    private void handleAdmin(AdminRequest req, Pending pending) {
        switch (req.getOpCase()) {
            case STATUS -> pending.answer(Replies.admin(Status.of(replicas.values())));
            case ADD_REPLICA -> addReplica(req.getAddReplica(), pending);
            case REMOVE_REPLICA -> changeMembership(req.getRemoveReplica().getGroupId(), new ConfChange(
                    ConfChangeType.REMOVE_NODE, req.getRemoveReplica().getNodeId()), pending);
            case TRANSFER_LEADER -> transferLeader(req.getTransferLeader().getGroupId(),
                    req.getTransferLeader().getToNode(), pending);
            default -> pending.fail(ErrorResponse.Code.BAD_REQUEST, "empty admin request");
        }
    }

    /** The new member's address goes through the log first, so every member can reach it. */
    private void addReplica(AddReplica add, Pending pending) {
        Replica r = replicaOrNull(add.getGroupId());
        if (!add.getAddress().isEmpty() && r != null && r.isLeader()) {
            try {
                r.raft.propose(new Command.NodeAddress(add.getNodeId(), add.getAddress()).encode());
            } catch (ProposalDroppedException e) {
                answerDropped(add.getGroupId(), r, e, pending);
                return;
            }
        }
        changeMembership(add.getGroupId(), new ConfChange(
                add.getLearner() ? ConfChangeType.ADD_LEARNER
                        : ConfChangeType.ADD_VOTER,
                add.getNodeId()), pending);
    }

    private void changeMembership(long groupId, ConfChange change, Pending pending) {
        Replica r = replicaOrNull(groupId);
        if (change.nodeId() <= 0) {
            pending.fail(ErrorResponse.Code.BAD_REQUEST, "node id must be positive, was " + change.nodeId());
            return;
        }
        if (r == null || !r.isLeader()) {
            pending.answer(notLeader(groupId, r));
            return;
        }
        wake(r);
        long index;
        try {
            index = r.raft.proposeConfChange(change);
        } catch (ProposalDroppedException e) {
            answerDropped(groupId, r, e, pending);
            return;
        }
        GroupIndex key = new GroupIndex(groupId, index);
        pendingConfChanges.put(key, pending);
        expireAfter(pending, () -> pendingConfChanges.remove(key));
        dirty.add(r);
    }

    private void transferLeader(long groupId, long toNode, Pending pending) {
        Replica r = replicaOrNull(groupId);
        if (r == null || !r.isLeader()) {
            pending.answer(notLeader(groupId, r));
            return;
        }
        wake(r);
        r.raft.transferLeadership(toNode);
        dirty.add(r);
        pending.answer(Replies.admin(Status.of(List.of(r))));
    }

    // ---- the cycle ----

    private void runCycle() {
        proposeQueuedWrites();
        issueReads();
        List<Replica> ready = new ArrayList<>();
        List<Ready> readies = new ArrayList<>();
        for (Replica r : dirty) {
            if (r.raft.hasReady()) {
                ready.add(r);
                readies.add(r.raft.ready());
            }
        }
        dirty.clear();
        if (ready.isEmpty() && groupsToPersist.isEmpty()) {
            commitDeferred();
            flushOutbox(); // liveness pings and quiesce heartbeats
            return;
        }

        boolean mustSync = !groupsToPersist.isEmpty();
        WriteBatch batch = deferredBatch != null ? deferredBatch : store.newBatch();
        deferredBatch = null;
        List<Runnable> answers = new ArrayList<>();
        persistNewGroups(batch);
        for (int i = 0; i < ready.size(); i++) {
            Ready rd = readies.get(i);
            mustSync |= rd.mustSync() || !rd.snapshot().isEmpty() || !rd.readStates().isEmpty();
            persistAndApply(ready.get(i), rd, batch, answers);
            unpublished.add(ready.get(i));
        }
        // A leader's appends leave now and overlap its own fsync (Raft thesis 10.2.1); every other
        // message still waits for the commit. Why that is safe: sendBeforeCommit and package-info.
        boolean[] sentEarly = sendBeforeCommit(ready, readies);
        answerCommittedWrites(); // committed means durable on a quorum; see the method
        if (mayDefer(mustSync)) {
            deferredBatch = batch; // only commit indexes and applies: see mayDefer
            deferredCycles++;
            statBatchesDeferred++;
        } else {
            commit(batch); // one transaction, one fsync, every group; a failure here stops the node
        }
        for (int i = 0; i < ready.size() && deferredBatch == null; i++) {
            Ready rd = readies.get(i);
            if (rd.hardState() != null) ready.get(i).durableHardState = rd.hardState();
        }
        send(ready, readies, sentEarly); // persist before send for everything not sent early
        for (int i = 0; i < ready.size(); i++) {
            Replica r = ready.get(i);
            recordReadStates(r, readies.get(i).readStates());
            r.raft.advance(readies.get(i));
            dirty.add(r);
        }
        pendingSnapshotReports.forEach(Runnable::run);
        pendingSnapshotReports.clear();
        answers.forEach(Runnable::run);
        if (deferredBatch == null) publishApplied();
    }

    /**
     * Whether this cycle's batch may wait for the next cycle's commit instead of costing an fsync
     * of its own. Only a batch that needs no sync may wait: no entries, snapshot, new group, or
     * term or vote change in it (Raft's {@code mustSync}), only commit indexes and the effects
     * and applied indexes of committed entries. Losing those in a crash is harmless: the
     * entries are durable on a quorum, the commit index is learnt again, and the entries are
     * applied again from the log, since effects and applied index commit together. Messages of
     * such a Ready depend on nothing that must be durable. Reads are what must wait: they are
     * served from the store once the applied index is published, after a commit, so a batch
     * is never held while a read waits. And it waits only when more input is already queued (the
     * next cycle comes at once) and for at most {@link #MAX_DEFERRED_CYCLES} cycles.
     */
    private boolean mayDefer(boolean mustSync) {
        if (mustSync || deferredCycles >= MAX_DEFERRED_CYCLES || inbox.isEmpty() || !readBatches.isEmpty()) {
            return false;
        }
        for (Replica r : unpublished) {
            if (!r.readableAt.isEmpty()) return false;
        }
        return true;
    }

    /** After a commit: the store now shows every applied index, so reads up to it may be served. */
    private void publishApplied() {
        deferredCycles = 0;
        for (Replica r : unpublished) {
            r.publishedApplied = r.applied;
            serveReads(r);
        }
        unpublished.clear();
    }

    private void commitDeferred() {
        if (deferredBatch == null) return;
        commit(deferredBatch);
        deferredBatch = null;
        publishApplied();
    }

    private void commit(WriteBatch batch) {
        statCycles++;
        if (batch.isEmpty()) return; // only messages this cycle (heartbeats): nothing to make durable
        long start = nanoClock.getAsLong();
        store.commit(batch);
        statCommitNanos += nanoClock.getAsLong() - start;
        statCommits++;
    }

    private void persistNewGroups(WriteBatch batch) {
        for (long g : groupsToPersist) {
            Replica r = replicas.get(g);
            batch.setApplied(g, r.applied, r.confState);
        }
        groupsToPersist.clear();
    }

    private void persistAndApply(Replica r, Ready rd, WriteBatch batch, List<Runnable> answers) {
        boolean wasLeader = r.isLeader();
        r.observe(rd.softState());
        if (wasLeader && !r.isLeader()) {
            failWritesOf(r.groupId);
            failReadRoundsOf(r);
        }
        if (!rd.snapshot().isEmpty()) {
            applier.installSnapshot(r, rd.snapshot(), batch);
            peerNodesStale = true;
        }
        statReadies++;
        statEntriesPersisted += rd.entries().size();
        if (!rd.entries().isEmpty()) batch.append(r.groupId, rd.entries());
        if (rd.hardState() != null) batch.setHardState(r.groupId, rd.hardState());
        if (applyCommitted(r, rd.committedEntries(), batch, answers)) {
            batch.setApplied(r.groupId, r.applied, r.confState);
            advanceSnapshotPoint(r, batch);
        }
    }

    private boolean applyCommitted(Replica r, List<Entry> committed, WriteBatch batch, List<Runnable> answers) {
        boolean any = false;
        for (Entry e : committed) {
            if (e.index() <= r.applied) continue;
            Invariants.check(e.index() == r.applied + 1, "group %s: applying entry %s after applied index %s",
                    r.groupId, e.index(), r.applied);
            if (e.type() == EntryType.CONF_CHANGE) {
                applyConfChange(r, e, answers);
            } else {
                applyCommand(r, e, batch, answers);
            }
            r.applied = e.index();
            r.appliedTerm = e.term();
            statEntriesApplied++;
            r.bytesSinceSnapshot += e.sizeBytes();
            any = true;
        }
        return any;
    }

    private void applyCommand(Replica r, Entry e, WriteBatch batch, List<Runnable> answers) {
        answerConfChangeSuperseded(r.groupId, e.index(), answers);
        if (e.data().length == 0) return; // a new leader's empty entry
        Command command = Command.decode(e.data());
        if (command instanceof Command.NodeAddress a) {
            batch.put(KvKeys.nodeAddressKey(a.nodeId()), a.hostPort().getBytes(StandardCharsets.UTF_8));
            answers.add(() -> network.learnAddress(a.nodeId(), a.hostPort()));
            return;
        }
        if (command instanceof Command.KvBatch b) {
            for (int i = 0; i < b.requests().size(); i++) {
                applyWrite(r, e, b.originNode(), b.proposalIds()[i], b.requests().get(i), batch);
            }
            return;
        }
        Command.Kv c = (Command.Kv) command;
        applyWrite(r, e, c.originNode(), c.proposalId(), c.request(), batch);
    }

    private void applyWrite(Replica r, Entry e, long originNode, long proposalId, KvRequest request, WriteBatch batch) {
        applier.apply(r.groupId, request, batch);
        if (originNode != localNodeId) return;
        PendingWrite w = pendingWrites.remove(proposalId);
        if (w != null) committedWriteAnswers.add(() -> w.pending().answer(Replies.kv(KvApplier.written(e.index()))));
    }

    private void applyConfChange(Replica r, Entry e, List<Runnable> answers) {
        ConfChange cc = ConfChange.decode(e.data());
        r.confState = r.raft.applyConfChange(cc);
        LOG.info(() -> "node " + localNodeId + " group " + r.groupId + " applied " + cc + " at " + e.index()
                + ": voters " + r.confState.voters() + " learners " + r.confState.learners());
        if (cc.type() == ConfChangeType.REMOVE_NODE && cc.nodeId() == localNodeId) {
            r.removed = true;
            awake.remove(r);
        }
        peerNodesStale = true;
        Pending p = pendingConfChanges.remove(new GroupIndex(r.groupId, e.index()));
        if (p != null) answers.add(() -> p.answer(Replies.admin(Status.of(List.of(r)))));
    }

    /** A normal entry where a conf change was proposed: a new leader overwrote the proposal. */
    private void answerConfChangeSuperseded(long groupId, long index, List<Runnable> answers) {
        Pending p = pendingConfChanges.remove(new GroupIndex(groupId, index));
        if (p != null) {
            answers.add(() -> p.fail(ErrorResponse.Code.PROPOSAL_DROPPED,
                    "group " + groupId + ": the membership change was overwritten by a new leader; retry"));
        }
    }

    /** Writes proposed here whose fate is now unknown: the client must retry (writes are idempotent). */
    private void failWritesOf(long groupId) {
        pendingWrites.values().removeIf(w -> {
            if (w.groupId() != groupId) return false;
            w.pending().fail(ErrorResponse.Code.NOT_LEADER, "node " + localNodeId + " lost leadership of group "
                    + groupId + " before the write applied; it may or may not have been applied; retry");
            return true;
        });
    }

    /**
     * Read rounds a deposed leader issued: Raft drops them on stepping down, so they would only
     * time out. Rounds already answered stay valid and are served once applied.
     */
    private void failReadRoundsOf(Replica r) {
        readBatches.values().removeIf(b -> {
            if (b.groupId != r.groupId) return false;
            r.readRoundsInFlight--;
            for (Replica.ReadWaiter w : b.waiters) w.pending().answer(notLeader(r.groupId, r));
            return true;
        });
    }

    /**
     * Moves the snapshot point to the applied index (what the live-scan snapshot source needs, see
     * {@link SnapshotData}) and drops the log below it once it grew past the limits.
     */
    private void advanceSnapshotPoint(Replica r, WriteBatch batch) {
        batch.setSnapshotMeta(r.groupId, new SnapshotMetadata(r.applied, r.appliedTerm, r.confState));
        boolean due = r.applied - r.snapshotIndex >= settings.logEntriesBeforeSnapshot()
                || r.bytesSinceSnapshot >= settings.logBytesBeforeSnapshot();
        if (!due) return;
        batch.compact(r.groupId, r.applied);
        r.snapshotIndex = r.applied;
        r.bytesSinceSnapshot = 0;
    }

    /**
     * Sends, before the cycle's batch is durable, the messages of a Ready that may overlap the
     * leader's own fsync, and returns which Readies had theirs sent. A Ready qualifies when its
     * replica is the leader now, it holds no snapshot, and its hard state is unchanged or
     * differs from the durable one only in the commit index (the term and vote a follower sees
     * are already on disk: a restart cannot forget them and vote twice in that term). Within it,
     * a message goes early when it is an APPEND or a HEARTBEAT and names no commit index that
     * covers this Ready's own, not yet durable, entries.
     *
     * <p>Why a leader may replicate entries it has not persisted: an entry counts as committed
     * only through a quorum of acknowledgements, and the leader's own acknowledgement (counted
     * by Raft when it appended) is matched by followers' acknowledgements, which the single
     * scheduler thread steps only in a later cycle, after this cycle's commit returned. If the
     * commit fails, the scheduler thread dies and the node stops, so it never steps those
     * acknowledgements: an entry a follower holds without the leader is merely uncommitted, and
     * Raft may keep it or overwrite it. The commit-index guard matters only where the leader's
     * own acknowledgement is a quorum (a single voter, which may still have learners): there
     * the commit index can cover this Ready's entries, and must not reach a learner before the
     * leader has them on disk.
     */
    private boolean[] sendBeforeCommit(List<Replica> ready, List<Ready> readies) {
        boolean[] sentEarly = new boolean[ready.size()];
        for (int i = 0; i < ready.size(); i++) {
            Replica r = ready.get(i);
            Ready rd = readies.get(i);
            if (!mayOverlapFsync(r.isLeader(), r.durableHardState, rd)) continue;
            sentEarly[i] = true;
            for (Message m : rd.messages()) {
                if (!sendableBeforeCommit(rd, m)) continue;
                earlyOutbox.add(r.groupId, m);
                statMessagesSent++;
                statMessagesSentBeforeCommit++;
            }
        }
        flush(earlyOutbox);
        return sentEarly;
    }

    /**
     * Conditions (a) and (b) of {@link #sendBeforeCommit}: leader now ({@code isLeader} as of
     * this Ready's soft state), no snapshot, term and vote already durable.
     */
    static boolean mayOverlapFsync(boolean isLeader, HardState durable, Ready rd) {
        if (!isLeader || !rd.snapshot().isEmpty()) return false;
        HardState hs = rd.hardState();
        return hs == null || (hs.term() == durable.term() && hs.vote() == durable.vote());
    }

    /** Condition (c) of {@link #sendBeforeCommit}, and the commit-index guard. */
    static boolean sendableBeforeCommit(Ready rd, Message m) {
        if (m.type() != MessageType.APPEND && m.type() != MessageType.HEARTBEAT) return false;
        return rd.entries().isEmpty() || m.commit() < rd.entries().get(0).index();
    }

    /**
     * Answers the writes proposed here whose entries this cycle applies, before the batch that
     * applies them is committed. Durability: Raft hands out an entry as committed only once it
     * is durable on a quorum, this node included (only entries persisted by an earlier, advanced
     * Ready are handed out), so a crash of this node now loses nothing: the applied index
     * commits atomically with the effects, and the entry is applied again after a restart, or
     * by the next leader. Visibility: a read is served only when the applied index reaches its
     * read index, at the end of a cycle after the commit; a client's read issued after this
     * answer reaches the scheduler in a later cycle, whose read index is at least this entry's.
     */
    private void answerCommittedWrites() {
        statWritesAnsweredBeforeCommit += committedWriteAnswers.size();
        committedWriteAnswers.forEach(Runnable::run);
        committedWriteAnswers.clear();
    }

    private void send(List<Replica> ready, List<Ready> readies, boolean[] sentEarly) {
        List<Runnable> snapshotsSent = new ArrayList<>();
        for (int i = 0; i < ready.size(); i++) {
            Replica r = ready.get(i);
            Ready rd = readies.get(i);
            for (Message m : rd.messages()) {
                if (sentEarly[i] && sendableBeforeCommit(rd, m)) continue;
                outbox.add(r.groupId, m);
                statMessagesSent++;
                if (m.type() == MessageType.SNAPSHOT) snapshotsSent.add(() -> r.raft.reportSnapshot(m.to(), true));
            }
        }
        flushOutbox();
        pendingSnapshotReports.addAll(snapshotsSent);
    }

    private void flushOutbox() {
        flush(outbox);
    }

    private void flush(Outbox box) {
        if (box.isEmpty()) return;
        Map<Long, RaftBatch> batches = box.drain();
        batches.forEach(network::send);
        statBatchesSent += batches.size();
    }
}
