package io.conclave.node.maintenance;

import io.conclave.clock.PhysicalClock;
import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.allocator.Action;
import io.conclave.range.allocator.Allocator;
import io.conclave.range.allocator.AllocatorSettings;
import io.conclave.range.allocator.NodeState;
import io.conclave.range.allocator.NodeState.Health;
import io.conclave.range.allocator.RangeState;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.TxnRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's background upkeep of the ranges it holds leases of (or leads, where no lease is
 * valid): every pass (see
 * {@link MaintenanceSettings#interval()}) it repairs their meta records, splits those above the
 * size or load threshold, and carries out the allocator's next change for each. One thread, one
 * pass at a time, every call synchronous: a node has at most one membership or lease change in
 * flight. A failure is logged with the range and the action and the pass moves on; nothing a
 * pass meets stops the loop.
 */
public final class MaintenanceLoop implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MaintenanceLoop.class.getName());
    /** Above this many unchecked meta records, a pass reads all of meta once instead of each record. */
    static final int META_SCAN_THRESHOLD = 32;
    /** Meta records rewritten per pass at most, so that a pass after a restart stays short. */
    static final int MAX_META_UPDATES_PER_PASS = 256;
    /**
     * Nodes whose status a pass asks for descriptors a meta repair lacks (rare: only after a lost
     * split meta update whose halves then moved off this node). Bounds the pass on a big cluster.
     */
    static final int MAX_NODES_ASKED_FOR_META = 32;
    private static final long CLOSE_WAIT_SECONDS = 10;
    /**
     * A learner's node lists the range within a heartbeat of being added (a replica is created,
     * uninitialized, on the first message). One that still does not after this long refuses it.
     */
    static final long REFUSAL_GRACE_NANOS = 15_000_000_000L;
    /**
     * How long a node that refused a range is not asked again to take it. Short: a removed
     * replica now rejoins when a leader replicates to it, so a refusal is a passing fault (a
     * node starting, a full inbox), and while it lasts the range may stay under-replicated.
     */
    static final long REFUSAL_MEMORY_NANOS = 5L * 60 * 1_000_000_000L;
    /**
     * A pass reads the status of every local replica on the scheduler thread, and the counts
     * refresh that of every replica of every node: with thousands of ranges that is most of an
     * idle node's CPU. So passes are at least this far apart per local range (10 s at 10,000
     * ranges) and count refreshes three times that, whatever the settings say.
     */
    static final long PASS_GAP_NANOS_PER_RANGE = 1_000_000;
    /** User keys one GC command examines: one Raft entry, bounded work on the scheduler thread. */
    static final int GC_PAGE_KEYS = 1_000;
    /** GC pages a pass sends over all ranges; a range not finished continues at the next pass. */
    static final int MAX_GC_PAGES_PER_PASS = 64;
    /**
     * Abandoned COMMITTED transactions a pass finishes (each a resolve per range it wrote and the
     * record's removal); the others are reported again by the range's next GC round.
     */
    static final int MAX_ABANDONED_COMMITS_PER_PASS = 64;
    private static final long STATUS_UNKNOWN = -1;
    private static final long RANGE_ABSENT = -2;

    private final ClusterOps cluster;
    private final Supplier<List<GroupStatus>> localStatus;
    private final long nodeId;
    private final PhysicalClock clock;
    private final MaintenanceSettings settings;
    private final Allocator allocator;
    private ScheduledExecutorService executor;

    // Confined to the pass (one at a time: the executor's single thread, or a test calling runPass).
    private final LivenessView livenessView;
    /** Range id -> the descriptor generation whose meta record was found current. */
    private final Map<Long, Long> metaCheckedGeneration = new HashMap<>();
    /** Range id -> learner node -> when this node first saw the learner. */
    private final Map<Long, Map<Long, Long>> learnerFirstSeenNanos = new HashMap<>();
    /** Range id -> node -> until when that node is known to refuse a replica of the range. */
    private final Map<Long, Map<Long, Long>> refusedUntilNanos = new HashMap<>();
    /** Node id -> {replicas, leases}, refreshed every countsRefresh and adjusted after each change. */
    private final Map<Long, int[]> counts = new HashMap<>();
    /** Nodes whose counts were read at least once (the others take no part in rebalancing). */
    private final Set<Long> countsRead = new HashSet<>();
    /** Range id -> when its last GC round finished (or the range was first seen here). */
    private final Map<Long, Long> gcDoneAtNanos = new HashMap<>();
    /** Range id -> where its GC round in progress continues. */
    private final Map<Long, byte[]> gcResumeKeys = new HashMap<>();
    /** Set when the cluster has no MVCC GC (a test model): the loop stops asking. */
    private boolean gcUnsupported;
    private long countsRefreshedAtNanos;
    private boolean countsEverRefreshed;
    private long lastPassNanos;
    private boolean passedOnce;
    private int lastLocalCount;

    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong metaRepairs = new AtomicLong();
    private final AtomicLong splits = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong gcPages = new AtomicLong();
    private final AtomicLong abandonedCommitsFinished = new AtomicLong();

    /** What the loop has done since it started: for the status page and tests. */
    public record Stats(long passes, long metaRepairs, long splits, long changes, long failures) {}

    /** GC commands (pages) this loop sent and that succeeded. */
    public long gcPages() {
        return gcPages.get();
    }

    /** COMMITTED transactions whose coordinator died that this loop finished (see {@link #collectGarbage}). */
    public long abandonedCommitsFinished() {
        return abandonedCommitsFinished.get();
    }

    /**
     * @param client the node's range client; the loop uses it and does not close it
     * @param localStatus this node's replicas' status (the scheduler's); only leaseholder ones are acted on
     * @param clock physical time, compared with the liveness records' expirations
     */
    public MaintenanceLoop(RangeClient client, Supplier<List<GroupStatus>> localStatus, long nodeId,
            PhysicalClock clock, MaintenanceSettings settings) {
        this(new RangeClientOps(client), localStatus, nodeId, clock, settings);
    }

    MaintenanceLoop(ClusterOps cluster, Supplier<List<GroupStatus>> localStatus, long nodeId, PhysicalClock clock,
            MaintenanceSettings settings) {
        if (nodeId <= 0) throw new IllegalArgumentException("node id must be > 0, got " + nodeId);
        this.cluster = cluster;
        this.localStatus = localStatus;
        this.nodeId = nodeId;
        this.clock = clock;
        this.settings = settings;
        this.livenessView = new LivenessView(nodeId);
        this.allocator = new Allocator(new AllocatorSettings(settings.replicationFactor(),
                settings.learnerTimeout().toNanos()));
    }

    /** Starts the passes on a daemon thread; the first runs after one interval. */
    public synchronized void start() {
        if (executor != null) throw new IllegalStateException("maintenance loop of node " + nodeId + " already started");
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "maintenance-n" + nodeId);
            t.setDaemon(true);
            return t;
        });
        ex.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        long intervalMillis = settings.interval().toMillis();
        ex.scheduleWithFixedDelay(this::passGuarded, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        executor = ex;
    }

    /** Stops the passes, interrupting one in progress, and waits for it to end. */
    @Override
    public synchronized void close() {
        if (executor == null) return;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning("maintenance pass of node " + nodeId + " did not stop within " + CLOSE_WAIT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Stats stats() {
        return new Stats(passes.get(), metaRepairs.get(), splits.get(), changes.get(), failures.get());
    }

    private void passGuarded() {
        try {
            runPass();
        } catch (RuntimeException e) {
            // A pass that fails as a whole (no status, no liveness) is retried at the next interval.
            failures.incrementAndGet();
            LOG.log(Level.WARNING, "maintenance pass of node " + nodeId + " failed: " + e.getMessage(), e);
        }
    }

    /** One pass over the ranges this node leases. Not concurrent with itself. */
    void runPass() {
        long now = clock.nowNanos();
        long gap = lastLocalCount * PASS_GAP_NANOS_PER_RANGE;
        if (passedOnce && gap > settings.interval().toNanos() && now - lastPassNanos < gap) return;
        passedOnce = true;
        lastPassNanos = now;
        passes.incrementAndGet();
        List<GroupStatus> local = localStatus.get();
        lastLocalCount = local.size();
        List<GroupStatus> leased = leased(local, now);
        Set<Long> leasedIds = new HashSet<>();
        for (GroupStatus g : leased) leasedIds.add(g.getGroupId());
        learnerFirstSeenNanos.keySet().retainAll(leasedIds);
        refusedUntilNanos.values().removeIf(Map::isEmpty);
        // Checked generations are kept while the replica is here, so a lease moving back and
        // forth costs no meta reads; a replica gone (removed, merged away) is forgotten.
        Set<Long> localIds = new HashSet<>();
        for (GroupStatus g : local) localIds.add(g.getGroupId());
        metaCheckedGeneration.keySet().retainAll(localIds);
        gcDoneAtNanos.keySet().retainAll(leasedIds);
        gcResumeKeys.keySet().retainAll(leasedIds);
        if (leased.isEmpty()) return;
        collectGarbage(leased, now);
        if (settings.metaRepair()) repairMeta(leased, local);
        Set<Long> splitNow = settings.autoSplit() ? autoSplit(leased) : Set.of();
        if (settings.allocate()) {
            try {
                allocate(local, leased, splitNow, now);
            } catch (RuntimeException e) {
                // No liveness view this pass: nothing can be decided safely; the next pass retries.
                failures.incrementAndGet();
                LOG.warning("allocation pass of node " + nodeId + " failed: " + e.getMessage());
            }
        }
    }

    /**
     * The ranges this node takes care of: those it holds a valid lease of, and those without a
     * valid lease (none yet, or an idle range that let its lease lapse) whose Raft leader it is,
     * so that idle ranges on a dead node are replaced too. One caretaker per range, mostly.
     */
    private List<GroupStatus> leased(List<GroupStatus> local, long now) {
        List<GroupStatus> out = new ArrayList<>();
        for (GroupStatus g : local) {
            if (!g.hasRangeDescriptor()) continue;
            if (leaseValid(g, now) ? g.getLease().getHolder() == nodeId : g.getLeader() == nodeId) out.add(g);
        }
        out.sort(Comparator.comparingLong(GroupStatus::getGroupId));
        return out;
    }

    private static boolean leaseValid(GroupStatus g, long now) {
        return g.getLease().getHolder() != 0 && g.getLease().getExpiration().getWallNanos() > now;
    }

    // ---- MVCC garbage collection ----

    /**
     * Removes versions older than --gc-ttl from the user ranges this node leases, each at most
     * once per GC interval (the first round one interval after the range is first seen here), a
     * page of keys per command, at most {@link #MAX_GC_PAGES_PER_PASS} pages per pass. The
     * threshold is physical now minus the TTL: every replica raises the range's GC threshold to
     * it when the command applies, and reads below it are refused from then on. A page also
     * reports COMMITTED records older than the threshold whose coordinator died before removing
     * them; the loop resolves their intents and removes them (at most
     * {@link #MAX_ABANDONED_COMMITS_PER_PASS} a pass).
     */
    private void collectGarbage(List<GroupStatus> leased, long now) {
        if (gcUnsupported) return;
        io.conclave.clock.Timestamp threshold = new io.conclave.clock.Timestamp(
                Math.max(0, now - settings.gcTtl().toNanos()), 0);
        int pages = 0;
        int finishes = 0;
        for (GroupStatus g : leased) {
            RangeDescriptor d = g.getRangeDescriptor();
            if (Keys.compare(d.getStartKey().toByteArray(), Keys.USER_START) < 0) continue;
            long id = d.getRangeId();
            byte[] resume = gcResumeKeys.get(id);
            if (resume == null) {
                Long done = gcDoneAtNanos.putIfAbsent(id, now);
                if (done == null || now - done < settings.gcInterval().toNanos()) continue;
                resume = d.getStartKey().toByteArray();
            }
            while (resume != null && pages < MAX_GC_PAGES_PER_PASS) {
                pages++;
                byte[] next;
                try {
                    ClusterOps.GcPage page = cluster.mvccGc(resume, threshold, GC_PAGE_KEYS);
                    next = page.resumeKey();
                    finishes += finishAbandonedCommits(page.abandonedCommits(), MAX_ABANDONED_COMMITS_PER_PASS - finishes);
                } catch (UnsupportedOperationException e) {
                    gcUnsupported = true;
                    return;
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                    LOG.warning("MVCC GC of r" + id + " at " + Keys.pretty(resume) + " failed: " + e.getMessage());
                    next = new byte[0]; // the round ends; the next one starts over after an interval
                }
                gcPages.incrementAndGet();
                boolean finished = next.length == 0 || Keys.compare(next, d.getEndKey().toByteArray()) >= 0;
                resume = finished ? null : next;
                if (finished) {
                    gcResumeKeys.remove(id);
                    gcDoneAtNanos.put(id, now);
                } else {
                    gcResumeKeys.put(id, next);
                }
            }
            if (pages >= MAX_GC_PAGES_PER_PASS) return;
        }
    }

    /** Finishes up to {@code budget} of {@code records}; returns how many it tried. */
    private int finishAbandonedCommits(List<TxnRecord> records, int budget) {
        int tried = 0;
        for (TxnRecord r : records) {
            if (tried >= budget) break;
            tried++;
            try {
                cluster.finishAbandonedCommit(r);
                abandonedCommitsFinished.incrementAndGet();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                var id = r.getMeta().getId();
                LOG.warning("finishing committed transaction "
                        + java.util.HexFormat.of().formatHex(id.substring(0, Math.min(4, id.size())).toByteArray())
                        + " anchored at " + Keys.pretty(r.getMeta().getAnchorKey().toByteArray()) + " failed: "
                        + e.getMessage());
            }
        }
        return tried;
    }

    // ---- meta repair ----

    /**
     * Brings meta up to date over each leased range whose generation was not checked yet. Meta
     * stays a tiling (range 1 refuses anything else, MetaRecords): where meta still holds one
     * record for a span that has split since (a splitter died before its meta update), the
     * repair replaces that record by the whole span's descriptors in one update, taken from this
     * node's replicas (a split leaves both halves on the same nodes), else from the other live
     * nodes' status (asked at most once per pass). A range it cannot repair yet is checked
     * again next pass.
     */
    private void repairMeta(List<GroupStatus> leased, List<GroupStatus> local) {
        List<RangeDescriptor> unchecked = new ArrayList<>();
        for (GroupStatus g : leased) {
            RangeDescriptor d = g.getRangeDescriptor();
            Long checked = metaCheckedGeneration.get(d.getRangeId());
            if (checked == null || checked != d.getGeneration()) unchecked.add(d);
        }
        if (unchecked.isEmpty()) return;
        List<RangeDescriptor> meta = null;
        if (unchecked.size() > META_SCAN_THRESHOLD) {
            try {
                meta = cluster.allRanges();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.warning("meta repair: reading meta failed: " + e.getMessage());
                return;
            }
        }
        List<RangeDescriptor> known = new ArrayList<>();
        for (GroupStatus g : local) if (g.hasRangeDescriptor()) known.add(g.getRangeDescriptor());
        boolean askedOthers = false;
        int updates = 0;
        for (RangeDescriptor d : unchecked) {
            if (updates >= MAX_META_UPDATES_PER_PASS) break;
            try {
                List<RangeDescriptor> covering = meta != null ? covering(meta, d)
                        : cluster.metaCovering(d.getStartKey().toByteArray(), d.getEndKey().toByteArray());
                if (!MetaRecords.upToDate(d, covering)) {
                    Optional<List<RangeDescriptor>> update = MetaRecords.repair(d, covering, known);
                    if (update.isEmpty() && !askedOthers) {
                        askedOthers = true;
                        known.addAll(otherNodesDescriptors());
                        update = MetaRecords.repair(d, covering, known);
                    }
                    if (update.isEmpty() || !cluster.metaReplace(update.get())) {
                        // FINE: a lost split update waits a pass or two, and would log every pass.
                        LOG.fine("meta over " + MetaRecords.describe(d) + " not repaired yet: meta has "
                                + describeAll(covering) + (update.isEmpty() ? "; the descriptors of the rest of"
                                        + " that span are unknown here" : "; refused (changed meanwhile)"));
                        continue; // not marked checked: the next pass tries again
                    }
                    updates += update.get().size();
                    metaRepairs.incrementAndGet();
                    LOG.info("meta over " + MetaRecords.describe(d) + " repaired: " + describeAll(covering) + " -> "
                            + describeAll(update.get()));
                }
                // A newer record means this descriptor is behind; it is checked again when the
                // replica learns the newer one.
                metaCheckedGeneration.put(d.getRangeId(), d.getGeneration());
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.warning("meta repair of r" + d.getRangeId() + " failed: " + e.getMessage());
            }
        }
    }

    /** The records of {@code meta} (all of it, in key order) that overlap {@code d}'s span. */
    private static List<RangeDescriptor> covering(List<RangeDescriptor> meta, RangeDescriptor d) {
        List<RangeDescriptor> out = new ArrayList<>();
        for (RangeDescriptor r : meta) {
            if (Keys.compare(r.getEndKey().toByteArray(), d.getStartKey().toByteArray()) <= 0) continue;
            out.add(r);
            if (Keys.compare(r.getEndKey().toByteArray(), d.getEndKey().toByteArray()) >= 0) break;
        }
        return out;
    }

    /** The descriptors the other live nodes report, for a repair this node's replicas cannot fill. */
    private List<RangeDescriptor> otherNodesDescriptors() {
        List<RangeDescriptor> out = new ArrayList<>();
        List<NodeLiveness> nodes;
        try {
            nodes = cluster.liveness();
        } catch (RuntimeException e) {
            LOG.fine("meta repair: no liveness records: " + e.getMessage());
            return out;
        }
        int asked = 0;
        for (NodeLiveness n : nodes) {
            if (n.getNodeId() == nodeId || n.getAddress().isEmpty()) continue;
            if (asked++ >= MAX_NODES_ASKED_FOR_META) break;
            try {
                for (GroupStatus g : cluster.nodeStatus(n.getAddress()).getGroupsList()) {
                    if (g.hasRangeDescriptor()) out.add(g.getRangeDescriptor());
                }
            } catch (RuntimeException e) {
                LOG.fine("meta repair: status of n" + n.getNodeId() + " unavailable: " + e.getMessage());
            }
        }
        return out;
    }

    private static String describeAll(List<RangeDescriptor> ds) {
        StringBuilder b = new StringBuilder("[");
        for (RangeDescriptor d : ds) b.append(b.length() > 1 ? ", " : "").append(MetaRecords.describe(d));
        return b.append(']').toString();
    }

    // ---- automatic splits ----

    private Set<Long> autoSplit(List<GroupStatus> leased) {
        Set<Long> done = new HashSet<>();
        for (GroupStatus g : leased) {
            if (done.size() >= settings.maxSplitsPerPass()) break;
            if (g.getSuggestedSplitKey().isEmpty()) continue;
            RangeDescriptor d = g.getRangeDescriptor();
            byte[] key = g.getSuggestedSplitKey().toByteArray();
            boolean tooBig = g.getSizeBytes() >= settings.maxRangeBytes();
            boolean tooBusy = g.getQps() >= settings.splitQps();
            if (!(tooBig || tooBusy) || !splittableAt(d, key)) continue;
            try {
                cluster.split(key);
                done.add(d.getRangeId());
                splits.incrementAndGet();
                LOG.info(String.format("split r%d at %s: %s (%d bytes, %.0f requests/s; limits %d bytes, %.0f/s)",
                        d.getRangeId(), Keys.pretty(key), g.getSuggestedSplitReason().isEmpty()
                                ? (tooBig ? "size" : "load") : g.getSuggestedSplitReason(),
                        g.getSizeBytes(), g.getQps(), settings.maxRangeBytes(), settings.splitQps()));
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.warning("automatic split of r" + d.getRangeId() + " at " + Keys.pretty(key) + " failed: "
                        + e.getMessage());
            }
        }
        return done;
    }

    /** A suggested key may be stale (the range split since it was sampled): only strictly inside the span. */
    static boolean splittableAt(RangeDescriptor d, byte[] key) {
        byte[] start = d.getStartKey().toByteArray();
        byte[] end = d.getEndKey().toByteArray();
        return d.getRangeId() != Keys.META_RANGE_ID && Keys.compare(key, Keys.USER_START) >= 0
                && Keys.compare(start, key) < 0 && Keys.compare(key, end) < 0;
    }

    // ---- allocation ----

    private void allocate(List<GroupStatus> local, List<GroupStatus> leased, Set<Long> skip, long now) {
        List<NodeLiveness> records;
        try {
            records = cluster.liveness();
        } catch (RuntimeException e) {
            livenessView.reset();
            throw e;
        }
        Map<Long, String> addresses = new HashMap<>();
        for (NodeLiveness r : records) {
            if (!r.getAddress().isEmpty()) addresses.put(r.getNodeId(), r.getAddress());
        }
        Set<Long> referenced = new TreeSet<>();
        for (GroupStatus g : leased) referenced.addAll(RangeState.fromStatus(g, Set.of(), Map.of()).voters());
        for (GroupStatus g : leased) referenced.addAll(RangeState.fromStatus(g, Set.of(), Map.of()).learners());
        Map<Long, Health> health = livenessView.update(records, referenced, now, settings.deadAfter().toNanos());
        refreshCountsIfDue(local, health, addresses, now);

        int learnersCatchingUp = 0;
        for (GroupStatus g : leased) learnersCatchingUp += g.getLearnersCount();
        Map<String, Optional<AdminResponse>> statusByAddress = new HashMap<>();
        int changesThisPass = 0;
        for (GroupStatus g : leased) {
            if (changesThisPass >= settings.maxChangesPerPass()) break;
            long rangeId = g.getGroupId();
            if (skip.contains(rangeId)) continue;
            RangeState range = rangeState(g, addresses, statusByAddress, now);
            Optional<Action> decided;
            try {
                decided = allocator.decide(range, nodeStates(health));
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                LOG.warning("allocator on r" + rangeId + " failed: " + e.getMessage());
                continue;
            }
            if (decided.isEmpty()) continue;
            Action action = decided.get();
            if (action instanceof Action.AddLearner && learnersCatchingUp >= settings.maxLearnersCatchingUp()) continue;
            // A range without a valid lease is idle: moving a lease it does not have would wake it
            // for nothing (idle ranges cost no Raft writes); the next holder is picked by traffic.
            if (action instanceof Action.TransferLease && !leaseValid(g, now)) continue;
            if (execute(rangeId, action, addresses)) {
                changesThisPass++;
                if (action instanceof Action.AddLearner) learnersCatchingUp++;
            }
        }
    }

    private RangeState rangeState(GroupStatus g, Map<Long, String> addresses,
            Map<String, Optional<AdminResponse>> statusByAddress, long now) {
        long rangeId = g.getGroupId();
        Map<Long, Long> firstSeen = learnerFirstSeenNanos.computeIfAbsent(rangeId, k -> new HashMap<>());
        firstSeen.keySet().retainAll(new HashSet<>(g.getLearnersList()));
        Set<Long> caughtUp = new TreeSet<>();
        Map<Long, Long> ages = new HashMap<>();
        Map<Long, Long> refused = refusedUntilNanos.computeIfAbsent(rangeId, k -> new HashMap<>());
        refused.values().removeIf(until -> until <= now);
        for (long learner : g.getLearnersList()) {
            long age = now - firstSeen.computeIfAbsent(learner, k -> now);
            ages.put(learner, age);
            long applied = learnerApplied(rangeId, learner, addresses, statusByAddress);
            if (applied >= g.getCommit()) caughtUp.add(learner);
            if (applied == RANGE_ABSENT && age >= REFUSAL_GRACE_NANOS && !refused.containsKey(learner)) {
                // With node ids as replica ids, a node removed from a range may keep refusing it.
                refused.put(learner, now + REFUSAL_MEMORY_NANOS);
                LOG.warning("r" + rangeId + ": node " + learner + " has not created its replica "
                        + age / 1_000_000 + " ms after being added; not adding it to this range again for "
                        + REFUSAL_MEMORY_NANOS / 60_000_000_000L + " min");
            }
        }
        RangeState fromStatus = RangeState.fromStatus(g, caughtUp, ages);
        // This node decides as the leaseholder even where the lease lapsed (it is the leader):
        // the allocator never removes the deciding node's replica.
        return new RangeState(fromStatus.rangeId(), fromStatus.voters(), fromStatus.learners(), nodeId,
                caughtUp, ages, refused.keySet());
    }

    /**
     * The learner's applied index of the range, from its node's status (asked once per pass per
     * node); STATUS_UNKNOWN if the node did not answer, RANGE_ABSENT if it has no such replica.
     */
    private long learnerApplied(long rangeId, long learner, Map<Long, String> addresses,
            Map<String, Optional<AdminResponse>> statusByAddress) {
        String address = addresses.get(learner);
        if (address == null) return STATUS_UNKNOWN;
        Optional<AdminResponse> status = statusByAddress.computeIfAbsent(address, a -> {
            try {
                return Optional.of(cluster.nodeStatus(a));
            } catch (RuntimeException e) {
                LOG.fine("status of n" + learner + " at " + a + " unavailable: " + e.getMessage());
                return Optional.empty();
            }
        });
        if (status.isEmpty()) return STATUS_UNKNOWN;
        for (GroupStatus s : status.get().getGroupsList()) {
            if (s.getGroupId() == rangeId) return s.getApplied();
        }
        return RANGE_ABSENT;
    }

    private boolean execute(long rangeId, Action action, Map<Long, String> addresses) {
        long target = action.nodeId();
        String what = describe(action);
        try {
            if (action instanceof Action.AddLearner || action instanceof Action.PromoteLearner) {
                String address = addresses.get(target);
                if (address == null) {
                    LOG.warning("r" + rangeId + ": cannot " + what + ": no address known for n" + target
                            + " (no liveness record)");
                    return false;
                }
                cluster.addReplica(rangeId, target, address, action instanceof Action.AddLearner);
                if (action instanceof Action.AddLearner) adjust(target, 1, 0);
            } else if (action instanceof Action.RemoveReplica) {
                cluster.removeReplica(rangeId, target);
                adjust(target, -1, 0);
            } else {
                cluster.transferLease(rangeId, target);
                adjust(nodeId, 0, -1);
                adjust(target, 0, 1);
            }
            changes.incrementAndGet();
            LOG.info("r" + rangeId + ": " + what + " (" + action.reason() + ")");
            return true;
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warning("r" + rangeId + ": " + what + " failed: " + e.getMessage() + " (wanted because "
                    + action.reason() + ")");
            return false;
        }
    }

    private static String describe(Action action) {
        if (action instanceof Action.AddLearner) return "add learner n" + action.nodeId();
        if (action instanceof Action.PromoteLearner) return "promote learner n" + action.nodeId();
        if (action instanceof Action.RemoveReplica) return "remove replica n" + action.nodeId();
        return "transfer lease to n" + action.nodeId();
    }

    // ---- replica and lease counts ----

    private void refreshCountsIfDue(List<GroupStatus> local, Map<Long, Health> health, Map<Long, String> addresses,
            long now) {
        long gap = Math.max(settings.countsRefresh().toNanos(), 3 * local.size() * PASS_GAP_NANOS_PER_RANGE);
        if (countsEverRefreshed && now - countsRefreshedAtNanos < gap) return;
        countsEverRefreshed = true;
        countsRefreshedAtNanos = now;
        counts.put(nodeId, countsOf(local, nodeId));
        countsRead.add(nodeId);
        for (Map.Entry<Long, Health> e : health.entrySet()) {
            long id = e.getKey();
            if (id == nodeId || e.getValue() != Health.LIVE || !addresses.containsKey(id)) continue;
            try {
                counts.put(id, countsOf(cluster.nodeStatus(addresses.get(id)).getGroupsList(), id));
                countsRead.add(id);
            } catch (RuntimeException ex) {
                // Stale counts cost at worst an unneeded move; the node is tried again next time.
                LOG.fine("replica counts of n" + id + " unavailable: " + ex.getMessage());
            }
        }
    }

    private static int[] countsOf(List<GroupStatus> groups, long node) {
        int leases = 0;
        for (GroupStatus g : groups) {
            if (g.hasLease() && g.getLease().getHolder() == node) leases++;
        }
        return new int[] {groups.size(), leases};
    }

    private void adjust(long node, int replicas, int leases) {
        int[] c = counts.computeIfAbsent(node, k -> new int[2]);
        c[0] = Math.max(0, c[0] + replicas);
        c[1] = Math.max(0, c[1] + leases);
    }

    private Map<Long, NodeState> nodeStates(Map<Long, Health> health) {
        Map<Long, NodeState> out = new HashMap<>();
        for (Map.Entry<Long, Health> e : health.entrySet()) {
            int[] c = counts.getOrDefault(e.getKey(), new int[2]);
            out.put(e.getKey(), new NodeState(e.getKey(), e.getValue(), c[0], c[1], countsRead.contains(e.getKey())));
        }
        return out;
    }
}
