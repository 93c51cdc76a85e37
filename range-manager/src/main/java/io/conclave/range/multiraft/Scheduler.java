package io.conclave.range.multiraft;

import io.conclave.clock.CommitWaitResult;
import io.conclave.clock.CommitWaiter;
import io.conclave.clock.ExecutorScheduler;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.Timestamp;
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
import io.conclave.raft.RaftStatus;
import io.conclave.raft.RawNode;
import io.conclave.raft.Ready;
import io.conclave.raft.Snapshot;
import io.conclave.raft.SnapshotMetadata;
import io.conclave.range.Keys;
import io.conclave.range.LeaseRules;
import io.conclave.range.allocator.LoadTracker;
import io.conclave.range.allocator.SplitKeys;
import io.conclave.range.mvcc.Deadlocks;
import io.conclave.range.mvcc.EvalContext;
import io.conclave.range.mvcc.MvccEvaluator;
import io.conclave.range.mvcc.MvccKeys;
import io.conclave.range.mvcc.ScanFilters;
import io.conclave.range.rpc.AddReplica;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.RaftBatch;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.ReplicaDescriptor;
import io.conclave.range.rpc.ReplicaProbe;
import io.conclave.range.rpc.ReplicaRemoved;
import io.conclave.range.rpc.SplitRange;
import io.conclave.range.rpc.PushType;
import io.conclave.range.rpc.TxnMeta;
import io.conclave.range.rpc.TxnPrepare;
import io.conclave.range.rpc.TxnPush;
import io.conclave.range.rpc.TxnRecord;
import io.conclave.range.rpc.TxnStatus;
import io.conclave.storage.GroupStorage;
import io.conclave.storage.Store;
import io.conclave.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
    /**
     * Replicas woken per tick after a start: a node with thousands of ranges that woke them all at
     * once would run thousands of elections in the same few ticks, and the scheduler, its inbox
     * and the peers' would drown in votes while range 1 (meta, liveness) waited its turn.
     */
    static final int STARTUP_WAKES_PER_TICK = 200;
    /** Largest entry the raft config below lets one APPEND carry. */
    private static final long MAX_RAFT_MESSAGE_BYTES = 1 << 20;
    /**
     * Entry bytes a leader sends one follower of one group ahead of its acknowledgements. A
     * follower that restarts far behind would otherwise be sent 256 messages of up to 1 MiB per
     * group at once, each held in memory two or three times over (read, encoded, in Netty's
     * buffer), which ran a node of 256 MiB heap out of memory under the nemesis. 4 MiB per round
     * trip still catches a follower up at hundreds of MB/s on a LAN.
     */
    static final long MAX_INFLIGHT_BYTES_PER_FOLLOWER = 4L << 20;
    /**
     * Writes of one cycle to one group are proposed together up to this many request bytes (a
     * single larger write still goes alone): a quarter of a Raft message, so that a batch never
     * makes a follower's APPEND exceed it and a slow follower still catches up in a few messages.
     */
    static final long MAX_PROPOSAL_BATCH_BYTES = MAX_RAFT_MESSAGE_BYTES / 4;
    /**
     * A range's Raft log starts here (as in CockroachDB): a bootstrapped range and the right half
     * of a split begin with their log truncated at this index, so a replica that joins later
     * always needs a snapshot (which carries the descriptor) and never applies entries without one.
     */
    static final long RAFT_INIT_INDEX = 10;
    static final long RAFT_INIT_TERM = 5;
    /**
     * Latches of writes that can no longer apply without this node seeing them apply (refused
     * before the log, overwritten, proposed under an older lease) are pruned by reads; a range
     * that only takes writes prunes them whenever it reaches a multiple of this many.
     */
    static final int LATCH_PRUNE_AT = 1_024;
    /**
     * The longest claim a claiming read (TxnGet claim_nanos) is granted past its read timestamp.
     * A claim pushes every write of its key up to this far ahead of the clock (the writer's
     * coordinator then waits for its clock before committing), and a timestamp cache made lazily
     * (an extended lease from before a restart) starts this far above the clock, pushing every
     * write of the range as far for as long: so it stays a fraction of a second.
     */
    static final long MAX_READ_CLAIM_NANOS = 500_000_000L;
    /**
     * How long past the timestamp a claim pushed a writer to no claim of its key is granted, unless
     * the writer gets through sooner: its coordinator waits for its clock to get there, then
     * refreshes and writes again, a couple of round trips.
     */
    static final long WAITING_WRITER_GRACE_NANOS = 250_000_000L;

    /** Where the scheduler sends Raft traffic, and how it names a leader's address to clients. */
    public interface PeerNetwork {
        /** One-way; may drop (Raft retransmits). Must not block. */
        void send(long nodeId, RaftBatch batch);

        /** {@code host:port} of a node, or null if unknown. */
        String addressOf(long nodeId);

        /** A group's log (or the store, at start) says where {@code nodeId} listens. */
        void learnAddress(long nodeId, String hostPort);

        /**
         * What this thread sends from now on (Raft batches, and answers sent from the reply
         * callbacks it runs) may wait until {@link #releaseSends}: the scheduler holds its sends
         * around each batch of events, so that a network whose I/O threads wake per hand-off
         * wakes once per batch. Must not block.
         */
        default void holdSends() {}

        /** Sends what this thread held since {@link #holdSends}. */
        default void releaseSends() {}
    }

    private sealed interface Event permits RaftIn, KvIn, AdminIn, Tick, Stop, WriteDone {}

    private record RaftIn(long fromNode, RaftBatch batch) implements Event {}

    private record KvIn(KvRequest request, Consumer<RangeReply> reply) implements Event {}

    private record AdminIn(AdminRequest request, Consumer<RangeReply> reply) implements Event {}

    private record Tick() implements Event {}

    private record Stop() implements Event {}

    /** Wakes the scheduler thread when the writer finished a batch; the flag itself is the write's. */
    private record WriteDone() implements Event {}

    /** {@code proposed}: the request was proposed, so its timeout leaves its fate unknown. */
    private record Expiry(long deadlineTick, Pending pending, Runnable forget, boolean proposed) {}

    /** {@code read}: a read sent through the log behind a latch; its loss is not ambiguous. */
    private record PendingWrite(long groupId, Pending pending, boolean read) {}

    /** Where the answer to a write goes once it applies. */
    private record PendingCommand(long groupId, Pending pending, String what) {}

    private record GroupIndex(long groupId, long index) {}

    private record GroupNode(long groupId, long nodeId) {}

    final long localNodeId;
    private final Store store;
    private final SchedulerSettings settings;
    private final HybridLogicalClock clock;
    private final PeerNetwork network;
    private final Consumer<Throwable> onFatal;
    private final long randomSeed;
    private final BlockingQueue<Event> inbox;
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final Thread thread;
    /** Driven by a caller through {@link #runOnce} instead of by {@link #thread}. */
    private boolean driven;

    // Everything below is confined to the scheduler thread.
    private final Map<Long, Replica> replicas = new TreeMap<>();
    /** Initialized, not removed replicas by their span's end key: spans never overlap. */
    private final TreeMap<byte[], Replica> spans = new TreeMap<>(Keys::compare);
    /** The store as the batches not yet durable will leave it, for reads at apply. */
    private final BatchView view;
    /**
     * Work of this cycle that needs its batch durable and published first (a split's new
     * replica); moved into {@link #next} at the end of the cycle.
     */
    private final List<Runnable> afterCommit = new ArrayList<>();
    /**
     * Ranges a split creates in a batch not yet durable, with their descriptors: their messages
     * are dropped until then, and a snapshot of another range overlapping them is refused, as it
     * would be once they are in {@link #spans}.
     */
    private final Map<Long, RangeDescriptor> creating = new HashMap<>();
    /**
     * Ranges whose replica here replica GC destroyed, by the generation of the descriptor that
     * showed the removal; persisted as {@link Keys#rangeTombstoneKey}. See {@link #collectRemoved}.
     */
    private final Map<Long, Long> tombstones = new HashMap<>();
    /**
     * Replicas revived by {@link #readdedBy} that have not applied their own return, with the
     * tick of their revival. A heartbeat sent before its leader applied the removal can revive a
     * replica no one will bring further; one that still holds nothing past its applied removal an
     * election timeout later is destroyed ({@link #collectRevived}).
     */
    private final Map<Replica, Long> revivedAt = new LinkedHashMap<>();
    /** Ranges destroyed in a batch not yet durable: their messages are dropped until it is (Raft resends). */
    private final Set<Long> destroying = new HashSet<>();
    /**
     * The tick a removal notice last went to a node for a range, or (this node's own id) a probe
     * went out for one of its replicas: one per election timeout at most.
     */
    private final Map<GroupNode, Long> removalNoticesSent = new HashMap<>();
    /** Commits batches on its own thread; see {@link BatchWriter}. */
    private final BatchWriter writer;
    /** The batch the writer is making durable, with what waits for it; null when none. */
    private Flight inFlight;
    /** The batch accumulating behind {@link #inFlight} (group commit); null when empty. */
    private Flight next;
    /** Replicas with requests waiting until they can serve; retried each tick and when their lease changes. */
    private final Set<Replica> waitingReplicas = new LinkedHashSet<>();
    /** Replicas whose txn wait queue holds pushes (see {@link #serviceTxnWaits}). */
    private final Set<Replica> txnWaitReplicas = new LinkedHashSet<>();
    /** Replicas whose lock table holds waiting prepares (see {@link #serviceLockWaits}). */
    private final Set<Replica> lockWaitReplicas = new LinkedHashSet<>();
    /** Pushes taken out of a txn wait queue during apply, routed again after the cycle. */
    private final List<Runnable> afterApply = new ArrayList<>();
    /** Leaseholder replicas that served lately: only these renew their leases (idle ranges let theirs lapse). */
    private final Set<Replica> activeLeaseholders = new LinkedHashSet<>();
    /** Marks "not now, wait" among the answers of {@link #refuseUnlessServing}. */
    private static final RangeReply WAIT = RangeReply.newBuilder().build();
    private final Set<Replica> dirty = new LinkedHashSet<>();
    /** Replicas that tick: all but the quiesced and the removed. Idle groups leave this set. */
    private final Set<Replica> awake = new LinkedHashSet<>();
    /** Loaded at start and not yet ticking; see {@link #STARTUP_WAKES_PER_TICK}. */
    private final ArrayDeque<Replica> wakeAfterStart = new ArrayDeque<>();
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
    private final Set<Replica> writesToPropose = new LinkedHashSet<>();
    /** Replicas whose applied index moved in the batch being built ({@link #next}): their reads wait for it. */
    private final Set<Replica> unpublished = new LinkedHashSet<>();
    private final Set<Long> groupsToPersist = new LinkedHashSet<>();
    private final Map<Long, PendingWrite> pendingWrites = new HashMap<>();
    /** Splits and lease requests proposed here, by proposal id. */
    private final Map<Long, PendingCommand> pendingCommands = new HashMap<>();
    private final Map<GroupIndex, Pending> pendingConfChanges = new HashMap<>();
    private final ArrayDeque<Expiry> expiries = new ArrayDeque<>();
    /** Raft hears that a snapshot went out only after the Ready that sent it was advanced. */
    private final List<Runnable> pendingSnapshotReports = new ArrayList<>();
    private final KvApplier applier;
    /** Answers commits with commit_wait once their timestamp is past on every clock. */
    private final CommitWaiter commitWaiter;
    /** The commit-wait timer thread, if this scheduler made it (closed with it). */
    private final ExecutorScheduler ownedCommitWaitTimer;
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
    private volatile long statReadsThroughLog;
    private volatile long statLimitedScansServedFromStore;
    private volatile long statReadClaims;
    /** Measures commit latency for the statistics; no decision depends on it. */
    private final java.util.function.LongSupplier nanoClock;
    private final SchedulerEvents events = new SchedulerEvents();
    private long nextProposalId;
    private long nextReadId;

    /**
     * @param randomSeed seeds election jitter and the proposal id sequence; pick a fresh one per
     *     process start so proposal ids of a previous run never match a new one
     * @param onFatal called once if the scheduler thread dies (a storage failure, a broken
     *     invariant); the node must stop then, since it can no longer persist or answer
     */
    public Scheduler(long localNodeId, Store store, SchedulerSettings settings, HybridLogicalClock clock,
            PeerNetwork network, long randomSeed, Consumer<Throwable> onFatal) {
        this(localNodeId, store, settings, clock, network, randomSeed, onFatal, null);
    }

    /**
     * @param commitWaiter waits out commit timestamps before a commit with commit_wait is
     *     answered; null: one over this clock's physical time and its max offset, with its own
     *     timer thread
     */
    public Scheduler(long localNodeId, Store store, SchedulerSettings settings, HybridLogicalClock clock,
            PeerNetwork network, long randomSeed, Consumer<Throwable> onFatal, CommitWaiter commitWaiter) {
        this(localNodeId, store, settings, clock, network, randomSeed, onFatal, commitWaiter, ScanFilters.NONE);
    }

    /**
     * @param scanFilters the filters transactional scans may name (registered by the node from
     *     the layers above, which this module does not depend on)
     */
    public Scheduler(long localNodeId, Store store, SchedulerSettings settings, HybridLogicalClock clock,
            PeerNetwork network, long randomSeed, Consumer<Throwable> onFatal, CommitWaiter commitWaiter,
            ScanFilters scanFilters) {
        this(localNodeId, store, settings, clock, network, randomSeed, onFatal, commitWaiter, scanFilters,
                System::nanoTime);
    }

    /**
     * @param statsNanoClock measures commit latency for {@link #stats}; the simulation passes its
     *     virtual clock so that nothing in a run reads the system time
     */
    Scheduler(long localNodeId, Store store, SchedulerSettings settings, HybridLogicalClock clock,
            PeerNetwork network, long randomSeed, Consumer<Throwable> onFatal, CommitWaiter commitWaiter,
            ScanFilters scanFilters, java.util.function.LongSupplier statsNanoClock) {
        this(localNodeId, store, settings, clock, network, randomSeed, onFatal, commitWaiter, scanFilters,
                statsNanoClock, BatchWriter.NO_HOLD);
    }

    /** @param beforeWrite runs on the writer thread before each durable write: tests hold writes with it */
    Scheduler(long localNodeId, Store store, SchedulerSettings settings, HybridLogicalClock clock,
            PeerNetwork network, long randomSeed, Consumer<Throwable> onFatal, CommitWaiter commitWaiter,
            ScanFilters scanFilters, java.util.function.LongSupplier statsNanoClock,
            BatchWriter.BeforeWrite beforeWrite) {
        Invariants.check(localNodeId > 0, "node id must be positive, was %s", localNodeId);
        this.localNodeId = localNodeId;
        this.store = store;
        this.settings = settings;
        this.clock = clock;
        this.view = new BatchView(store);
        this.network = network;
        this.onFatal = onFatal;
        this.randomSeed = randomSeed;
        this.nanoClock = statsNanoClock;
        this.inbox = new ArrayBlockingQueue<>(settings.inboxCapacity());
        SplittableRandom random = new SplittableRandom(randomSeed);
        this.nextProposalId = random.nextLong() & Long.MAX_VALUE;
        this.nextReadId = random.nextLong() & Long.MAX_VALUE;
        this.applier = new KvApplier(localNodeId, store, view, settings, scanFilters);
        this.liveness = new Liveness(settings.electionTicks());
        if (commitWaiter == null) {
            this.ownedCommitWaitTimer = ExecutorScheduler.singleThreaded("conclave-commit-wait-n" + localNodeId);
            this.commitWaiter = new CommitWaiter(clock::physicalNowNanos, clock.maxOffsetNanos(), ownedCommitWaitTimer);
        } else {
            this.ownedCommitWaitTimer = null;
            this.commitWaiter = commitWaiter;
        }
        this.thread = new Thread(this::run, "conclave-scheduler-n" + localNodeId);
        this.writer = new BatchWriter("conclave-writer-n" + localNodeId, store, beforeWrite,
                () -> inbox.offer(new WriteDone()), nanoClock);
    }

    /**
     * Writes the initial ranges into a fresh store: for each, its Raft state at
     * {@link #RAFT_INIT_INDEX} (voters and learners from its replicas) and its descriptor; with
     * range 1, the meta records of all of them and the range-id and node-id counters. Every node
     * listed as a replica bootstraps the same list, or only node 1 (which then holds all).
     */
    public static void bootstrap(Store store, List<RangeDescriptor> ranges) {
        Invariants.check(!ranges.isEmpty(), "bootstrap needs at least one range");
        Set<Long> ids = new HashSet<>();
        long maxRangeId = 0;
        long maxNodeId = 0;
        for (RangeDescriptor d : ranges) {
            Invariants.check(d.getRangeId() > 0 && ids.add(d.getRangeId()), "bootstrap: bad or repeated range id in %s", d);
            Invariants.check(Keys.compare(d.getStartKey().toByteArray(), d.getEndKey().toByteArray()) < 0
                    && d.getReplicasCount() > 0, "bootstrap: range %s has an empty span or no replicas", d.getRangeId());
            maxRangeId = Math.max(maxRangeId, d.getRangeId());
            for (ReplicaDescriptor rd : d.getReplicasList()) maxNodeId = Math.max(maxNodeId, rd.getNodeId());
        }
        WriteBatch batch = store.newBatch();
        for (RangeDescriptor d : ranges) {
            writeInitialRaftState(batch, d.getRangeId(), confStateOf(d), HardState.EMPTY);
            batch.put(Keys.rangeDescriptorKey(d.getRangeId()), d.toByteArray());
        }
        if (ids.contains(Keys.META_RANGE_ID)) {
            for (RangeDescriptor d : ranges) batch.put(Keys.metaKey(d.getEndKey().toByteArray()), d.toByteArray());
            batch.put(Keys.rangeIdCounterKey(), ByteBuffer.allocate(8).putLong(maxRangeId).array());
            batch.put(Keys.nodeIdCounterKey(), ByteBuffer.allocate(8).putLong(maxNodeId).array());
        }
        store.commit(batch);
    }

    /**
     * The ranges of a fixed-membership bootstrap: range 1 over [KEY_MIN, USER_START), then the
     * user span cut into {@code userRanges} ranges (ids 2, 3, ...) at evenly spaced 2-byte keys,
     * every one with all of {@code nodeIds} as voters.
     */
    public static List<RangeDescriptor> initialRanges(java.util.Collection<Long> nodeIds, int userRanges) {
        Invariants.check(userRanges >= 1 && userRanges <= 10_000, "initial user ranges must be in [1, 10000], was %s",
                userRanges);
        List<ReplicaDescriptor> replicas = new ArrayList<>();
        for (long id : new TreeSet<>(nodeIds)) replicas.add(ReplicaDescriptor.newBuilder().setNodeId(id).build());
        List<RangeDescriptor> out = new ArrayList<>();
        out.add(RangeDescriptor.newBuilder().setRangeId(Keys.META_RANGE_ID)
                .setStartKey(com.google.protobuf.ByteString.copyFrom(Keys.KEY_MIN))
                .setEndKey(com.google.protobuf.ByteString.copyFrom(Keys.USER_START)).addAllReplicas(replicas).build());
        int first = (Keys.USER_START[0] & 0xff) << 8;
        int width = 0xffff - first;
        byte[] start = Keys.USER_START;
        for (int i = 1; i <= userRanges; i++) {
            int k = first + (int) ((long) width * i / userRanges);
            byte[] end = i == userRanges ? Keys.KEY_MAX : new byte[] {(byte) (k >> 8), (byte) k};
            out.add(RangeDescriptor.newBuilder().setRangeId(Keys.FIRST_USER_RANGE_ID + i - 1)
                    .setStartKey(com.google.protobuf.ByteString.copyFrom(start))
                    .setEndKey(com.google.protobuf.ByteString.copyFrom(end)).addAllReplicas(replicas).build());
            start = end;
        }
        return out;
    }

    /**
     * A range's Raft state as bootstrap and splits create it: the log truncated at
     * {@link #RAFT_INIT_INDEX}, everything up to it applied and committed. A replica that already
     * voted in a later term (an uninitialized one, created by an early message) keeps its term
     * and vote: a vote must never be forgotten.
     */
    static void writeInitialRaftState(WriteBatch batch, long rangeId, ConfState cs, HardState current) {
        batch.applySnapshot(rangeId, new Snapshot(new SnapshotMetadata(RAFT_INIT_INDEX, RAFT_INIT_TERM, cs), new byte[0]));
        long term = Math.max(current.term(), RAFT_INIT_TERM);
        batch.setHardState(rangeId, new HardState(term, current.term() == term ? current.vote() : 0,
                Math.max(current.commit(), RAFT_INIT_INDEX)));
    }

    static ConfState confStateOf(RangeDescriptor d) {
        Set<Long> voters = new TreeSet<>();
        Set<Long> learners = new TreeSet<>();
        for (ReplicaDescriptor r : d.getReplicasList()) (r.getLearner() ? learners : voters).add(r.getNodeId());
        return new ConfState(voters, learners);
    }

    /** {@code d} with the replicas of {@code cs} and the next generation. */
    static RangeDescriptor withMembership(RangeDescriptor d, ConfState cs) {
        RangeDescriptor.Builder b = d.toBuilder().clearReplicas().setGeneration(d.getGeneration() + 1);
        for (long v : new TreeSet<>(cs.voters())) b.addReplicas(ReplicaDescriptor.newBuilder().setNodeId(v));
        for (long l : new TreeSet<>(cs.learners())) {
            b.addReplicas(ReplicaDescriptor.newBuilder().setNodeId(l).setLearner(true));
        }
        return b.build();
    }

    /** Loads every range the store holds and starts the scheduler thread. */
    public void start() {
        load();
        thread.start();
    }

    /**
     * Loads every range the store holds without starting the scheduler thread: the caller then
     * drives the scheduler itself with {@link #runOnce}, on one thread, as the deterministic
     * simulation does. Never together with {@link #start}.
     */
    void startDriven() {
        Invariants.check(!thread.isAlive() && !driven, "node %s: the scheduler was already started", localNodeId);
        driven = true;
        writer.writeInline(); // one thread and virtual time: each write is made durable where it is handed over
        load();
    }

    /**
     * One turn of the scheduler thread's loop, on the caller's thread (after
     * {@link #startDriven}): handles what is queued, up to {@code maxEventsPerCycle} events, then
     * runs one cycle. A failure is thrown to the caller instead of stopping the node. Returns
     * whether there was anything to do, so a driver can run it until the node is idle.
     */
    boolean runOnce() {
        Invariants.check(driven, "node %s: runOnce needs startDriven, not start", localNodeId);
        boolean idle = inbox.isEmpty() && dirty.isEmpty() && writesToPropose.isEmpty() && groupsToPersist.isEmpty()
                && inFlight == null && next == null;
        try {
            handleQueued(inbox.poll());
            if (inFlight != null && inFlight.write.isDone()) completeWrite();
            runCycle();
        } catch (InterruptedException e) {
            // Writes are inline here, so nothing waits; an interrupt is the driver's.
            Thread.currentThread().interrupt();
            throw new IllegalStateException("node " + localNodeId + ": interrupted while driven", e);
        }
        return !idle;
    }

    private void load() {
        for (var kv : store.scan(Keys.nodeAddressStart(), Keys.nodeAddressEnd(), 100_000)) {
            network.learnAddress(Keys.nodeIdOfAddressKey(kv.key()), new String(kv.value(), StandardCharsets.UTF_8));
        }
        loadTombstones();
        for (long g : store.groupIds()) {
            if (g > 0) loadReplica(g);
        }
        // Range 1 ticks at once; the others wake a batch per tick, or earlier when a message or a
        // request reaches them (wake() treats them as quiesced).
        for (Replica r : replicas.values()) {
            if (r.groupId == Keys.META_RANGE_ID || !awake.contains(r)) continue;
            quiesce(r);
            wakeAfterStart.add(r);
        }
        LOG.info(() -> "node " + localNodeId + " scheduler starting with " + replicas.size() + " ranges");
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

    /** Raft and split events of this node's replicas, for metrics and the console. */
    public SchedulerEvents events() {
        return events;
    }

    /** User-range reads that overlapped a write in flight and went through the log. */
    public long readsThroughLog() {
        return statReadsThroughLog;
    }

    /** Claiming reads answered with a claim (TxnGet claim_nanos; see {@link #serveClaimingRead}). */
    long readClaims() {
        return statReadClaims;
    }

    /** Limited txn_scans answered from the store after their read span met no write in flight. */
    long limitedScansServedFromStore() {
        return statLimitedScansServedFromStore;
    }

    @Override
    public void close() {
        try {
            if (!thread.isAlive()) return;
            if (!inbox.offer(new Stop(), STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) thread.interrupt();
            thread.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            writer.close();
            if (ownedCommitWaitTimer != null) ownedCommitWaitTimer.close();
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
                boolean idle = dirty.isEmpty() && writesToPropose.isEmpty()
                        && (inFlight == null ? next == null : !inFlight.write.isDone());
                Event event = idle ? inbox.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS) : inbox.poll();
                // Answers to a batch of events leave together once it is handled, and so do the
                // cycle's; released before the next wait, so nothing is held while idle.
                network.holdSends();
                try {
                    if (!handleQueued(event)) return;
                } finally {
                    network.releaseSends();
                }
                network.holdSends();
                try {
                    if (inFlight != null && inFlight.write.isDone()) completeWrite();
                    runCycle();
                } finally {
                    network.releaseSends();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            LOG.log(Level.SEVERE, "node " + localNodeId + " scheduler failed; the node must stop", t);
            onFatal.accept(t);
        }
    }

    /** Handles {@code first} (if any) and what follows it in the inbox, within one cycle's share; false at a stop. */
    private boolean handleQueued(Event first) throws InterruptedException {
        Event event = first;
        for (int n = 0; event != null; event = ++n < settings.maxEventsPerCycle() ? inbox.poll() : null) {
            if (event instanceof Stop) {
                finishWritesAtStop();
                return false;
            }
            handle(event);
        }
        return true;
    }

    private void handle(Event event) {
        if (event instanceof RaftIn in) {
            liveness.heard(in.fromNode(), tickCount);
            // Notices first: the messages behind one for a range it destroys are then dropped.
            for (ReplicaRemoved notice : in.batch().getRemovedList()) collectRemoved(in.fromNode(), notice);
            for (ReplicaProbe probe : in.batch().getProbesList()) {
                Replica r = replicas.get(probe.getRangeId());
                if (r == null) continue;
                noticeIfRemoved(r, in.fromNode());
                // A member asking a quiesced leader: a learner that missed the quiesce heartbeat
                // (askLeaderToWake). Awake, the leader's heartbeats carry the commit index again.
                if (r.isLeader() && r.quiesced && Quiescence.members(r).contains(in.fromNode())) wake(r);
            }
            Outbox.expand(in.batch(), this::stepInto);
        } else if (event instanceof KvIn in) {
            handleKv(in.request(), newPending(in.reply()));
        } else if (event instanceof AdminIn in) {
            handleAdmin(in.request(), newPending(in.reply()));
        } else if (event instanceof Tick) {
            tickQueued.set(false);
            tickAll();
        } else if (event instanceof WriteDone) {
            // Only a wake-up: the loop completes a finished write after draining the inbox.
        } else {
            throw new IllegalStateException("unexpected event " + event);
        }
    }

    private Pending newPending(Consumer<RangeReply> reply) {
        return new Pending(reply, tickCount + settings.requestTimeoutTicks());
    }

    private void expireAfter(Pending pending, Runnable forget) {
        expiries.add(new Expiry(pending.deadlineTick, pending, forget, false));
    }

    private void expireAfterProposal(Pending pending, Runnable forget) {
        expiries.add(new Expiry(pending.deadlineTick, pending, forget, true));
    }

    private void stepInto(long groupId, Message m, boolean quiesce) {
        if (m.to() != localNodeId || groupId < 1) {
            LOG.fine(() -> "node " + localNodeId + " dropped a message for group " + groupId + " to node " + m.to());
            return; // group 0 holds node-local records and is never a Raft group
        }
        if (creating.containsKey(groupId)) return; // a split creates it in a batch not yet durable; Raft resends
        if (destroying.contains(groupId)) return; // replica GC destroys it in a batch not yet durable
        if (m.type() == MessageType.SNAPSHOT && refuseOverlappingSnapshot(groupId, m)) return;
        Replica r = replicas.get(groupId);
        if (r != null) noticeIfRemoved(r, m.from());
        if ((r == null || !r.initialized()) && tombstones.containsKey(groupId)
                && (m.type() == MessageType.VOTE || m.type() == MessageType.PRE_VOTE)) {
            // This node's log of the range was destroyed, acknowledged entries and all; until a
            // snapshot past the removal fills it again, its vote could elect a leader missing them.
            return;
        }
        if (r == null) r = createUninitialized(groupId);
        if (r.removed && !readdedBy(r, m)) return;
        // A heartbeat response carries nothing that needs a quiesced leader awake: it was
        // quiesced only once every follower had the whole log.
        if (!quiesce && m.type() != MessageType.HEARTBEAT_RESPONSE) wake(r);
        r.raft.step(m);
        dirty.add(r);
        if (quiesce) maybeQuiesceFollower(r, m);
    }

    private void tickAll() {
        tickCount++;
        for (int i = 0; i < STARTUP_WAKES_PER_TICK && !wakeAfterStart.isEmpty(); i++) {
            Replica r = wakeAfterStart.poll();
            // One that heard of a leader meanwhile was woken by it, and if it is quiet again it
            // was quiesced by that leader: waking it would only start a needless election.
            if (!r.retired && r.leaderId == 0) wake(r);
        }
        List<Replica> quiet = new ArrayList<>();
        Timestamp now = clock.now();
        for (Replica r : awake) {
            // Lease and leadership belong together (only the leader proposes): a leader facing
            // another node's valid lease hands leadership to that holder, which may be parking
            // requests until it arrives.
            if (r.isLeader() && r.lease.getHolder() != localNodeId && r.lease.getHolder() != 0
                    && r.confState.voters().contains(r.lease.getHolder())
                    && !LeaseRules.othersMayAcquire(r.lease, now, clock.maxOffsetNanos())) {
                r.raft.transferLeadership(r.lease.getHolder());
            }
            if (Quiescence.leaderCanQuiesce(r, liveness)) {
                quiet.add(r);
                continue;
            }
            if (r.leaderId != 0 && !r.isLeader() && r.confState.learners().contains(localNodeId)) askLeaderToWake(r);
            r.raft.tick();
            dirty.add(r);
        }
        for (Replica r : quiet) quiesceLeader(r);
        if (!revivedAt.isEmpty()) collectRevived();
        if (!removalNoticesSent.isEmpty() && tickCount % settings.electionTicks() == 0) {
            removalNoticesSent.values().removeIf(sent -> tickCount - sent >= settings.electionTicks());
        }
        checkLiveness();
        expire();
        if (!waitingReplicas.isEmpty()) {
            for (Replica r : new ArrayList<>(waitingReplicas)) retryWaiting(r);
        }
        renewLeases();
    }

    private void expire() {
        while (!expiries.isEmpty() && expiries.peek().deadlineTick() <= tickCount) {
            Expiry e = expiries.poll();
            e.forget().run();
            if (e.pending().applied) continue; // answered when its commit-wait ends
            if (e.proposed()) {
                e.pending().fail(ErrorResponse.Code.AMBIGUOUS_RESULT, "node " + localNodeId + " proposed the write but"
                        + " saw it neither applied nor dropped within " + settings.requestTimeoutTicks()
                        + " ticks (lost quorum or leadership?); it may or may not have been applied");
            } else {
                e.pending().fail(ErrorResponse.Code.TIMEOUT, "node " + localNodeId + " got no answer within "
                        + settings.requestTimeoutTicks() + " ticks (no leader, lost quorum, or overloaded); retry");
            }
        }
    }

    /**
     * Extends the leases of ranges that served lately once less than half their duration is
     * left; a range idle for a whole lease duration drops out and lets its lease lapse, so idle
     * ranges cost no Raft writes (the next request acquires a lease again: one Raft round).
     */
    private void renewLeases() {
        if (activeLeaseholders.isEmpty()) return;
        Timestamp now = clock.now();
        for (var it = activeLeaseholders.iterator(); it.hasNext(); ) {
            Replica r = it.next();
            boolean idle = now.wallNanos() - r.lastServedNanos > settings.leaseDurationNanos();
            if (idle || r.removed || r.retired || r.lease.getHolder() != localNodeId) {
                it.remove();
                continue;
            }
            if (!r.transferringLease && !r.leaseFromPreviousRun
                    && LeaseRules.shouldRenew(r.lease, localNodeId, now, settings.leaseDurationNanos())) {
                requestLease(r);
            }
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
        r.desc = applier.storedDescriptor(groupId);
        r.lease = applier.storedLease(groupId);
        r.leaseFromPreviousRun = r.lease.getHolder() == localNodeId;
        if (r.desc != null) {
            r.sizeBytes = applier.spanBytes(r.desc);
            r.gcThreshold = applier.storedGcThreshold(groupId);
            // Removed while this node was down, or before a restart: it may not campaign or serve.
            r.removed = !r.confState.voters().contains(localNodeId) && !r.confState.learners().contains(localNodeId);
        }
        Replica previous = replicas.put(groupId, r);
        if (previous != null) retire(previous);
        if (!r.removed) awake.add(r);
        reindex(r, null);
        peerNodesStale = true;
        return r;
    }

    /** Drops a replica object replaced by a new one (an uninitialized replica a split initializes). */
    private void retire(Replica r) {
        r.retired = true;
        revivedAt.remove(r);
        dirty.remove(r);
        awake.remove(r);
        unpublished.remove(r);
        writesToPropose.remove(r);
        waitingReplicas.remove(r);
        activeLeaseholders.remove(r);
        if (r.desc != null) spans.remove(r.desc.getEndKey().toByteArray(), r);
        for (TxnWaitQueue.Waiter<Pending> w : r.txnWaits.drain()) afterApply.add(() -> routeKv(pushOf(w), w.pending()));
        txnWaitReplicas.remove(r);
        for (LockTable.Waiter<Pending> w : r.locks.drain()) afterApply.add(() -> w.pending().answer(w.conflict()));
        r.releasedFromLocks.clear();
    }

    /** Keeps {@link #spans} true after {@code r}'s descriptor changed from {@code old}. */
    private void reindex(Replica r, RangeDescriptor old) {
        if (old != null) spans.remove(old.getEndKey().toByteArray(), r);
        if (r.desc == null || r.removed || r.retired) return;
        Replica clash = spans.put(r.desc.getEndKey().toByteArray(), r);
        Invariants.check(clash == null || clash == r, "node %s: ranges %s and %s both end at %s", localNodeId,
                clash == null ? 0 : clash.groupId, r.groupId, Keys.pretty(r.desc.getEndKey().toByteArray()));
    }

    /** The initialized local replica whose span holds {@code key}, or null. */
    private Replica replicaHolding(byte[] key) {
        var e = spans.higherEntry(key);
        if (e == null) return null;
        Replica r = e.getValue();
        return Keys.compare(r.desc.getStartKey().toByteArray(), key) <= 0 ? r : null;
    }

    /**
     * Whether a message to a replica removed from its range shows that a leader counts this node
     * as a member again (an APPEND, HEARTBEAT or SNAPSHOT: leaders send those only to members of
     * their configuration), and if so revives the replica so it can catch up. Safe because a
     * removed replica keeps its log and its term and vote: revived, it is a member that fell
     * behind, which Raft handles; its applied configuration excludes it until the addition
     * reaches it, so it cannot campaign. (A leader that has not applied the removal yet may
     * revive it too; that leader's configuration still counts this node, so its
     * acknowledgements are legitimate there.) Votes never revive a removed replica.
     */
    private boolean readdedBy(Replica r, Message m) {
        if (m.type() != MessageType.APPEND && m.type() != MessageType.HEARTBEAT
                && m.type() != MessageType.SNAPSHOT) {
            return false;
        }
        if (m.type() != MessageType.SNAPSHOT) {
            long other = overlappingReplica(r.desc, r.groupId);
            if (other != 0) {
                // Its log would replay entries written before its old span was split, over the
                // data of the piece this node holds since. Only a snapshot of the range as it is
                // now may revive it, so the replica answers as one with an empty log would: it
                // refuses the APPEND with a hint of index 0, below the leader's first index, and
                // the leader sends a snapshot; a heartbeat is answered so that the leader probes.
                // Neither answer rests on anything this replica stores.
                LOG.fine(() -> "node " + localNodeId + " range " + r.groupId + ": not reviving this removed replica"
                        + " from its log: its old span overlaps range " + other + " here; asking for a snapshot");
                outbox.add(r.groupId, m.type() == MessageType.APPEND
                        ? new Message(MessageType.APPEND_RESPONSE, localNodeId, m.from(), m.term(), 0, m.index(), null, 0,
                                true, 0, null, null)
                        : new Message(MessageType.HEARTBEAT_RESPONSE, localNodeId, m.from(), m.term(), 0, 0, null, 0,
                                false, 0, null, m.context()));
                return false;
            }
        }
        LOG.info(() -> "node " + localNodeId + " range " + r.groupId + ": node " + m.from()
                + " replicates to this removed replica again; reviving it");
        r.removed = false;
        r.quiesced = false;
        awake.add(r);
        peerNodesStale = true;
        revivedAt.put(r, tickCount);
        return true;
    }

    /**
     * A snapshot whose span overlaps another initialized local replica is refused (dropped; the
     * leader retries later): it is a range split off a range this node has not split yet, and
     * installing it would clobber the left range's data. Once the split applies here, the right
     * range exists and the snapshot is no longer needed, or fits.
     */
    private boolean refuseOverlappingSnapshot(long groupId, Message m) {
        if (m.snapshot() == null || m.snapshot().isEmpty()) return false;
        RangeDescriptor d = SnapshotData.descriptor(groupId, SnapshotData.decode(groupId, m.snapshot().data()));
        Long tombstone = tombstones.get(groupId);
        if (tombstone != null && d.getGeneration() <= tombstone) {
            // From a leader that has not applied this node's removal: its image (and its log) may
            // be of the very configuration the destroyed replica acknowledged entries in.
            LOG.fine(() -> "node " + localNodeId + " refused a snapshot of range " + groupId + " at generation "
                    + d.getGeneration() + ": its replica here was destroyed at generation " + tombstone);
            return true;
        }
        byte[] end = d.getEndKey().toByteArray();
        for (RangeDescriptor c : creating.values()) {
            if (c.getRangeId() != groupId && Keys.compare(c.getStartKey().toByteArray(), end) < 0
                    && Keys.compare(d.getStartKey().toByteArray(), c.getEndKey().toByteArray()) < 0) {
                LOG.fine(() -> "node " + localNodeId + " refused a snapshot of range " + groupId
                        + " overlapping range " + c.getRangeId() + ", which a split is creating");
                return true;
            }
        }
        long other = overlappingReplica(d, groupId);
        if (other != 0) {
            LOG.fine(() -> "node " + localNodeId + " refused a snapshot of range " + groupId + " overlapping range "
                    + other);
            // The overlapping replica may be one removed without knowing it, quiesced or a learner
            // (which never campaigns): it asks its range's members, and one that no longer counts
            // it answers with the removal notice that lets replica GC destroy it. Awake, a voter
            // also campaigns once leaderless, which draws the same notice.
            Replica blocker = replicas.get(other);
            wake(blocker);
            probeMembership(blocker);
            return true;
        }
        long revived = revivedOverlapping(d, groupId);
        while (revived != 0 && removedByItsOwnLog(replicas.get(revived))) {
            // Revived by a leader that had not applied its removal yet, and left there: nothing
            // will bring it further, and it cannot campaign for a notice. Its own applied state
            // is the notice.
            destroy(replicas.get(revived), replicas.get(revived).desc, localNodeId);
            revived = revivedOverlapping(d, groupId);
        }
        if (revived != 0) {
            long blocker = revived;
            LOG.fine(() -> "node " + localNodeId + " refused a snapshot of range " + groupId + " overlapping range "
                    + blocker + ", which is catching up from its log");
            return true;
        }
        return false;
    }

    /**
     * A replica revived by its leader ({@link #readdedBy}) that has not applied its own return
     * yet, overlapping {@code d}: it is out of the span index, but its log replays over its old
     * span, splits included, and applying its return indexes it there again. A snapshot of a
     * range split off that span, installed meanwhile, would then overlap it (the simulation saw
     * two replicas of one node indexed at one end key, which stopped the node at its restart);
     * refused, the range is created by the split when the replay reaches it, or sent again once
     * it has. Snapshots are rare, so the scan over every replica is cheap enough.
     */
    private long revivedOverlapping(RangeDescriptor d, long groupId) {
        byte[] start = d.getStartKey().toByteArray();
        byte[] end = d.getEndKey().toByteArray();
        for (Replica o : replicas.values()) {
            if (o.groupId == groupId || o.removed || o.retired || !o.initialized()) continue;
            if (spans.get(o.desc.getEndKey().toByteArray()) != o && overlaps(o.desc, start, end)) return o.groupId;
        }
        return 0;
    }

    /** Another initialized local replica whose span overlaps {@code d}'s, or 0 for none. */
    private long overlappingReplica(RangeDescriptor d, long groupId) {
        byte[] end = d.getEndKey().toByteArray();
        for (var e : spans.tailMap(d.getStartKey().toByteArray(), false).entrySet()) {
            Replica other = e.getValue();
            if (Keys.compare(other.desc.getStartKey().toByteArray(), end) >= 0) break;
            if (other.groupId != groupId) return other.groupId;
        }
        return 0;
    }

    /**
     * A message for a range this node does not have: it was added to that range (the leader will
     * send a snapshot) or a split has not applied here yet (the split will initialize it). The
     * replica starts with no membership, so it cannot campaign.
     */
    private Replica createUninitialized(long groupId) {
        LOG.fine(() -> "node " + localNodeId + " creating replica of range " + groupId + " for an incoming message");
        groupsToPersist.add(groupId);
        return loadReplica(groupId);
    }

    // ---- replica GC (the argument is in the package documentation, "Replica GC") ----

    /** Tombstones are read in pages of this many keys, so any number of them loads. */
    private static final int TOMBSTONE_PAGE = 10_000;

    private void loadTombstones() {
        byte[] from = Keys.rangeTombstoneStart();
        while (true) {
            var page = store.scan(from, Keys.rangeTombstoneEnd(), TOMBSTONE_PAGE);
            for (var kv : page) {
                tombstones.put(Keys.rangeIdOfTombstoneKey(kv.key()), ByteBuffer.wrap(kv.value()).getLong());
            }
            if (page.size() < TOMBSTONE_PAGE) return;
            from = Keys.next(page.get(page.size() - 1).key());
        }
    }

    /**
     * A voter that missed its leader's quiesce heartbeat campaigns after an election timeout, and
     * its pre-vote wakes the leader (see {@link Quiescence}); a learner never campaigns. One that
     * missed it would hold its last entries uncommitted, and its applied state behind, for as
     * long as the range stays idle (the range simulation's seed 5111). So a learner whose log runs
     * past its commit index asks its leader, once per election timeout, to wake: a probe, which a
     * quiesced leader answers by waking, and its heartbeats then carry the commit index.
     */
    private void askLeaderToWake(Replica r) {
        if (tickCount - r.leaderWakeAskedTick < settings.electionTicks()) return;
        RaftStatus s = r.raft.status();
        if (s.hardState().commit() >= s.lastIndex()) return;
        r.leaderWakeAskedTick = tickCount;
        outbox.addProbe(r.leaderId, r.groupId);
    }

    /** Asks the other replicas of {@code r}'s range whether this node is still one; once per election timeout. */
    private void probeMembership(Replica r) {
        GroupNode key = new GroupNode(r.groupId, localNodeId);
        Long last = removalNoticesSent.get(key);
        if (last != null && tickCount - last < settings.electionTicks()) return;
        removalNoticesSent.put(key, tickCount);
        for (ReplicaDescriptor rd : r.desc.getReplicasList()) {
            if (rd.getNodeId() != localNodeId) outbox.addProbe(rd.getNodeId(), r.groupId);
        }
    }

    /**
     * Raft traffic for {@code r}'s range from {@code from}, a node outside {@code r}'s applied
     * descriptor: usually a replica removed without learning of it, campaigning in vain. It is
     * answered with this replica's descriptor and applied index, at most once per election
     * timeout per range and node. What the notice says is committed (applied here), so any
     * initialized replica may tell it, one removed itself included.
     */
    private void noticeIfRemoved(Replica r, long from) {
        if (r.retired || !r.initialized() || isReplica(r.desc, from)) return;
        GroupNode key = new GroupNode(r.groupId, from);
        Long last = removalNoticesSent.get(key);
        if (last != null && tickCount - last < settings.electionTicks()) return;
        removalNoticesSent.put(key, tickCount);
        LOG.fine(() -> "node " + localNodeId + " range " + r.groupId + ": telling node " + from
                + ", not a replica at generation " + r.desc.getGeneration() + ", that it was removed");
        outbox.addRemoved(from, ReplicaRemoved.newBuilder().setRangeId(r.groupId).setRangeDescriptor(r.desc)
                .setAppliedIndex(r.applied).build());
    }

    private static boolean isReplica(RangeDescriptor d, long nodeId) {
        for (ReplicaDescriptor rd : d.getReplicasList()) {
            if (rd.getNodeId() == nodeId) return true;
        }
        return false;
    }

    /**
     * A removal notice from {@code from}: destroys this node's replica of the range if the rule
     * holds (package documentation, "Replica GC"), else ignores it (a later notice may do).
     */
    private void collectRemoved(long from, ReplicaRemoved notice) {
        long g = notice.getRangeId();
        RangeDescriptor d = notice.getRangeDescriptor();
        Replica r = replicas.get(g);
        if (r == null || r.retired || !r.initialized() || creating.containsKey(g) || destroying.contains(g)
                || d.getRangeId() != g) {
            return;
        }
        if (isReplica(d, localNodeId)) return; // (a) a member there: re-added, or the notice is stale
        if (d.getGeneration() <= r.desc.getGeneration()) return; // (b) not newer than what this replica knows
        long last = r.raft.lastIndex();
        if (last > notice.getAppliedIndex()) {
            // (c) entries past A may be a re-added replica's acknowledgements; wait for a later notice.
            LOG.fine(() -> "node " + localNodeId + " range " + g + ": removal notice from node " + from + " at index "
                    + notice.getAppliedIndex() + " is behind this replica's last index " + last + "; keeping it");
            return;
        }
        destroy(r, d, from);
    }

    /**
     * Destroys the revived replicas that an election timeout after their revival still hold
     * nothing past an applied descriptor excluding this node: a leader that counted this node
     * again would have sent it entries by then (if it does later, it sends a snapshot instead).
     */
    private void collectRevived() {
        for (Map.Entry<Replica, Long> e : new ArrayList<>(revivedAt.entrySet())) {
            Replica r = e.getKey();
            if (tickCount - e.getValue() < settings.electionTicks()) continue;
            if (removedByItsOwnLog(r)) {
                destroy(r, r.desc, localNodeId);
            } else if (r.removed || r.retired || isReplica(r.desc, localNodeId)) {
                revivedAt.remove(r);
            }
        }
    }

    /**
     * Whether {@code r} applied a descriptor that excludes this node and holds nothing past it:
     * what a removal notice would show, from its own applied state (committed), so the rule of
     * {@link #collectRemoved} holds with A = its applied index.
     */
    private boolean removedByItsOwnLog(Replica r) {
        return r != null && !r.retired && r.initialized() && !isReplica(r.desc, localNodeId)
                && r.raft.lastIndex() <= r.applied && !creating.containsKey(r.groupId);
    }

    /**
     * Destroys a replica removed from its range, in the batch being built: its Raft state but its
     * term and vote (a vote must never be forgotten; a replica that comes later starts from them
     * with an empty log), its range-local keys, its data when no other replica here overlaps it,
     * and a tombstone at the generation of the descriptor that excludes it. Its requests are
     * answered retryably, and its messages dropped until the batch is durable, since a replica
     * loaded before then would read the old state. Readies of it in batches already handed out
     * come earlier in the store's order and are overwritten; they are neither sent nor advanced
     * (the replica is retired).
     */
    private void destroy(Replica r, RangeDescriptor removedBy, long noticeFrom) {
        long g = r.groupId;
        RangeDescriptor old = r.desc;
        HardState hs = r.raft.hardState();
        LOG.info(() -> "node " + localNodeId + " range " + g + ": destroying this replica (generation "
                + old.getGeneration() + ", last index " + r.raft.lastIndex() + "): node " + noticeFrom
                + " applied generation " + removedBy.getGeneration() + ", which excludes this node");
        if (next == null) next = new Flight(store.newBatch());
        WriteBatch batch = next.batch;
        batch.destroyGroup(g);
        batch.setHardState(g, new HardState(hs.term(), hs.vote(), 0));
        batch.deleteRange(Keys.rangeLocalStart(g), Keys.rangeLocalEnd(g));
        view.deleteSpan(Keys.rangeLocalStart(g), Keys.rangeLocalEnd(g));
        if (noOtherReplicaOverlaps(r)) {
            byte[] start = KvApplier.storeStart(old);
            byte[] end = KvApplier.storeEnd(old);
            batch.deleteRange(start, end);
            view.deleteSpan(start, end);
        }
        long generation = Math.max(removedBy.getGeneration(), tombstones.getOrDefault(g, 0L));
        tombstones.put(g, generation);
        batch.put(Keys.rangeTombstoneKey(g), ByteBuffer.allocate(8).putLong(generation).array());
        destroying.add(g);
        next.afterCommit.add(() -> destroying.remove(g));
        replicas.remove(g);
        retire(r);
        lockWaitReplicas.remove(r);
        peerNodesStale = true;
        answerDestroyed(r);
        events.replicaDestroyed();
    }

    /**
     * Whether no other replica here (initialized, removed or not) and no range a split is creating
     * overlaps {@code r}'s span, so that its data may go with it. An indexed replica cannot (spans
     * never overlap); a removed one may still be revived from its log, which assumes its data.
     */
    private boolean noOtherReplicaOverlaps(Replica r) {
        byte[] start = r.desc.getStartKey().toByteArray();
        byte[] end = r.desc.getEndKey().toByteArray();
        for (Replica o : replicas.values()) {
            if (o != r && !o.retired && o.initialized() && overlaps(o.desc, start, end)) return false;
        }
        for (RangeDescriptor c : creating.values()) {
            if (overlaps(c, start, end)) return false;
        }
        return true;
    }

    private static boolean overlaps(RangeDescriptor d, byte[] start, byte[] end) {
        return Keys.compare(d.getStartKey().toByteArray(), end) < 0 && Keys.compare(start, d.getEndKey().toByteArray()) < 0;
    }

    /** Every request waiting on a destroyed replica is answered; clients retry at a member. */
    private void answerDestroyed(Replica r) {
        String why = "node " + localNodeId + " no longer has range " + r.groupId + " (it was removed from it); retry";
        for (Replica.Waiting w : r.waiting) w.pending().fail(ErrorResponse.Code.RANGE_NOT_FOUND, why);
        r.waiting.clear();
        for (Replica.QueuedWrite w : r.queuedWrites) w.pending().fail(ErrorResponse.Code.RANGE_NOT_FOUND, why);
        r.queuedWrites.clear();
        for (Replica.ReadBatch b : r.readableAt) {
            for (Replica.ReadWaiter w : b.waiters) w.pending().fail(ErrorResponse.Code.RANGE_NOT_FOUND, why);
        }
        r.readableAt.clear();
        failWritesOf(r.groupId);
        pendingConfChanges.entrySet().removeIf(e -> {
            if (e.getKey().groupId() != r.groupId) return false;
            e.getValue().fail(ErrorResponse.Code.AMBIGUOUS_RESULT, "membership change of range " + r.groupId
                    + ": this node's replica was removed after proposing it; it may or may not apply");
            return true;
        });
    }

    private RaftConfig raftConfig(long groupId, long applied) {
        long seed = randomSeed ^ (groupId * 0x9E3779B97F4A7C15L);
        return new RaftConfig(localNodeId, settings.electionTicks(), settings.heartbeatTicks(), MAX_RAFT_MESSAGE_BYTES, 256,
                MAX_INFLIGHT_BYTES_PER_FOLLOWER, 64L << 20, true, true, applied, seed);
    }

    private Replica replicaOrNull(long groupId) {
        Replica r = replicas.get(groupId);
        return r == null || r.removed || r.retired || creating.containsKey(groupId) ? null : r;
    }

    private RangeReply notLeader(long groupId, Replica r) {
        long hint = r == null ? 0 : r.leaderId;
        return Replies.notLeader(groupId, hint, hint == 0 ? null : network.addressOf(hint));
    }

    private RangeReply notLeaseholder(Replica r) {
        long hint = leaseholderHint(r);
        return Replies.notLeaseholder(localNodeId, r.groupId, hint, hint == 0 ? null : network.addressOf(hint));
    }

    private RangeReply rangeNotFound(long rangeId, Replica r) {
        return Replies.rangeNotFound(localNodeId, rangeId, r == null ? ""
                : r.removed ? "(it was removed from it)" : "(its replica here awaits a snapshot)");
    }

    private RangeReply keyMismatch(Replica r, byte[] key, String what) {
        Replica holder = key == null ? null : replicaHolding(key);
        return Replies.keyMismatch(localNodeId, r.desc, holder == null ? List.of() : List.of(holder.desc), what);
    }

    // ---- KV requests ----

    private void handleKv(KvRequest req, Pending pending) {
        routeKv(req, pending);
    }

    /** Routes a request that just arrived or was parked and is tried again. */
    private void routeKv(KvRequest req, Pending pending) {
        long rangeId = req.getRangeId();
        boolean system = rangeId == Keys.META_RANGE_ID || (rangeId == 0 && KvApplier.touchesSystemKeys(req));
        String invalid = KvApplier.validate(req, system);
        if (invalid != null) {
            pending.fail(invalid.startsWith("too large") ? ErrorResponse.Code.TOO_LARGE : ErrorResponse.Code.BAD_REQUEST,
                    invalid);
            return;
        }
        boolean metaWrite = req.getOpCase() == KvRequest.OpCase.META_UPDATE
                || req.getOpCase() == KvRequest.OpCase.META_UPDATES;
        if (metaWrite && rangeId != Keys.META_RANGE_ID && rangeId != 0) {
            pending.fail(ErrorResponse.Code.BAD_REQUEST, req.getOpCase().toString().toLowerCase(java.util.Locale.ROOT)
                    + " is served by range 1 only, not range " + rangeId);
            return;
        }
        byte[] first = KvApplier.firstKey(req);
        Replica r = rangeId != 0 ? replicas.get(rangeId) : replicaHolding(first.length == 0 ? Keys.USER_START : first);
        if (r == null || r.removed || !r.initialized()) {
            pending.answer(rangeNotFound(rangeId, r));
            return;
        }
        String outside = KvApplier.outsideSpan(r.desc, req);
        if (outside != null) {
            pending.answer(keyMismatch(r, first, outside));
            return;
        }
        RangeReply refusal = refuseUnlessServing(r);
        if (refusal == WAIT) {
            await(r, new Replica.Waiting(req, null, pending));
            return;
        }
        if (refusal != null) {
            pending.answer(refusal);
            return;
        }
        r.lastServedNanos = clock.now().wallNanos();
        activeLeaseholders.add(r);
        recordLoad(r, first.length == 0 ? r.desc.getStartKey().toByteArray() : first, r.lastServedNanos);
        if (KvApplier.isMvccRange(r.desc)) {
            routeMvcc(r, req, pending);
        } else if (KvApplier.isWrite(req)) {
            queueWrite(r, req, pending);
        } else {
            serveLocally(r, pending, () -> serveRead(r, req, pending));
        }
    }

    /**
     * A request on a user range, on its leaseholder. A read is recorded in the timestamp cache
     * now, before it is served (so no write proposed from now on can land below it unseen), and
     * served from the store, or through the log if a write in flight overlaps it; a limited scan
     * instead claims only what it read, when it is served ({@link #serveLimitedScan}). A write
     * is proposed with this node's clock reading and the timestamp cache's floor for its keys,
     * and holds a latch on them until the store shows it.
     */
    private void routeMvcc(Replica r, KvRequest req, Pending pending) {
        Timestamp now = clock.now();
        MvccRequests.Footprint footprint = MvccRequests.footprint(r.desc, req);
        TimestampCache cache = tsCache(r);
        if (MvccEvaluator.isRead(req)) {
            Timestamp readTs = MvccRequests.readTimestamp(req, now);
            if (readTs.isAfter(now)) {
                // The read's timestamp comes from its coordinator's clock: absorb it, so that this
                // node's later clock readings (non-transactional writes, a lease it hands over)
                // lie above every read it served.
                try {
                    clock.update(readTs);
                } catch (io.conclave.clock.ClockOffsetException e) {
                    pending.fail(ErrorResponse.Code.CLOCK_OFFSET, "range " + r.groupId + " on node " + localNodeId
                            + ": read timestamp " + readTs + " is more than the max offset ahead of this node's clock");
                    return;
                }
            }
            byte[] txnId = MvccRequests.txnId(req);
            if (MvccRequests.isLimitedScan(req)) {
                serveLocally(r, pending, () -> serveLimitedScan(r, req, now, readTs, txnId, pending));
                return;
            }
            if (req.getOpCase() == KvRequest.OpCase.TXN_GET && req.getTxnGet().getClaimNanos() > 0) {
                long sequence = r.lease.getSequence();
                serveLocally(r, pending, () -> serveClaimingRead(r, req, now, readTs, txnId, sequence, pending));
                return;
            }
            for (byte[] k : footprint.keys()) cache.recordKey(k, readTs, txnId);
            for (byte[][] s : footprint.spans()) cache.recordSpan(s[0], s[1], readTs, txnId);
            if (overlapsLatch(r, footprint, false)) {
                statReadsThroughLog++;
                queueWrite(r, new Replica.QueuedWrite(req, pending, now, Timestamp.MIN));
            } else {
                serveLocally(r, pending, () -> serveMvccRead(r, req, now, pending));
            }
            return;
        }
        if (req.getOpCase() == KvRequest.OpCase.MVCC_GC
                && Timestamp.fromProto(req.getMvccGc().getThreshold()).isAfter(now)) {
            pending.fail(ErrorResponse.Code.BAD_REQUEST, "mvcc_gc threshold " + Timestamp.fromProto(
                    req.getMvccGc().getThreshold()) + " is above node " + localNodeId + "'s clock " + now
                    + ": GC may only remove what reads below the present no longer need");
            return;
        }
        Timestamp floor = MvccRequests.takesWriteFloor(req)
                ? cache.floor(footprint.keys(), footprint.spans(), MvccRequests.txnId(req)) : Timestamp.MIN;
        cache.noteWrite(footprint.keys(), floor, now);
        byte[] marker = MvccRequests.recordMarker(req);
        if (marker != null) {
            floor = cache.recordFloor(marker, req.getOpCase() == KvRequest.OpCase.TXN_HEARTBEAT
                    && req.getTxnHeartbeat().getCreate());
        }
        if (req.getOpCase() == KvRequest.OpCase.TXN_RESOLVE && req.getTxnResolve().getRemoveRecord()) {
            // Marked before the removal is proposed: a creation proposed after it sees the mark,
            // one proposed before it applies before it (and the removal then removes that too).
            var t = req.getTxnResolve().getTxn();
            cache.markRecordRemoved(MvccKeys.recordMarkerKey(t.getAnchorKey().toByteArray(), t.getId().toByteArray()),
                    Timestamp.max(now, Timestamp.fromProto(t.getWriteTs())));
        }
        if (r.latches.size() % LATCH_PRUNE_AT == LATCH_PRUNE_AT - 1) pruneLatches(r);
        if (!footprint.isEmpty()) r.latches.put(pending, new Replica.Latch(footprint));
        startCommitWaitEarly(req, floor, pending);
        queueWrite(r, new Replica.QueuedWrite(req, pending, now, floor));
    }

    /**
     * Starts the commit-wait of a commit that asks for one when it is proposed, not when it has
     * applied: the timestamp it will commit at is already fixed (a one-phase prepare commits at
     * its write timestamp or not at all, a txn_end at its commit_ts or not at all), and
     * waiting for every clock to pass a timestamp is safe whether or not anything commits
     * there. So the witness round runs beside the Raft round instead of after it. A one-phase
     * prepare the timestamp cache pushes will not commit: nothing is started for it.
     */
    private void startCommitWaitEarly(KvRequest req, Timestamp floor, Pending pending) {
        if (!asksCommitWait(req)) return;
        Timestamp ts = req.getOpCase() == KvRequest.OpCase.TXN_PREPARE
                ? Timestamp.fromProto(req.getTxnPrepare().getTxn().getWriteTs())
                : req.getTxnEnd().hasCommitTs() ? Timestamp.fromProto(req.getTxnEnd().getCommitTs()) : null;
        if (ts == null || floor.isAfter(ts)) return;
        pending.earlyCommitWait = new Pending.EarlyCommitWait(ts, commitWaiter.commitWait(ts), nanoClock.getAsLong());
    }

    /**
     * The range's timestamp cache. One made here, not at a lease start (this node's lease from
     * before a restart, extended), knows nothing of the reads served before: it begins above
     * any of them, at the clock's reading (reads forward the clock to their timestamp); and its
     * claims low-water mark one longest claim ({@link #MAX_READ_CLAIM_NANOS}) above that: a claim
     * recorded a key up to that far above the clock of its day, which the clock now is past (the
     * clock's high-water mark survives a restart). Transactional writes of the range wait that
     * long once; nothing else is lost.
     */
    private TimestampCache tsCache(Replica r) {
        if (r.tsCache == null) {
            Timestamp now = clock.now();
            r.tsCache = new TimestampCache(Timestamp.max(leaseStart(r), now), now.addNanos(MAX_READ_CLAIM_NANOS),
                    TimestampCache.DEFAULT_MAX_ENTRIES);
        }
        return r.tsCache;
    }

    /**
     * A new lease's timestamp cache. Its low-water mark is the lease's start: earlier holders
     * served reads only at timestamps below their clocks (a read forwards the serving clock to
     * its timestamp), and those lie below the new lease's start (leases never overlap). A claim
     * may lie above it: its claims low-water mark is the highest claim its predecessor held when
     * it handed the lease over, if higher ({@link LeaseRules#readsBelow}); a lease taken after
     * expiry needs nothing more (claims end before the old lease's expiration minus the max offset).
     */
    private static TimestampCache newLeaseCache(Replica r) {
        return new TimestampCache(leaseStart(r), LeaseRules.readsBelow(r.lease), TimestampCache.DEFAULT_MAX_ENTRIES);
    }

    private static Timestamp leaseStart(Replica r) {
        return r.lease.hasStart() ? Timestamp.fromProto(r.lease.getStart()) : Timestamp.MIN;
    }

    /**
     * Whether a write that may still apply overlaps {@code footprint} ({@code untilPublished}:
     * or that is applied in a batch not yet durable); drops published latches on the way. A
     * write answered AMBIGUOUS_RESULT still counts until it can no longer apply.
     */
    private static boolean overlapsLatch(Replica r, MvccRequests.Footprint footprint, boolean untilPublished) {
        boolean overlaps = false;
        for (var it = r.latches.entrySet().iterator(); it.hasNext(); ) {
            var latch = it.next();
            if (latch.getValue().published(latch.getKey(), r)) {
                it.remove();
            } else if (!overlaps && (untilPublished || !latch.getValue().released(latch.getKey(), r))
                    && latch.getValue().footprint.overlaps(footprint)) {
                overlaps = true;
            }
        }
        return overlaps;
    }

    /** Drops the latches of writes the committed store shows (or that can never apply). */
    private static void pruneLatches(Replica r) {
        r.latches.entrySet().removeIf(latch -> latch.getValue().published(latch.getKey(), r));
    }

    private EvalContext evalContext(Replica r, Timestamp now, Timestamp writeFloor, long nodeId) {
        return new EvalContext(now, writeFloor, nodeId, leaseStart(r), r.gcThreshold,
                MvccEvaluator.TXN_EXPIRATION_NANOS);
    }

    /**
     * Answers a read whose replica went away or whose keys left its span while it waited (a
     * split applied since it was routed); true if it did.
     */
    private boolean refusedAsStale(Replica r, KvRequest req, Pending pending) {
        if (r.retired || r.removed) {
            pending.answer(rangeNotFound(r.groupId, r));
            return true;
        }
        String outside = KvApplier.outsideSpan(r.desc, req);
        if (outside == null) return false;
        pending.answer(keyMismatch(r, KvApplier.firstKey(req), outside));
        return true;
    }

    /** Serves a user-range read from the committed store once its index is published. */
    private void serveMvccRead(Replica r, KvRequest req, Timestamp now, Pending pending) {
        if (refusedAsStale(r, req, pending)) return;
        RangeReply reply = applier.evaluateRead(r, req, evalContext(r, now, Timestamp.MIN, localNodeId), false);
        if (req.getOpCase() == KvRequest.OpCase.TXN_QUERY && reply.hasKvResponse()) {
            reply = RangeReply.newBuilder().setKvResponse(reply.getKvResponse().toBuilder()
                    .addAllWaitsFor(r.txnWaits.edgesInto(req.getTxnQuery().getTxn().getId(), now.wallNanos()))).build();
        }
        pending.answer(reply);
    }

    /**
     * A scan with a limit, served optimistically: evaluated from the committed store without a
     * latch check first, then judged against the span it actually read, [start, resume key)
     * (the whole span if it was not cut short, or if it failed): rows at or after the resume
     * key were not returned and could not have changed its answer, so a write in flight there
     * need not hold it up. A write in flight inside that span (a pending write at a key below
     * the resume key could have been a row inside the limit, or moved the resume key) sends it
     * through the log as any overlapping read, claiming its whole span in the timestamp cache
     * first; otherwise only the span read is recorded, and it is answered.
     *
     * <p>Why answering after the check is safe. The evaluation, the latch check and the
     * timestamp cache record happen here, on the scheduler thread, in one turn: no write is
     * proposed or applied in between (both happen only on this thread), and a write proposed
     * after it meets the record. The store itself is not frozen: the writer thread may commit
     * a batch during the evaluation, so the scan may see part of it. But a batch holds only
     * entries this thread already applied, and their latches stay until the batch is published
     * (the check here counts them, {@code untilPublished}), so a write the scan could have seen
     * halfway, or missed, inside its read span sends it to the log. Writes of earlier
     * leaseholders precede this node's lease in the log and were published before the scan was
     * served ({@link #serveLocally}); only this node proposes under its lease. Nothing was
     * recorded when the scan was routed, so a write proposed between its routing and now was not
     * pushed above it: such a write is either still unpublished here (its latch sends the scan to
     * the log if it lies in the read span) or in the store the scan read (and seen, at its
     * timestamp, like any earlier write).
     */
    private void serveLimitedScan(Replica r, KvRequest req, Timestamp now, Timestamp readTs, byte[] txnId,
            Pending pending) {
        if (refusedAsStale(r, req, pending)) return;
        MvccRequests.Footprint declared = MvccRequests.footprint(r.desc, req);
        io.conclave.range.mvcc.Evaluation ev = applier.evaluateReadFromStore(r, req,
                evalContext(r, now, Timestamp.MIN, localNodeId));
        MvccRequests.Footprint read = ev.reply().hasKvResponse()
                ? new MvccRequests.Footprint(List.of(), ev.readSpans()) : declared;
        // What it claims must lie inside what it asked for, or the check below would judge
        // keys it never read and pass over keys it did.
        byte[][] whole = declared.spans().get(0);
        for (byte[][] span : read.spans()) {
            Invariants.check(Keys.compare(span[0], whole[0]) >= 0 && Keys.compare(span[1], whole[1]) <= 0,
                    "range %s: a txn_scan of [%s, %s) read [%s, %s)", r.groupId, Keys.pretty(whole[0]),
                    Keys.pretty(whole[1]), Keys.pretty(span[0]), Keys.pretty(span[1]));
        }
        Invariants.check(read.keys().isEmpty(), "range %s: a txn_scan read single keys", r.groupId);
        TimestampCache cache = tsCache(r);
        if (overlapsLatch(r, read, true)) {
            statReadsThroughLog++;
            for (byte[][] s : declared.spans()) cache.recordSpan(s[0], s[1], readTs, txnId);
            queueWrite(r, new Replica.QueuedWrite(req, pending, now, Timestamp.MIN));
            return;
        }
        statLimitedScansServedFromStore++;
        for (byte[][] s : read.spans()) cache.recordSpan(s[0], s[1], readTs, txnId);
        pending.answer(ev.reply());
    }

    /**
     * A claiming read (TxnGet with claim_nanos), served as a limited scan is: evaluated from the
     * committed store, then judged against the writes in flight on its key (applied ones included
     * until their batch is durable), and recorded in the timestamp cache, in one scheduler turn.
     * With no write in flight, no newer write of the key in the store (a version or an intent
     * above the read timestamp: it could commit inside the claim, or already has, at a timestamp
     * a claim would have to lie about), no writer of the key waiting out an earlier claim, and the
     * lease unchanged and servable, the key is recorded not at the read timestamp r but at
     * claimEnd = min(r + claim (at most {@link #MAX_READ_CLAIM_NANOS}), the lease's expiration
     * minus the max offset), by no transaction: every write of the key proposed from now on
     * lands above claimEnd, so its value at r is its value at every timestamp up to claimEnd,
     * which the answer says (claim_start, claim_end). Otherwise it is a plain read (through the
     * log behind a write in flight, as any read), answered without a claim. Why the turn makes
     * it safe is the limited scan's argument ({@link #serveLimitedScan}); a claim outlives the
     * holder's clock, so a transfer carries the highest entry (Lease.reads_below), and a lease
     * taken after expiry starts above every claim.
     */
    private void serveClaimingRead(Replica r, KvRequest req, Timestamp now, Timestamp readTs, byte[] txnId,
            long leaseSequence, Pending pending) {
        if (refusedAsStale(r, req, pending)) return;
        byte[] key = req.getTxnGet().getKey().toByteArray();
        MvccRequests.Footprint footprint = MvccRequests.footprint(r.desc, req);
        TimestampCache cache = tsCache(r);
        if (overlapsLatch(r, footprint, true)) {
            statReadsThroughLog++;
            cache.recordKey(key, readTs, txnId);
            queueWrite(r, new Replica.QueuedWrite(req, pending, now, Timestamp.MIN));
            return;
        }
        io.conclave.range.mvcc.Evaluation ev = applier.evaluateReadFromStore(r, req,
                evalContext(r, now, Timestamp.MIN, localNodeId));
        Timestamp claimEnd = claimEnd(r, key, readTs, req.getTxnGet().getClaimNanos(), leaseSequence);
        if (!ev.reply().hasKvResponse() || !claimEnd.isAfter(readTs)) {
            cache.recordKey(key, readTs, txnId);
            pending.answer(ev.reply());
            return;
        }
        cache.recordClaim(key, claimEnd);
        statReadClaims++;
        pending.answer(RangeReply.newBuilder().setKvResponse(ev.reply().getKvResponse().toBuilder()
                .setClaimStart(readTs.toProto()).setClaimEnd(claimEnd.toProto())).build());
    }

    /** How far a claiming read of {@code key} at {@code readTs} may claim now: {@code readTs} if not at all. */
    private Timestamp claimEnd(Replica r, byte[] key, Timestamp readTs, long claimNanos, long leaseSequence) {
        Timestamp now = clock.now();
        long maxOffset = clock.maxOffsetNanos();
        if (r.transferringLease || r.lease.getSequence() != leaseSequence
                || !LeaseRules.canServe(r.lease, localNodeId, now, maxOffset)
                || tsCache(r).writerWaiting(key, now, WAITING_WRITER_GRACE_NANOS)
                || applier.newestWrite(key).isAfter(readTs)) {
            return readTs;
        }
        Timestamp end = readTs.addNanos(Math.min(claimNanos, MAX_READ_CLAIM_NANOS));
        Timestamp leaseEnd = new Timestamp(r.lease.getExpiration().getWallNanos() - maxOffset, 0);
        return Timestamp.max(readTs, Timestamp.min(end, leaseEnd));
    }

    private void recordLoad(Replica r, byte[] key, long nowNanos) {
        if (r.load == null) r.load = new LoadTracker(randomSeed ^ (r.groupId * 0xC2B2AE3D27D4EB4FL));
        r.load.record(key, nowNanos);
    }

    /** Every replica's status, with the load and the split key the leaseholder suggests. */
    /** A replica as the simulation's checkers see it. */
    record ReplicaView(GroupStatus status, boolean servesUnderLease, long publishedApplied) {}

    /**
     * For the simulation's checkers, on the driving thread: every initialized replica this node
     * has not removed, by range id. {@code servesUnderLease}: the lease half of
     * {@link #refuseUnlessServing} holds now (this node's own lease of this run, not being handed
     * away, valid on this node's clock); no two nodes may say so of overlapping spans at once.
     */
    Map<Long, ReplicaView> replicaViews() {
        Invariants.check(driven, "node %s: replicaViews is for a driven scheduler", localNodeId);
        Map<Long, ReplicaView> out = new TreeMap<>();
        Timestamp now = clock.now();
        for (Replica r : replicas.values()) {
            if (r.removed || r.retired || !r.initialized()) continue;
            // A replica revived by its leader (readdedBy) is indexed once its re-adding applies.
            boolean member = r.confState.voters().contains(localNodeId) || r.confState.learners().contains(localNodeId);
            Invariants.check(!member || spans.get(r.desc.getEndKey().toByteArray()) == r,
                    "node %s: range %s is not indexed by its span's end %s (applied %s, %s)", localNodeId, r.groupId,
                    Keys.pretty(r.desc.getEndKey().toByteArray()), r.applied, r.confState);
            boolean serves = r.lease.getHolder() == localNodeId && !r.transferringLease && !r.leaseFromPreviousRun
                    && LeaseRules.canServe(r.lease, localNodeId, now, clock.maxOffsetNanos());
            out.put(r.groupId, new ReplicaView(Status.of(r), serves, r.publishedApplied));
        }
        return out;
    }

    private AdminResponse status() {
        AdminResponse.Builder b = AdminResponse.newBuilder();
        Timestamp now = clock.now();
        for (Replica r : replicas.values()) {
            if (r.removed || r.retired) continue;
            GroupStatus.Builder g = Status.of(r).toBuilder();
            if (r.load != null) g.setQps(r.load.qps(now.wallNanos()));
            if (r.initialized() && LeaseRules.canServe(r.lease, localNodeId, now, clock.maxOffsetNanos())) {
                suggestSplit(r, g, now);
            }
            b.addGroups(g);
        }
        return b.build();
    }

    /**
     * The leaseholder's split suggestion: by size above {@code maxRangeBytes} (the key at about
     * half the bytes, computed again only when the size moved by an eighth), else by load above
     * {@code splitQps} (a key dividing the sampled requests). A key outside the current span
     * (the range split since it was sampled) is not offered.
     */
    private void suggestSplit(Replica r, GroupStatus.Builder g, Timestamp now) {
        byte[] key = null;
        String reason = "";
        if (r.sizeBytes > settings.maxRangeBytes()) {
            if (r.sizeSplitKeyAtBytes < 0 || Math.abs(r.sizeBytes - r.sizeSplitKeyAtBytes) > r.sizeSplitKeyAtBytes / 8) {
                r.sizeSplitKey = SplitKeys.sizeSplitKey(applier.spanIterator(r.desc), r.sizeBytes).orElse(null);
                r.sizeSplitKeyAtBytes = r.sizeBytes;
            }
            key = r.sizeSplitKey;
            reason = "size: " + r.sizeBytes + " bytes above " + settings.maxRangeBytes();
        } else if (r.load != null && g.getQps() > settings.splitQps()) {
            key = r.load.loadSplitKey(now.wallNanos()).orElse(null);
            reason = String.format(java.util.Locale.ROOT, "load: %.0f requests/s above %.0f", g.getQps(), settings.splitQps());
        }
        byte[] start = r.desc.getStartKey().toByteArray();
        if (key == null || Keys.compare(key, start) <= 0 || Keys.compare(key, r.desc.getEndKey().toByteArray()) >= 0
                || Keys.compare(key, Keys.USER_START) <= 0) {
            return;
        }
        g.setSuggestedSplitKey(com.google.protobuf.ByteString.copyFrom(key)).setSuggestedSplitReason(reason);
    }

    /** Parks a request until the replica can serve it; its deadline still holds. */
    private void await(Replica r, Replica.Waiting w) {
        if (!w.pending().parked) {
            w.pending().parked = true;
            expireAfter(w.pending(), () -> {});
        }
        r.waiting.add(w);
        waitingReplicas.add(r);
    }

    /** Hands every parked request of {@code r} back to the router: the lease or leadership changed, or time passed. */
    private void retryWaiting(Replica r) {
        if (r.waiting.isEmpty()) {
            waitingReplicas.remove(r);
            return;
        }
        List<Replica.Waiting> again = new ArrayList<>(r.waiting);
        r.waiting.clear();
        waitingReplicas.remove(r);
        for (Replica.Waiting w : again) {
            if (w.pending().answered()) continue;
            if (w.kv() != null) routeKv(w.kv(), w.pending());
            else handleAdmin(w.admin(), w.pending());
        }
    }

    /**
     * Null if this replica may serve requests now; {@link #WAIT} if it will soon (its lease is
     * being acquired or starts later, or it holds the lease and Raft leadership is coming to it);
     * else the answer that sends the client elsewhere. A Raft leader with no valid lease asks for
     * one; a Raft leader facing another node's valid lease hands Raft leadership to that holder,
     * so that lease and leadership end up together (writes need both).
     */
    private RangeReply refuseUnlessServing(Replica r) {
        Timestamp now = clock.now();
        long maxOffset = clock.maxOffsetNanos();
        Lease lease = r.lease;
        boolean mine = lease.getHolder() == localNodeId && !r.transferringLease && !r.leaseFromPreviousRun;
        if (mine && LeaseRules.canServe(lease, localNodeId, now, maxOffset)) {
            if (LeaseRules.shouldRenew(lease, localNodeId, now, settings.leaseDurationNanos())) requestLease(r);
            if (r.isLeader()) return null;
            // Reads could go on, but one rule for all: ask the leader (Raft forwards it) to hand
            // leadership here, and park the request until it arrives.
            r.raft.transferLeadership(localNodeId);
            wake(r);
            dirty.add(r);
            return WAIT;
        }
        if (mine && LeaseRules.status(lease, now, maxOffset) == LeaseRules.Status.VALID) return WAIT; // starts later
        if (lease.getHolder() != localNodeId && !LeaseRules.othersMayAcquire(lease, now, maxOffset)) {
            if (r.isLeader() && r.confState.voters().contains(lease.getHolder())) {
                r.raft.transferLeadership(lease.getHolder());
                wake(r);
                dirty.add(r);
            }
            return notLeaseholder(r);
        }
        if (!r.isLeader()) {
            if (r.leaderId == 0) wake(r); // still waiting to wake after a start: elect now
            return notLeaseholder(r);
        }
        requestLease(r);
        return WAIT;
    }

    /** Proposes a lease for this node (new or extended); at most one request in flight per range. */
    private void requestLease(Replica r) {
        if (r.leaseRequestInFlight || !r.isLeader()) return;
        Lease next = LeaseRules.acquire(r.lease, localNodeId, clock.now(), settings.leaseDurationNanos(),
                clock.maxOffsetNanos());
        long id = nextProposalId++;
        // Refused or lost, the parked requests try again at the next tick (not from here: a
        // dropped proposal answers at once, and retrying at once would propose again at once).
        Pending done = new Pending(reply -> r.leaseRequestInFlight = false, tickCount + settings.requestTimeoutTicks());
        r.leaseRequestInFlight = true;
        proposeCommand(r, new Command.RequestLease(localNodeId, id, r.lease, next), id, done, "lease request");
        if (done.answered()) r.leaseRequestInFlight = false;
    }

    /** The node to send a client to: the valid lease's holder, else the Raft leader. */
    private long leaseholderHint(Replica r) {
        Lease lease = r.lease;
        if (lease.getHolder() != 0 && lease.getHolder() != localNodeId
                && !LeaseRules.othersMayAcquire(lease, clock.now(), clock.maxOffsetNanos())) {
            return lease.getHolder();
        }
        return r.leaderId; // for our own lease we cannot use yet, the leader moves leadership here
    }

    /**
     * A read on the leaseholder, without a Raft round: it waits only until the published applied
     * index reaches the commit index known now, which covers every write acknowledged before it
     * arrived (this node acknowledges a write only once it applied it, and writes of earlier
     * leaseholders precede this node's lease in the log).
     */
    private void serveLocally(Replica r, Pending pending, Runnable serve) {
        long index = Math.max(r.commitIndex, r.applied);
        if (r.publishedApplied >= index && r.readableAt.isEmpty()) {
            serve.run();
            return;
        }
        Replica.ReadBatch b = new Replica.ReadBatch(nextReadId++, r.groupId, new ArrayList<>(List.of(
                new Replica.ReadWaiter(pending, serve))));
        b.index = index;
        r.readableAt.add(b);
        expireAfter(pending, () -> {});
    }

    /** Serves a read once its index is applied; the span is checked again, since a split may have applied since. */
    private void serveRead(Replica r, KvRequest req, Pending pending) {
        if (refusedAsStale(r, req, pending)) return;
        if (req.getOpCase() == KvRequest.OpCase.GET) {
            pending.answer(Replies.kv(applier.get(req.getGet().getKey().toByteArray())));
        } else {
            pending.answer(Replies.kv(applier.scan(r.desc, req.getScan())));
        }
    }

    private void queueWrite(Replica r, KvRequest req, Pending pending) {
        queueWrite(r, new Replica.QueuedWrite(req, pending));
    }

    private void queueWrite(Replica r, Replica.QueuedWrite write) {
        wake(r);
        r.queuedWrites.add(write);
        writesToPropose.add(r);
    }

    /**
     * Proposes each range's writes of this cycle as few entries as {@link
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
        long leaseSequence = proposalLeaseSequence(r);
        boolean mvcc = writes.get(0).now() != null;
        Command command;
        if (mvcc) {
            List<Command.MvccOp> ops = new ArrayList<>(ids.length);
            for (int i = 0; i < ids.length; i++) {
                Replica.QueuedWrite w = writes.get(i);
                Invariants.check(w.now() != null, "range %s: a user-range batch mixes MVCC and raw writes", r.groupId);
                ops.add(new Command.MvccOp(ids[i], w.now(), w.writeFloor(), w.request()));
            }
            command = new Command.MvccBatch(localNodeId, leaseSequence, ops);
        } else {
            command = ids.length == 1 ? new Command.Kv(localNodeId, ids[0], leaseSequence, requests.get(0))
                    : new Command.KvBatch(localNodeId, leaseSequence, ids, requests);
        }
        long index;
        try {
            index = r.raft.propose(command.encode());
            events.proposed();
        } catch (ProposalDroppedException e) {
            for (Replica.QueuedWrite w : writes) answerDropped(r, e, w.pending());
            return;
        }
        for (int i = 0; i < ids.length; i++) {
            long id = ids[i];
            Pending pending = writes.get(i).pending();
            // Kept until the applied index reaches the entry or the lease changes, not merely
            // until the write is answered: a timeout or a lost leadership leaves it able to apply.
            Replica.Latch latch = r.latches.get(pending);
            if (latch != null) latch.proposedAt(index, leaseSequence);
            boolean read = mvcc && MvccEvaluator.isRead(writes.get(i).request());
            pendingWrites.put(id, new PendingWrite(r.groupId, pending, read));
            if (read) expireAfter(pending, () -> pendingWrites.remove(id));
            else expireAfterProposal(pending, () -> pendingWrites.remove(id));
        }
        dirty.add(r);
    }

    /** The lease sequence a write proposed now carries; 0 (checked against nothing) without leases. */
    private long proposalLeaseSequence(Replica r) {
        return r.lease.getSequence();
    }

    /** A proposal Raft refused: nothing was appended, so the request may be retried anywhere. */
    private void answerDropped(Replica r, ProposalDroppedException e, Pending pending) {
        if (e.reason() == ProposalDroppedException.Reason.NOT_LEADER) {
            pending.answer(notLeaseholder(r));
        } else {
            pending.fail(ErrorResponse.Code.PROPOSAL_DROPPED, "range " + r.groupId + ": " + e.getMessage());
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
            case STATUS -> pending.answer(Replies.admin(status()));
            case NOW -> pending.answer(Replies.admin(AdminResponse.newBuilder().setNow(clock.now().toProto())
                    .setNodeId(localNodeId).setMaxOffsetNanos(clock.maxOffsetNanos()).build()));
            case ADD_REPLICA -> addReplica(req.getAddReplica(), pending);
            case REMOVE_REPLICA -> changeMembership(req.getRemoveReplica().getGroupId(), new ConfChange(
                    ConfChangeType.REMOVE_NODE, req.getRemoveReplica().getNodeId()), pending);
            case TRANSFER_LEADER -> transferLeader(req.getTransferLeader().getGroupId(),
                    req.getTransferLeader().getToNode(), pending);
            case SPLIT_RANGE -> splitRange(req.getSplitRange(), pending);
            case TRANSFER_LEASE -> transferLease(req.getTransferLease().getRangeId(), req.getTransferLease().getToNode(),
                    pending);
            default -> pending.fail(ErrorResponse.Code.BAD_REQUEST, "empty admin request");
        }
    }

    /** The new member's address goes through the log first, so every member can reach it. */
    private void addReplica(AddReplica add, Pending pending) {
        Replica r = replicaOrNull(add.getGroupId());
        String notCaughtUp = r == null || add.getLearner() ? null : learnerNotCaughtUp(r, add.getNodeId());
        if (notCaughtUp != null) {
            pending.fail(ErrorResponse.Code.PROPOSAL_DROPPED, notCaughtUp);
            return;
        }
        if (!add.getAddress().isEmpty() && r != null && r.isLeader()) {
            try {
                r.raft.propose(new Command.NodeAddress(add.getNodeId(), add.getAddress()).encode());
            } catch (ProposalDroppedException e) {
                pending.fail(ErrorResponse.Code.PROPOSAL_DROPPED, "range " + add.getGroupId() + ": " + e.getMessage());
                return;
            }
        }
        changeMembership(add.getGroupId(), new ConfChange(
                add.getLearner() ? ConfChangeType.ADD_LEARNER
                        : ConfChangeType.ADD_VOTER,
                add.getNodeId()), pending);
    }

    /**
     * Why {@code node}, a learner of {@code r}'s range, may not be made a voter yet; null if it
     * may (or is no learner). It must have acknowledged this leader's log at or above the point
     * the leader's log was truncated to: it holds a snapshot or a log the leader can extend. A
     * voter that cannot take part (one never reached, or a replica that applied its own removal
     * and ignores votes until appends revive it) could otherwise wedge the range: with the next
     * removal its quorum needs a member that never answers (the range simulation's seed 6114 left
     * range 1 with voters {1, 3} and node 3 silent for good). The allocator promotes only
     * learners whose applied index reached the leader's commit index; this guards the admin call.
     */
    private String learnerNotCaughtUp(Replica r, long node) {
        if (!r.isLeader() || !r.confState.learners().contains(node)) return null;
        RaftStatus.Peer p = r.raft.status().progress().get(node);
        long match = p == null ? 0 : p.match();
        if (match > 0 && match >= r.snapshotIndex) return null;
        return "range " + r.groupId + ": learner n" + node + " has not caught up (acknowledged index " + match
                + ", the leader's log starts after " + r.snapshotIndex + "); promote it once it has";
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
            if (e.reason() == ProposalDroppedException.Reason.NOT_LEADER) {
                pending.answer(notLeader(groupId, r));
            } else {
                pending.fail(ErrorResponse.Code.PROPOSAL_DROPPED, "range " + groupId + ": " + e.getMessage());
            }
            return;
        } catch (IllegalArgumentException e) {
            // A change the configuration cannot take (a voter made a learner, the last voter
            // removed): the caller's view was stale or wrong. Thrown on, it stopped the node.
            pending.fail(ErrorResponse.Code.BAD_REQUEST, "range " + groupId + ": " + e.getMessage());
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

    /** Proposes the split trigger through the range's own log; checked again at apply. */
    private void splitRange(SplitRange split, Pending pending) {
        Replica r = replicas.get(split.getRangeId());
        if (r == null || r.removed || !r.initialized()) {
            pending.answer(rangeNotFound(split.getRangeId(), r));
            return;
        }
        // Only the leaseholder judges the request against its descriptor: a follower that has not
        // applied the latest change yet would refuse a current generation as stale (BAD_REQUEST,
        // which no client retries) where it should send the client to the leaseholder.
        RangeReply refusal = refuseUnlessServing(r);
        if (refusal == WAIT) {
            await(r, new Replica.Waiting(null, AdminRequest.newBuilder().setSplitRange(split).build(), pending));
            return;
        }
        if (refusal != null) {
            pending.answer(refusal);
            return;
        }
        String problem = splitProblem(r.desc, split);
        if (problem != null) {
            pending.fail(ErrorResponse.Code.BAD_REQUEST, problem);
            return;
        }
        long id = nextProposalId++;
        proposeCommand(r, new Command.Split(localNodeId, id, proposalLeaseSequence(r), split), id, pending,
                "split of range " + r.groupId);
    }

    /** Proposes {@code command}; returns the log index it was appended at, or 0 if Raft dropped it (answered). */
    private long proposeCommand(Replica r, Command command, long id, Pending pending, String what) {
        wake(r);
        long index;
        try {
            index = r.raft.propose(command.encode());
            events.proposed();
        } catch (ProposalDroppedException e) {
            answerDropped(r, e, pending);
            return 0;
        }
        pendingCommands.put(id, new PendingCommand(r.groupId, pending, what));
        expireAfterProposal(pending, () -> pendingCommands.remove(id));
        dirty.add(r);
        return index;
    }

    /** Null if {@code split} may apply to a range described by {@code d}, else why not. */
    static String splitProblem(RangeDescriptor d, SplitRange split) {
        byte[] key = split.getSplitKey().toByteArray();
        byte[] start = d.getStartKey().toByteArray();
        byte[] end = d.getEndKey().toByteArray();
        String span = "range " + d.getRangeId() + " [" + Keys.pretty(start) + ", " + Keys.pretty(end) + ")";
        if (split.getNewRangeId() == 0 || split.getNewRangeId() == d.getRangeId()) {
            return "split of " + span + ": new_range_id " + split.getNewRangeId()
                    + " is not a fresh range id; allocate one from the range-id counter";
        }
        if (key.length > Keys.MAX_KEY_BYTES) {
            return "too large: split key of " + key.length + " bytes; the limit is " + Keys.MAX_KEY_BYTES;
        }
        if (Keys.compare(key, Keys.USER_START) <= 0) {
            return "split key " + Keys.pretty(key) + " is not above the start of user keys (0x04): the meta and"
                    + " system range (range 1) never splits";
        }
        if (Keys.compare(key, start) <= 0 || Keys.compare(key, end) >= 0) {
            return "split key " + Keys.pretty(key) + " is not strictly inside " + span;
        }
        if (split.getExpectedGeneration() != 0 && split.getExpectedGeneration() != d.getGeneration()) {
            return span + " is at generation " + d.getGeneration() + ", not the expected "
                    + split.getExpectedGeneration() + ": its descriptor changed; read it again and retry";
        }
        return null;
    }

    /**
     * Hands the lease to {@code toNode}: this node stops serving at once, proposes a lease for
     * {@code toNode} starting now with the next sequence, and once it applies hands Raft
     * leadership over too.
     */
    private void transferLease(long rangeId, long toNode, Pending pending) {
        Replica r = replicas.get(rangeId);
        if (r == null || r.removed || !r.initialized()) {
            pending.answer(rangeNotFound(rangeId, r));
            return;
        }
        if (!r.confState.voters().contains(toNode)) {
            pending.fail(ErrorResponse.Code.BAD_REQUEST, "cannot transfer the lease of range " + rangeId + " to node "
                    + toNode + ": it has " + (r.confState.learners().contains(toNode) ? "only a learner" : "no")
                    + " replica of the range; add it as a voter first");
            return;
        }
        RangeReply refusal = refuseUnlessServing(r);
        // A renewal on its way through the log (refuseUnlessServing starts one in the lease's second
        // half) would make a transfer proposed now name a lease that is no longer current by the
        // time it applies, and apply refuses it: wait for the renewal and hand over the renewed lease.
        if (refusal == WAIT || (refusal == null && r.leaseRequestInFlight)) {
            await(r, new Replica.Waiting(null, AdminRequest.newBuilder().setTransferLease(
                    io.conclave.range.rpc.TransferLease.newBuilder().setRangeId(rangeId).setToNode(toNode)).build(),
                    pending));
            return;
        }
        if (refusal != null) {
            pending.answer(refusal);
            return;
        }
        if (toNode == localNodeId) {
            pending.answer(Replies.admin(Status.of(List.of(r))));
            return;
        }
        // The new lease starts at this clock, but a claim may have recorded a key above it: the
        // new holder's timestamp cache starts its claims above every claim here. No claim is
        // granted here after this (transferringLease; serveClaimingRead checks it at serve time).
        Timestamp readsBelow = r.tsCache == null ? Timestamp.MIN : r.tsCache.maxClaim();
        Lease next = LeaseRules.transfer(r.lease, toNode, clock.now(), settings.leaseDurationNanos(), readsBelow);
        r.transferringLease = true; // stop serving before the proposal exists: see LeaseRules
        long id = nextProposalId++;
        r.transferIndex = proposeCommand(r, new Command.RequestLease(localNodeId, id, r.lease, next), id, pending,
                "lease transfer of range " + rangeId + " to node " + toNode);
        // Dropped before reaching the log, the transfer can never apply: serve again at once.
        if (r.transferIndex == 0) r.transferringLease = false;
    }

    /**
     * Ends a lease transfer that will never apply: once the applied index reaches the index the
     * transfer was appended at, whatever entry holds that index now has applied (entries never
     * change index), so a transfer still not applied was refused at apply or overwritten by a new
     * leader, and this node, still the holder, may serve again. Until then it may still apply, and
     * serving meanwhile could let it start below reads served here (a timeout is not an answer).
     */
    private void endDeadTransfer(Replica r) {
        if (r.transferringLease && r.transferIndex != 0 && r.applied >= r.transferIndex) {
            r.transferringLease = false;
            r.transferIndex = 0;
        }
    }

    // ---- the cycle ----

    /**
     * One batch on its way to the disk and everything that waits for it to be durable: the
     * Readies whose messages it holds back and which are advanced after it, the answers and work
     * that run after it, and the applied indexes it publishes to reads.
     */
    private static final class Flight {
        final WriteBatch batch;
        final List<Replica> ready = new ArrayList<>();
        final List<Ready> readies = new ArrayList<>();
        /** Per Ready: its appends and heartbeats already left before the batch was durable. */
        final List<Boolean> sentEarly = new ArrayList<>();
        final List<Runnable> answers = new ArrayList<>();
        final List<Runnable> afterCommit = new ArrayList<>();
        /** The applied index each replica reaches with this batch: reads may be served there once durable. */
        final Map<Replica, Long> appliedAt = new LinkedHashMap<>();
        /** The messages that wait for this batch, one frame per peer; framed when the batch is sealed. */
        Map<Long, RaftBatch> outgoing;
        /** Raft hears of a snapshot sent only after the Ready holding it was advanced. */
        final List<Runnable> snapshotReports = new ArrayList<>();
        BatchWriter.Write write;

        Flight(WriteBatch batch) {
            this.batch = batch;
        }
    }

    /**
     * Steps what the inbox brought into Readies and puts them into the batch being built
     * ({@link #next}); hands that batch to the writer when no write is in flight. Messages that
     * may overlap the leader's own fsync leave now; every other one waits in its batch's
     * {@link Flight} until that batch (and so every earlier one) is durable.
     */
    private void runCycle() throws InterruptedException {
        if (!txnWaitReplicas.isEmpty()) serviceTxnWaits();
        if (!lockWaitReplicas.isEmpty()) serviceLockWaits();
        proposeQueuedWrites();
        List<Replica> ready = new ArrayList<>();
        List<Ready> readies = new ArrayList<>();
        for (Replica r : dirty) {
            if (!r.retired && r.raft.hasReady()) {
                ready.add(r);
                readies.add(r.raft.ready());
            }
        }
        dirty.clear();
        if (!ready.isEmpty() || !groupsToPersist.isEmpty()) {
            statCycles++;
            if (next == null) next = new Flight(store.newBatch());
            else if (inFlight != null) statBatchesDeferred++; // this cycle rides on a batch already waiting
            Flight f = next;
            persistNewGroups(f.batch);
            boolean[] termOrVotePending = new boolean[ready.size()];
            for (int i = 0; i < ready.size(); i++) {
                Replica r = ready.get(i);
                Ready rd = readies.get(i);
                if (r.retired) continue; // replaced by a split earlier in this batch: its Ready is void
                // Term or vote handed out in an earlier Ready and not durable yet (in flight or in this batch).
                termOrVotePending[i] = r.handedHardState.term() != r.durableHardState.term()
                        || r.handedHardState.vote() != r.durableHardState.vote();
                if (rd.hardState() != null) r.handedHardState = rd.hardState();
                persistAndApply(r, rd, f.batch, f.answers);
                unpublished.add(r);
            }
            // A leader's appends leave now and overlap its own fsync (Raft thesis 10.2.1); every other
            // message waits for the batch. Why that is safe: sendBeforeCommit and package-info.
            boolean[] sentEarly = sendBeforeCommit(ready, readies, termOrVotePending);
            for (int i = 0; i < ready.size(); i++) {
                f.ready.add(ready.get(i));
                f.readies.add(readies.get(i));
                f.sentEarly.add(sentEarly[i]);
            }
            answerCommittedWrites(); // committed means durable on a quorum; see the method
            f.afterCommit.addAll(afterCommit);
            afterCommit.clear();
        }
        if (inFlight == null && next != null) startWrite();
        flushOutbox(); // liveness pings and quiesce heartbeats
        if (!afterApply.isEmpty()) {
            List<Runnable> work = new ArrayList<>(afterApply);
            afterApply.clear();
            work.forEach(Runnable::run);
        }
    }

    /**
     * Hands the batch built so far to the writer (or, if it writes nothing, completes it at once:
     * its messages and advances wait for no disk, and no earlier write is in flight).
     */
    private void startWrite() throws InterruptedException {
        Flight f = next;
        next = null;
        for (Replica r : unpublished) f.appliedAt.put(r, r.applied);
        unpublished.clear();
        inFlight = f;
        if (f.batch.isEmpty()) {
            completeWrite();
            return;
        }
        view.seal();
        if (driven) {
            // Written inline on this thread (virtual time): durable on return, so it completes in
            // this turn, messages and all, exactly as a synchronous commit did.
            f.write = writer.submit(f.batch, () -> {});
            completeWrite();
            return;
        }
        // The writer sends these the moment the batch is durable: persist before send, without
        // waiting for this thread to wake up (an acknowledgement is on a write's critical path).
        Map<Long, RaftBatch> outgoing = frameMessages(f, new Outbox());
        f.write = writer.submit(f.batch, () -> sendFrames(outgoing)); // one transaction, one fsync, every group
    }

    /**
     * The batch in flight is durable (or failed, which stops the node): now what waited for it
     * happens, in the order a synchronous commit had it: durable hard states, work after the
     * commit, messages (persist before send), advancing Raft, answers, then reads at the newly
     * published applied indexes.
     */
    private void completeWrite() throws InterruptedException {
        Flight f = inFlight;
        if (f.write != null) {
            long nanos = BatchWriter.await(f.write);
            statCommitNanos += nanos;
            statCommits++;
            view.dropSealed();
        }
        inFlight = null;
        for (int i = 0; i < f.ready.size(); i++) {
            Ready rd = f.readies.get(i);
            if (rd.hardState() != null) f.ready.get(i).durableHardState = rd.hardState();
        }
        f.afterCommit.forEach(Runnable::run);
        if (f.outgoing == null) sendFrames(frameMessages(f, outbox)); // sent from here: with this cycle's other traffic
        pendingSnapshotReports.addAll(f.snapshotReports);
        for (int i = 0; i < f.ready.size(); i++) {
            Replica r = f.ready.get(i);
            if (r.retired) continue;
            r.raft.advance(f.readies.get(i));
            dirty.add(r);
        }
        pendingSnapshotReports.forEach(Runnable::run);
        pendingSnapshotReports.clear();
        f.answers.forEach(Runnable::run);
        for (Map.Entry<Replica, Long> e : f.appliedAt.entrySet()) {
            Replica r = e.getKey();
            if (r.retired) continue;
            r.publishedApplied = Math.max(r.publishedApplied, e.getValue());
            if (!r.latches.isEmpty()) pruneLatches(r);
            serveReads(r);
        }
    }

    /**
     * On stop: the write in flight finishes, and the batch built behind it is committed too (its
     * messages are not sent: the node is going away, and Raft resends what peers miss).
     */
    private void finishWritesAtStop() throws InterruptedException {
        if (inFlight != null && inFlight.write != null) BatchWriter.await(inFlight.write);
        inFlight = null;
        if (next != null && !next.batch.isEmpty()) store.commit(next.batch);
        next = null;
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
        events.softState(r.leaderId, r.role, rd.softState());
        r.observe(rd.softState());
        if (wasLeader && !r.isLeader()) {
            failWritesOf(r.groupId);
        }
        if (wasLeader != r.isLeader() && !r.waiting.isEmpty()) answers.add(() -> retryWaiting(r));
        if (rd.hardState() != null) r.commitIndex = Math.max(r.commitIndex, rd.hardState().commit());
        if (!rd.snapshot().isEmpty()) {
            RangeDescriptor old = r.desc;
            applier.installSnapshot(r, rd.snapshot(), batch);
            // Refused at or below the tombstone's generation (stepInto), so this one is past the
            // removal the tombstone recorded: the replica is a member again, from a full image.
            if (tombstones.remove(r.groupId) != null) batch.delete(Keys.rangeTombstoneKey(r.groupId));
            revivedAt.remove(r);
            r.removed = false;
            reindex(r, old);
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
        endDeadTransfer(r);
    }

    private boolean applyCommitted(Replica r, List<Entry> committed, WriteBatch batch, List<Runnable> answers) {
        boolean any = false;
        for (Entry e : committed) {
            if (e.index() <= r.applied) continue;
            Invariants.check(e.index() == r.applied + 1, "group %s: applying entry %s after applied index %s",
                    r.groupId, e.index(), r.applied);
            if (e.type() == EntryType.CONF_CHANGE) {
                applyConfChange(r, e, batch, answers);
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
            batch.put(Keys.nodeAddressKey(a.nodeId()), a.hostPort().getBytes(StandardCharsets.UTF_8));
            answers.add(() -> network.learnAddress(a.nodeId(), a.hostPort()));
        } else if (command instanceof Command.KvBatch b) {
            for (int i = 0; i < b.requests().size(); i++) {
                applyWrite(r, e, b.originNode(), b.proposalIds()[i], b.leaseSequence(), b.requests().get(i), batch);
            }
        } else if (command instanceof Command.Kv c) {
            applyWrite(r, e, c.originNode(), c.proposalId(), c.leaseSequence(), c.request(), batch);
        } else if (command instanceof Command.MvccBatch b) {
            for (Command.MvccOp op : b.ops()) applyMvcc(r, b.originNode(), b.leaseSequence(), op, batch);
        } else if (command instanceof Command.Split c) {
            RangeReply reply = applySplit(r, c, batch);
            answerCommand(c.originNode(), c.proposalId(), reply);
        } else if (command instanceof Command.RequestLease c) {
            RangeReply reply = applyLease(r, c, batch, answers);
            answerCommand(c.originNode(), c.proposalId(), reply);
        }
    }

    private void answerCommand(long originNode, long proposalId, RangeReply reply) {
        if (originNode != localNodeId) return;
        PendingCommand p = pendingCommands.remove(proposalId);
        if (p != null) committedWriteAnswers.add(() -> p.pending().answer(reply));
    }

    /**
     * Applies one write on every replica alike: refused (nothing written) if it was proposed under
     * a lease that is no longer the range's, or if its keys left the range's span (a split applied
     * between its proposal and its application).
     */
    private void applyWrite(Replica r, Entry e, long originNode, long proposalId, long leaseSequence,
            KvRequest request, WriteBatch batch) {
        boolean mine = originNode == localNodeId;
        RangeReply reply;
        if (leaseSequence != 0 && leaseSequence != r.lease.getSequence()) {
            reply = mine ? notLeaseholder(r) : null;
        } else {
            String outside = KvApplier.outsideSpan(r.desc, request);
            reply = outside != null ? (mine ? keyMismatch(r, KvApplier.firstKey(request), outside) : null)
                    : applier.apply(r, request, e.index(), batch);
        }
        if (!mine) return;
        PendingWrite w = pendingWrites.remove(proposalId);
        if (w != null) committedWriteAnswers.add(() -> w.pending().answer(reply));
    }

    /**
     * Applies one request on user keys on every replica alike, evaluated with the inputs its
     * proposer chose. A read that went through the log is evaluated only by its proposer, which
     * answers it; the other replicas skip it (it writes nothing). A commit with commit_wait is
     * answered once the commit-waiter says its timestamp is past, from the waiter's thread.
     */
    private void applyMvcc(Replica r, long originNode, long leaseSequence, Command.MvccOp op, WriteBatch batch) {
        KvRequest req = op.request();
        boolean read = MvccEvaluator.isRead(req);
        // Its latch, if any, stays until the batch holding this apply is durable (completeWrite).
        PendingWrite w = originNode == localNodeId ? pendingWrites.remove(op.proposalId()) : null;
        if (read && w == null) return;
        RangeReply reply;
        if (leaseSequence != 0 && leaseSequence != r.lease.getSequence()) {
            reply = notLeaseholder(r);
        } else if (KvApplier.outsideSpan(r.desc, req) != null) {
            reply = keyMismatch(r, KvApplier.firstKey(req), KvApplier.outsideSpan(r.desc, req));
        } else {
            EvalContext ctx = evalContext(r, op.now(), op.writeFloor(), originNode);
            reply = read ? applier.evaluateRead(r, req, ctx, true) : applier.applyMvcc(r, req, ctx, batch);
        }
        if (w == null) return;
        if (reply.hasKvResponse() && reply.getKvResponse().hasWriteTs()) {
            // Written above this node's clock (a newer version, a transaction's timestamp): move
            // the clock up, so that a read here after the answer reads at or above the write.
            try {
                clock.update(Timestamp.fromProto(reply.getKvResponse().getWriteTs()));
            } catch (io.conclave.clock.ClockOffsetException e) {
                LOG.fine(() -> "node " + localNodeId + " range " + r.groupId + ": write timestamp beyond the max offset: "
                        + e.getMessage());
            }
        }
        releaseWaitersOf(r, req, reply);
        if (parkedPush(r, req, reply, w.pending())) return;
        releaseLocksOf(r, req, reply, w.pending());
        if (parkedOnLock(r, req, reply, w.pending())) return;
        if (committedWithCommitWait(req, reply)) {
            // Applied: the outcome is known, only the wait is left, and it may outlast the request's
            // deadline (a loaded node's Raft round plus a commit timestamp ahead of its clock).
            w.pending().applied = true;
            committedWriteAnswers.add(() -> answerAfterCommitWait(r.groupId, req, reply, w.pending()));
        } else {
            committedWriteAnswers.add(() -> w.pending().answer(reply));
        }
    }

    // ---- the txn wait queue ----

    /**
     * A push this node proposed that lost (PUSH_FAILED) and asked to wait: if the waits-for
     * edges it carries close a cycle whose victim is the pushee, it is routed again marked so
     * (and aborts the pushee); otherwise it waits in the range's queue. True if it was taken.
     */
    private boolean parkedPush(Replica r, KvRequest req, RangeReply reply, Pending pending) {
        if (req.getOpCase() != KvRequest.OpCase.TXN_PUSH || req.getTxnPush().getWaitMillis() == 0
                || !reply.hasError() || reply.getError().getCode() != ErrorResponse.Code.PUSH_FAILED
                || r.lease.getHolder() != localNodeId) {
            return false;
        }
        TxnPush push = req.getTxnPush();
        List<TxnMeta> cycle = Deadlocks.cycle(push.getPusher(), push.getPushee(), push.getWaitsForList());
        if (!cycle.isEmpty() && Deadlocks.victim(cycle).getId().equals(push.getPushee().getId())
                && push.getType() != PushType.PUSH_TOUCH) {
            KvRequest victim = req.toBuilder().setTxnPush(push.toBuilder().setDeadlockVictim(true)).build();
            afterApply.add(() -> routeKv(victim, pending));
            return true;
        }
        long now = clock.now().wallNanos();
        long answerAt = now + Math.min(TxnWaitQueue.MAX_WAIT_NANOS, push.getWaitMillis() * 1_000_000L);
        TxnRecord rec = reply.getError().getTxnRecord();
        long expiresAt = rec.hasLastHeartbeat() ? rec.getLastHeartbeat().getWallNanos()
                + MvccEvaluator.TXN_EXPIRATION_NANOS + 1 : Long.MAX_VALUE;
        boolean expiresFirst = expiresAt - answerAt < 0;
        if (nearDeadline(pending) || !r.txnWaits.park(new TxnWaitQueue.Waiter<>(req, pending,
                expiresFirst ? expiresAt : answerAt, expiresFirst))) {
            return false;
        }
        txnWaitReplicas.add(r);
        return true;
    }

    /**
     * After a command changed a transaction's record on this range (finished, or pushed): the
     * pushes waiting for it are evaluated again, in the order they came.
     */
    private void releaseWaitersOf(Replica r, KvRequest req, RangeReply reply) {
        if (r.txnWaits.isEmpty() || !reply.hasKvResponse() || !reply.getKvResponse().hasTxnRecord()) return;
        TxnRecord rec = reply.getKvResponse().getTxnRecord();
        boolean changed = rec.getStatus() != TxnStatus.PENDING
                || (req.getOpCase() == KvRequest.OpCase.TXN_PUSH && reply.getKvResponse().getPushed());
        if (!changed) return;
        for (TxnWaitQueue.Waiter<Pending> w : r.txnWaits.release(rec.getMeta().getId())) {
            afterApply.add(() -> routeKv(pushOf(w), w.pending()));
        }
    }

    /**
     * Waits that are over, and queues of ranges this node no longer leases: a push whose pushee's
     * record expired is evaluated again (it now aborts it); one that waited its time, or whose
     * lease moved, is answered PUSH_FAILED and the pusher pushes again (at the new leaseholder).
     */
    private void serviceTxnWaits() {
        long now = clock.now().wallNanos();
        for (var it = txnWaitReplicas.iterator(); it.hasNext(); ) {
            Replica r = it.next();
            boolean leaseholder = !r.retired && !r.removed && r.lease.getHolder() == localNodeId
                    && LeaseRules.canServe(r.lease, localNodeId, clock.now(), clock.maxOffsetNanos());
            List<TxnWaitQueue.Waiter<Pending>> out = leaseholder ? r.txnWaits.due(now, this::nearDeadline)
                    : r.txnWaits.drain();
            for (TxnWaitQueue.Waiter<Pending> w : out) {
                if (w.pending().answered()) continue;
                if (w.reevaluate() && leaseholder) {
                    routeKv(pushOf(w), w.pending());
                } else {
                    if (leaseholder) r.txnWaits.answeredAfterWait(w, now + TxnWaitQueue.ANSWERED_EDGE_NANOS);
                    w.pending().answer(Replies.error(ErrorResponse.Code.PUSH_FAILED, "range " + r.groupId
                            + ": the pushee is still pending after the push waited"
                            + (leaseholder ? "" : " (the lease moved)") + "; push again"));
                }
            }
            if (r.txnWaits.isEmpty()) it.remove(); // answered edges age out at the next query
        }
    }

    // ---- the lock table ----

    /**
     * A prepare this node proposed that met another transaction's intent: it waits at the first
     * such key for the intent to be resolved (at most {@link LockTable#WAIT_NANOS}, then it is
     * answered WRITE_INTENT and its coordinator pushes). True if it was taken. A waiter evaluated
     * again after a release that meets an intent again keeps its place at the head.
     */
    private boolean parkedOnLock(Replica r, KvRequest req, RangeReply reply, Pending pending) {
        byte[] releasedAt = r.releasedFromLocks.remove(pending);
        if (req.getOpCase() != KvRequest.OpCase.TXN_PREPARE || !reply.hasError()
                || reply.getError().getCode() != ErrorResponse.Code.WRITE_INTENT || reply.getError().getIntentsCount() == 0
                || r.lease.getHolder() != localNodeId || nearDeadline(pending)) {
            return false;
        }
        byte[] key = reply.getError().getIntents(0).getKey().toByteArray();
        boolean first = releasedAt != null && Keys.compare(releasedAt, key) == 0;
        long due = clock.now().wallNanos() + LockTable.WAIT_NANOS;
        if (!r.locks.park(key, new LockTable.Waiter<>(req, pending, reply, due), first)) return false;
        lockWaitReplicas.add(r);
        return true;
    }

    /**
     * After a command resolved intents (a resolve, a commit or rollback resolving in place): the
     * first waiter at each such key is evaluated again. A released waiter that left no intent of
     * its own at its key (it committed in one phase, or failed) lets the next one go too.
     */
    private void releaseLocksOf(Replica r, KvRequest req, RangeReply reply, Pending pending) {
        byte[] released = r.releasedFromLocks.get(pending);
        if (released != null && !(reply.hasError() && reply.getError().getCode() == ErrorResponse.Code.WRITE_INTENT)) {
            r.releasedFromLocks.remove(pending);
            boolean holdsKey = reply.hasKvResponse() && !reply.getKvResponse().getCommitted();
            if (!holdsKey) releaseHead(r, released);
        }
        if (r.locks.isEmpty() || !reply.hasKvResponse()) return;
        List<com.google.protobuf.ByteString> keys = switch (req.getOpCase()) {
            case TXN_RESOLVE -> req.getTxnResolve().getKeysList();
            case TXN_END -> req.getTxnEnd().getResolveKeysList();
            default -> List.of();
        };
        for (com.google.protobuf.ByteString k : keys) releaseHead(r, k.toByteArray());
    }

    private void releaseHead(Replica r, byte[] key) {
        LockTable.Waiter<Pending> w = r.locks.releaseHead(key);
        if (w == null || w.pending().answered()) return;
        r.releasedFromLocks.put(w.pending(), key);
        afterApply.add(() -> routeKv(w.request(), w.pending()));
    }

    /** Waits that are over, and lock tables of ranges this node no longer leases: answered with the conflict. */
    private void serviceLockWaits() {
        long now = clock.now().wallNanos();
        for (var it = lockWaitReplicas.iterator(); it.hasNext(); ) {
            Replica r = it.next();
            boolean leaseholder = !r.retired && !r.removed && r.lease.getHolder() == localNodeId
                    && LeaseRules.canServe(r.lease, localNodeId, clock.now(), clock.maxOffsetNanos());
            for (LockTable.Waiter<Pending> w : leaseholder ? r.locks.due(now, this::nearDeadline) : r.locks.drain()) {
                w.pending().answer(w.conflict());
            }
            if (r.locks.isEmpty()) {
                r.releasedFromLocks.clear();
                it.remove();
            }
        }
    }

    private static KvRequest pushOf(TxnWaitQueue.Waiter<Pending> w) {
        return w.request();
    }

    /** A parked request this close to its deadline is answered now: at the deadline it would be called ambiguous. */
    private boolean nearDeadline(Pending pending) {
        return pending.deadlineTick - tickCount <= 2;
    }

    /** A commit (a TxnEnd, or a one-phase TxnPrepare that committed) whose answer must wait for commit-wait. */
    private static boolean committedWithCommitWait(KvRequest req, RangeReply reply) {
        if (!reply.hasKvResponse() || !asksCommitWait(req)) return false;
        return req.getOpCase() != KvRequest.OpCase.TXN_PREPARE || reply.getKvResponse().getCommitted();
    }

    /** A commit that asks for commit-wait: a committing txn_end, or a one-phase txn_prepare. */
    private static boolean asksCommitWait(KvRequest req) {
        return switch (req.getOpCase()) {
            case TXN_END -> req.getTxnEnd().getCommit() && req.getTxnEnd().getCommitWait();
            case TXN_PREPARE -> req.getTxnPrepare().getOnePhase() && req.getTxnPrepare().getCommitWait();
            default -> false;
        };
    }

    private void answerAfterCommitWait(long rangeId, KvRequest req, RangeReply reply, Pending pending) {
        Timestamp commitTs;
        if (req.getOpCase() == KvRequest.OpCase.TXN_PREPARE) {
            var resp = reply.getKvResponse();
            commitTs = Timestamp.fromProto(resp.hasWriteTs() ? resp.getWriteTs() : req.getTxnPrepare().getTxn().getWriteTs());
        } else {
            var record = reply.getKvResponse().getTxnRecord();
            commitTs = Timestamp.fromProto(record.hasCommitTs() ? record.getCommitTs() : req.getTxnEnd().getCommitTs());
        }
        // Only the part of the wait that outlasts the apply delays the answer: that is what is reported.
        long appliedAt = nanoClock.getAsLong();
        Pending.EarlyCommitWait early = pending.earlyCommitWait;
        boolean covered = early != null && early.covers(commitTs);
        long overlapped = covered ? Math.max(0, appliedAt - early.startNanos()) : 0;
        CompletableFuture<CommitWaitResult> wait = covered ? early.future() : commitWaiter.commitWait(commitTs);
        wait.whenComplete((result, failure) -> {
            if (failure != null) {
                // It committed, but answering now could let a later transaction miss it: say so.
                pending.fail(ErrorResponse.Code.AMBIGUOUS_RESULT, "range " + rangeId + ": the transaction committed"
                        + " at " + commitTs + " but its commit-wait failed (" + failure.getMessage() + ")");
            } else {
                pending.answer(RangeReply.newBuilder().setKvResponse(reply.getKvResponse().toBuilder()
                        .setCommitWaitNanos(Math.max(0, result.waitedNanos() - overlapped))).build());
            }
        });
    }

    /**
     * The split trigger, on every replica alike, in this cycle's batch: the left range shrinks to
     * [start, split key) with the next generation, and the right range is created in place on
     * the same replicas (Raft state at {@link #RAFT_INIT_INDEX}, descriptor, the left's lease),
     * over the data already under its keys. A right replica that exists uninitialized (created by
     * an early message of the right range's leader) is initialized in place; one already
     * initialized (by a snapshot) is left alone.
     */
    private RangeReply applySplit(Replica r, Command.Split c, WriteBatch batch) {
        SplitRange split = c.split();
        if (c.leaseSequence() != 0 && c.leaseSequence() != r.lease.getSequence()) return notLeaseholder(r);
        String problem = splitProblem(r.desc, split);
        if (problem != null) return Replies.error(ErrorResponse.Code.BAD_REQUEST, problem);
        byte[] key = split.getSplitKey().toByteArray();
        RangeDescriptor old = r.desc;
        RangeDescriptor left = old.toBuilder().setEndKey(split.getSplitKey()).setGeneration(old.getGeneration() + 1)
                .build();
        RangeDescriptor right = RangeDescriptor.newBuilder().setRangeId(split.getNewRangeId())
                .setStartKey(split.getSplitKey()).setEndKey(old.getEndKey()).addAllReplicas(old.getReplicasList())
                .setGeneration(left.getGeneration()).build();
        long rightBytes = applier.spanBytes(right);
        r.desc = left;
        r.sizeBytes -= rightBytes;
        r.sizeSplitKeyAtBytes = -1;
        applier.writeDescriptor(left, batch);
        reindex(r, old);
        long rightId = right.getRangeId();
        Replica existing = replicas.get(rightId);
        // A tombstone: this node had the right range and replica GC destroyed it, so this split is
        // being applied late, by a lagging left replica; creating the right range at its initial
        // state would bring back a replica that forgot what it acknowledged. Its leader sends a
        // snapshot if this node is a member again.
        if ((existing == null || !existing.initialized()) && !tombstones.containsKey(rightId)) {
            HardState hs = existing == null ? store.group(rightId).hardState() : existing.raft.status().hardState();
            writeInitialRaftState(batch, rightId, r.confState, hs);
            applier.writeDescriptor(right, batch);
            if (r.lease.getHolder() != 0) applier.writeLease(rightId, r.lease, batch);
            if (r.gcThreshold.isAfter(Timestamp.MIN)) applier.writeGcThreshold(rightId, r.gcThreshold, batch, null);
            if (existing != null) retire(existing);
            groupsToPersist.remove(rightId);
            // Until the batch is durable the range exists only in it: nothing may step or load it.
            creating.put(rightId, right);
            boolean campaign = r.isLeader();
            boolean leaseFromPreviousRun = r.leaseFromPreviousRun;
            // The right half inherits the reads (and claims) the left served on its keys, as low-water marks.
            Timestamp readsBelow = r.tsCache == null ? null : r.tsCache.maxTimestamp();
            Timestamp claimsBelow = r.tsCache == null ? null : r.tsCache.maxClaim();
            afterCommit.add(() -> {
                creating.remove(rightId);
                Replica created = loadReplica(rightId);
                created.leaseFromPreviousRun = leaseFromPreviousRun;
                if (readsBelow != null) {
                    created.tsCache = new TimestampCache(Timestamp.max(readsBelow, leaseStart(created)), claimsBelow,
                            TimestampCache.DEFAULT_MAX_ENTRIES);
                }
                if (campaign && !created.removed) {
                    created.raft.campaign();
                    dirty.add(created);
                }
            });
        }
        if (r.isLeader()) events.split(r.groupId, rightId, key, clock.physicalNowNanos());
        LOG.fine(() -> "node " + localNodeId + " split range " + r.groupId + " at " + Keys.pretty(key) + ": right range "
                + rightId);
        return Replies.admin(AdminResponse.newBuilder().setLeft(left).setRight(right).addGroups(Status.of(r)).build());
    }

    /**
     * Applies a lease request on every replica alike if it still replaces the lease it names
     * ({@link LeaseRules#applyProblem}). On the proposer, a transfer then hands Raft leadership
     * to the new holder; parked requests are routed again either way.
     */
    private RangeReply applyLease(Replica r, Command.RequestLease c, WriteBatch batch, List<Runnable> answers) {
        String problem = LeaseRules.applyProblem(r.lease, c.previous(), c.lease(), c.originNode(),
                clock.maxOffsetNanos());
        if (problem != null) {
            return Replies.error(ErrorResponse.Code.NOT_LEASEHOLDER, "lease request for range " + r.groupId
                    + " refused: " + problem + "; retry");
        }
        Lease previous = r.lease;
        r.lease = c.lease();
        r.transferringLease = false;
        if (r.lease.getSequence() != previous.getSequence() || r.lease.getHolder() != previous.getHolder()) {
            // A new lease: reads of earlier holders all lie below its start (LeaseRules), give or
            // take the max offset.
            r.tsCache = r.lease.getHolder() == localNodeId ? newLeaseCache(r) : null;
        }
        applier.writeLease(r.groupId, r.lease, batch);
        boolean mineThisRun = c.originNode() == localNodeId && pendingCommands.containsKey(c.proposalId());
        if (mineThisRun) r.leaseFromPreviousRun = false;
        else if (r.lease.getHolder() != localNodeId) r.leaseFromPreviousRun = false;
        if (mineThisRun && previous.getHolder() == localNodeId && r.lease.getHolder() != localNodeId) {
            long to = r.lease.getHolder();
            answers.add(() -> {
                if (r.isLeader() && !r.retired) {
                    r.raft.transferLeadership(to);
                    dirty.add(r);
                }
            });
        }
        answers.add(() -> retryWaiting(r));
        return Replies.admin(AdminResponse.newBuilder().addGroups(Status.of(r)).build());
    }

    private void applyConfChange(Replica r, Entry e, WriteBatch batch, List<Runnable> answers) {
        ConfChange cc = ConfChange.decode(e.data());
        r.confState = r.raft.applyConfChange(cc);
        LOG.info(() -> "node " + localNodeId + " range " + r.groupId + " applied " + cc + " at " + e.index()
                + ": voters " + r.confState.voters() + " learners " + r.confState.learners());
        RangeDescriptor old = r.desc;
        if (r.desc != null) {
            r.desc = withMembership(r.desc, r.confState);
            applier.writeDescriptor(r.desc, batch);
        }
        if (cc.nodeId() == localNodeId) revivedAt.remove(r); // removed again, or its return applied
        if (cc.type() == ConfChangeType.REMOVE_NODE && cc.nodeId() == localNodeId) {
            r.removed = true;
            awake.remove(r);
            if (r.desc != null) spans.remove(r.desc.getEndKey().toByteArray(), r);
        } else if (cc.nodeId() == localNodeId) {
            // This node added (back): a member again, even if it applied its removal earlier in
            // this same catch-up (no message revived it in between, see readdedBy). It left the
            // span index at its removal; having applied every split before this entry, its span
            // is current now. (Other changes keep the span, and a revived replica that has not
            // caught up yet must not be indexed under its stale span.)
            if (r.removed) {
                r.removed = false;
                r.quiesced = false;
                awake.add(r);
            }
            reindex(r, old);
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

    /**
     * Writes and commands proposed here whose fate is now unknown: they may still apply under a new
     * leader. Idempotent writes may be retried; others must not be retried blindly.
     */
    private void failWritesOf(long groupId) {
        String why = "node " + localNodeId + " lost Raft leadership of range " + groupId
                + " after proposing; it may or may not have been applied";
        pendingWrites.values().removeIf(w -> {
            if (w.groupId() != groupId) return false;
            if (w.read()) {
                w.pending().fail(ErrorResponse.Code.PROPOSAL_DROPPED, "node " + localNodeId + " lost Raft leadership"
                        + " of range " + groupId + " before serving a read; retry");
            } else {
                w.pending().fail(ErrorResponse.Code.AMBIGUOUS_RESULT, "write: " + why);
            }
            return true;
        });
        pendingCommands.values().removeIf(c -> {
            if (c.groupId() != groupId) return false;
            c.pending().fail(ErrorResponse.Code.AMBIGUOUS_RESULT, c.what() + ": " + why);
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
     * Sends, before the batch holding its Ready is durable, the messages of a Ready that may
     * overlap the leader's own fsync, and returns which Readies had theirs sent. A Ready
     * qualifies when its replica is the leader now, it holds no snapshot, and its hard state is
     * unchanged or differs from the durable one only in the commit index, with no term or vote
     * change of an earlier Ready still on its way to the disk ({@code termOrVotePending}): the
     * term and vote a follower sees are already durable, so a restart cannot forget them and vote
     * twice in that term. Within it, a message goes early when it is an APPEND or a HEARTBEAT and
     * names no commit index that covers this Ready's own, not yet durable, entries.
     *
     * <p>Why a leader may replicate entries it has not persisted (Raft thesis 10.2.1): an entry
     * commits only through a quorum of durable copies, and Raft counts the leader's own copy only
     * once the leader's write is durable ({@code RawNode.advance} after the batch, not at
     * append). So whatever the followers acknowledge meanwhile, a commit index (which the leader
     * then sends, and on which it answers clients) never rests on the leader's unfinished write.
     * If that write fails, the node stops; an entry a follower holds without the leader is merely
     * uncommitted, and Raft may keep it or overwrite it. The commit-index guard is then a second
     * line for a single voter (which may still have learners): its commit index must not reach a
     * learner before the leader has the entries on disk.
     */
    private boolean[] sendBeforeCommit(List<Replica> ready, List<Ready> readies, boolean[] termOrVotePending) {
        boolean[] sentEarly = new boolean[ready.size()];
        for (int i = 0; i < ready.size(); i++) {
            Replica r = ready.get(i);
            Ready rd = readies.get(i);
            if (r.retired || termOrVotePending[i] || !mayOverlapFsync(r.isLeader(), r.durableHardState, rd)) continue;
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

    /**
     * Frames the messages of a batch's Readies that were not sent early, one RaftBatch per peer,
     * to be sent once the batch is durable. A replica retired since (a split initialized its range
     * anew) still has its messages sent: they reveal only what this batch made durable.
     */
    private Map<Long, RaftBatch> frameMessages(Flight f, Outbox box) {
        for (int i = 0; i < f.ready.size(); i++) {
            Replica r = f.ready.get(i);
            Ready rd = f.readies.get(i);
            if (r.retired) continue;
            for (Message m : rd.messages()) {
                if (f.sentEarly.get(i) && sendableBeforeCommit(rd, m)) continue;
                box.add(r.groupId, m);
                statMessagesSent++;
                if (m.type() == MessageType.SNAPSHOT) {
                    f.snapshotReports.add(() -> r.raft.reportSnapshot(m.to(), true));
                    events.snapshotSent();
                }
            }
        }
        f.outgoing = box.isEmpty() ? Map.of() : box.drain();
        statBatchesSent += f.outgoing.size();
        return f.outgoing;
    }

    /** Sends framed batches; on the writer thread or this one. {@link PeerNetwork#send} must not block. */
    private void sendFrames(Map<Long, RaftBatch> frames) {
        frames.forEach(network::send);
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
