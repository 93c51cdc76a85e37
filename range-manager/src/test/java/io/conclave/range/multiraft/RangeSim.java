package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import io.conclave.clock.CommitWaiter;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.ManualClock;
import io.conclave.clock.ManualScheduler;
import io.conclave.range.Keys;
import io.conclave.range.MetaRecords;
import io.conclave.range.mvcc.ScanFilters;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.Lease;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.range.rpc.RangeReply;
import io.conclave.storage.Store;
import io.conclave.storage.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Real schedulers of 3 to 5 nodes over real LMDB stores, driven from one thread on virtual time
 * from one seed: the deterministic simulation of leases, splits and membership changes. Each
 * {@link #step} moves virtual time by {@link #STEP_NANOS}, sets every node's physical clock to
 * it plus the node's fixed skew, fires due timers, delivers due Raft batches, ticks the nodes and
 * runs each live scheduler until it is idle ({@link Scheduler#runOnce}); then it checks that no
 * two nodes may serve overlapping spans under their leases at that instant, and that replicas
 * at the same applied index of a range agree on its descriptor and lease.
 *
 * <p>A crash drops the node's scheduler between two cycles without letting it commit what it
 * deferred (as a killed process would lose it) and closes its store; a restart opens the store
 * again under a fresh scheduler, clock and random seed. Stores commit without fsync: in one
 * process a closed and reopened LMDB environment keeps exactly what was committed, which is what
 * a crash keeps of a synced store.
 */
final class RangeSim implements AutoCloseable {
    static final long STEP_NANOS = 1_000_000;
    static final long TICK_NANOS = 10_000_000;
    static final long MAX_OFFSET_NANOS = 30_000_000;
    /** Each node's clock is within this of true time, so any two are within the max offset. */
    static final long MAX_SKEW_NANOS = MAX_OFFSET_NANOS / 2 - 1;
    static final long LEASE_NANOS = 600_000_000;
    /** Virtual time starts here, far from zero like a real clock. */
    static final long EPOCH_NANOS = 1_800_000_000_000_000_000L;
    /** A scheduler that still has work after this many cycles in one step goes on in the next. */
    static final int MAX_CYCLES_PER_STEP = 32;
    /** A client request to a node that crashed is never answered: its caller gives up after this. */
    static final long RPC_TIMEOUT_NANOS = 1_500_000_000L;
    /** Events kept for a failure message; -Drangesim.traceLines=N keeps more. */
    static final int TRACE_LINES = Integer.getInteger("rangesim.traceLines", 300);

    /** The seed's choices: nodes, how faulty the network is, how long the faulty phase lasts. */
    record Options(int nodes, RangeSimNetwork.Faults faults, long faultyNanos, int crashPercent, int partitionPercent,
            int clientAttempts) {
        static Options fromSeed(long seed, long faultyNanos, int clientAttempts) {
            SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
            int nodes = 3 + r.nextInt(3);
            var faults = new RangeSimNetwork.Faults(r.nextInt(6), r.nextInt(4), 5 + r.nextInt(10),
                    500_000 + r.nextLong(2_000_000), 10_000_000 + r.nextLong(40_000_000));
            return new Options(nodes, faults, faultyNanos, 20 + r.nextInt(40), 10 + r.nextInt(30), clientAttempts);
        }
    }

    /** One node: its store directory and clock survive crashes; its store and scheduler do not. */
    final class SimNode {
        final long id;
        final Path dir;
        final ManualClock clock;
        final ManualScheduler timers;
        final long skewNanos;
        final long tickPhaseNanos;
        Store store;
        Scheduler scheduler;
        int starts;

        SimNode(long id, long skewNanos, long tickPhaseNanos) {
            this.id = id;
            this.dir = root.resolve("n" + id);
            this.skewNanos = skewNanos;
            this.tickPhaseNanos = tickPhaseNanos;
            this.clock = new ManualClock(EPOCH_NANOS + skewNanos);
            this.timers = new ManualScheduler(clock);
        }

        boolean up() {
            return scheduler != null;
        }

        void start() {
            store = Store.open(dir, StoreOptions.defaults().withMapSizeBytes(64L << 20).withFsync(false),
                    () -> nowNanos);
            starts++;
            HybridLogicalClock hlc = new HybridLogicalClock(clock, MAX_OFFSET_NANOS);
            scheduler = new Scheduler(id, store, SETTINGS, hlc, network.endpoint(id), random.nextLong(), t -> {
                throw new AssertionError("node " + id + " failed", t);
            }, new CommitWaiter(clock, MAX_OFFSET_NANOS, timers), ScanFilters.NONE, () -> nowNanos);
            scheduler.startDriven();
        }

        /** Stops the node between two cycles: what its scheduler had not committed is lost. */
        void crash() {
            scheduler = null;
            store.close();
            store = null;
        }
    }

    static final SchedulerSettings SETTINGS = SchedulerSettings.defaults()
            .withLeaseDurationNanos(LEASE_NANOS)
            .withRequestTimeoutTicks(50)
            .withLogEntriesBeforeSnapshot(40);

    private record Timer(long atNanos, long sequence, Runnable task) {}

    final long seed;
    final Options options;
    final SplittableRandom random;
    final RangeSimNetwork network;
    final Map<Long, SimNode> nodes = new TreeMap<>();
    private final Path root;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong(Timer::atNanos).thenComparingLong(Timer::sequence));
    private long timerSequence;
    long nowNanos = EPOCH_NANOS;
    long steps;
    private final ArrayDeque<String> trace = new ArrayDeque<>();
    /** Every event of the run folded together: two runs of one seed must end with the same. */
    private long digest = 17;
    /** (range, applied index) -> the descriptor and lease a replica had there. */
    private final Map<String, String> stateAtIndex = new HashMap<>();
    /** Range id -> the highest generation of its descriptor any replica has shown (at the end of a step). */
    private final Map<Long, Long> highestGeneration = new HashMap<>();
    /** Reads of a node's committed meta checked (one per node whose range 1 moved in a step). */
    long metaChecks;
    /** Node id -> its start, range-1 applied and published index at its last meta check. */
    private final Map<Long, String> metaCheckedAt = new HashMap<>();
    /** (range, lease sequence) -> its holder. */
    private final Map<String, Long> leaseHolders = new HashMap<>();
    long leaseChecks;
    StringBuilder fullTrace;

    RangeSim(long seed, Options options) {
        this.seed = seed;
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.network = new RangeSimNetwork(random.split(), options.faults());
        try {
            this.root = Files.createTempDirectory("rangesim-" + seed + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Long> voters = new ArrayList<>();
        for (long id = 1; id <= 3; id++) voters.add(id);
        for (long id = 1; id <= options.nodes(); id++) {
            long skew = random.nextLong(2 * MAX_SKEW_NANOS + 1) - MAX_SKEW_NANOS;
            SimNode n = new SimNode(id, skew, random.nextLong(TICK_NANOS / STEP_NANOS) * STEP_NANOS);
            nodes.put(id, n);
            if (id <= 3) {
                Store store = Store.open(n.dir, StoreOptions.defaults().withMapSizeBytes(64L << 20).withFsync(false),
                        () -> nowNanos);
                Scheduler.bootstrap(store, Scheduler.initialRanges(voters, 2));
                store.close();
            }
            n.start();
        }
        trace("start: " + options);
    }

    // ---- time ----

    void after(long delayNanos, Runnable task) {
        timers.add(new Timer(nowNanos + Math.max(0, delayNanos), timerSequence++, task));
    }

    void step() {
        steps++;
        nowNanos += STEP_NANOS;
        network.setNow(nowNanos);
        for (SimNode n : nodes.values()) n.clock.set(nowNanos + n.skewNanos);
        while (!timers.isEmpty() && timers.peek().atNanos() <= nowNanos) timers.poll().task().run();
        network.deliverDue(this::liveScheduler);
        for (SimNode n : nodes.values()) {
            if (n.up() && (nowNanos + n.tickPhaseNanos) % TICK_NANOS == 0) n.scheduler.tick();
        }
        for (SimNode n : nodes.values()) {
            for (int i = 0; i < MAX_CYCLES_PER_STEP && n.up() && n.scheduler.runOnce(); i++) {
                // until idle
            }
        }
        checkLeasesAndReplicas();
        checkMeta();
    }

    /** Steps until {@code done} holds; fails after {@code maxNanos} of virtual time. */
    void runUntil(String what, long maxNanos, BooleanSupplier done) {
        long deadline = nowNanos + maxNanos;
        while (!done.getAsBoolean()) {
            if (nowNanos >= deadline) {
                throw new AssertionError("no " + what + " after " + maxNanos / 1_000_000 + " ms of virtual time"
                        + (convergenceProblem == null ? "" : ": " + convergenceProblem));
            }
            step();
        }
    }

    Scheduler liveScheduler(long nodeId) {
        SimNode n = nodes.get(nodeId);
        return n == null ? null : n.scheduler;
    }

    List<Long> liveNodes() {
        List<Long> out = new ArrayList<>();
        for (SimNode n : nodes.values()) if (n.up()) out.add(n.id);
        return out;
    }

    // ---- requests, as a client next to the node would send them ----

    /** The answer to a request: {@code reply} null if none came; {@code sent} false if it never reached the node. */
    interface Answer {
        void accept(RangeReply reply, boolean sent);
    }

    void kv(long nodeId, KvRequest request, Answer answer) {
        call(nodeId, answer, (s, reply) -> s.submitKv(request, reply));
    }

    void admin(long nodeId, AdminRequest request, Answer answer) {
        call(nodeId, answer, (s, reply) -> s.submitAdmin(request, reply));
    }

    private interface Submit {
        void to(Scheduler s, java.util.function.Consumer<RangeReply> reply);
    }

    /**
     * Answers arrive one step later (never inside the answering scheduler's cycle), and only from
     * the incarnation of the node that was asked: a crashed scheduler answers nothing.
     */
    private void call(long nodeId, Answer answer, Submit submit) {
        Scheduler target = liveScheduler(nodeId);
        if (target == null) {
            after(STEP_NANOS, () -> answer.accept(null, false));
            return;
        }
        boolean[] done = {false};
        submit.to(target, reply -> after(0, () -> {
            if (done[0] || liveScheduler(nodeId) != target) return;
            done[0] = true;
            answer.accept(reply, true);
        }));
        after(RPC_TIMEOUT_NANOS, () -> {
            if (done[0]) return;
            done[0] = true;
            answer.accept(null, true);
        });
    }

    // ---- faults ----

    void crash(long nodeId) {
        nodes.get(nodeId).crash();
        trace("crash n" + nodeId);
    }

    void restart(long nodeId) {
        nodes.get(nodeId).start();
        trace("restart n" + nodeId);
    }

    // ---- checkers ----

    private record Served(long nodeId, RangeDescriptor desc) {}

    /**
     * After every step: no two nodes may serve overlapping spans under their leases at this
     * instant (each judged by its own clock), one lease sequence of a range always names one
     * holder, and replicas of a range at the same applied index have the same descriptor and lease.
     */
    private void checkLeasesAndReplicas() {
        List<Served> served = new ArrayList<>();
        for (SimNode n : nodes.values()) {
            if (!n.up()) continue;
            for (Scheduler.ReplicaView v : n.scheduler.replicaViews().values()) {
                RangeDescriptor d = v.status().getRangeDescriptor();
                Lease lease = v.status().getLease();
                highestGeneration.merge(d.getRangeId(), d.getGeneration(), Math::max);
                if (v.servesUnderLease()) served.add(new Served(n.id, d));
                if (lease.getHolder() != 0) {
                    Long holder = leaseHolders.putIfAbsent(d.getRangeId() + "/" + lease.getSequence(), lease.getHolder());
                    if (holder != null && holder != lease.getHolder()) {
                        throw new AssertionError("range " + d.getRangeId() + ": lease sequence " + lease.getSequence()
                                + " names node " + lease.getHolder() + " on node " + n.id + " but node " + holder
                                + " elsewhere");
                    }
                }
                String state = d + "|" + lease;
                String key = d.getRangeId() + "@" + v.status().getApplied();
                String before = stateAtIndex.putIfAbsent(key, state);
                if (before != null && !before.equals(state)) {
                    throw new AssertionError("range " + d.getRangeId() + " at applied index " + v.status().getApplied()
                            + ": node " + n.id + " has\n" + state + "\nbut another replica had\n" + before);
                }
            }
        }
        leaseChecks++;
        served.sort((a, b) -> Keys.compare(a.desc.getStartKey().toByteArray(), b.desc.getStartKey().toByteArray()));
        for (int i = 0; i < served.size(); i++) {
            for (int j = i + 1; j < served.size(); j++) {
                Served a = served.get(i);
                Served b = served.get(j);
                if (Keys.compare(b.desc.getStartKey().toByteArray(), a.desc.getEndKey().toByteArray()) >= 0) break;
                if (a.nodeId != b.nodeId) {
                    throw new AssertionError("two valid leases at once: node " + a.nodeId + " may serve " + pretty(a.desc)
                            + " and node " + b.nodeId + " may serve " + pretty(b.desc));
                }
            }
        }
    }

    /**
     * After every step, on every live node holding range 1: meta as its store has committed it is
     * a tiling of the keyspace (records in key order, each at the meta key of its end, no gap, no
     * overlap, from KEY_MIN to KEY_MAX), and no record is of a generation above every generation
     * a replica of its range has shown: meta may lag the descriptors, never lead them.
     */
    private void checkMeta() {
        for (SimNode n : nodes.values()) {
            Scheduler.ReplicaView meta = n.up() ? n.scheduler.replicaViews().get(Keys.META_RANGE_ID) : null;
            if (meta == null) continue;
            // Meta changes only by range 1's apply: a node whose range-1 replica applied and
            // published nothing since the last check (in this start) holds the same records.
            String position = n.starts + "/" + meta.status().getApplied() + "/" + meta.publishedApplied();
            if (position.equals(metaCheckedAt.put(n.id, position))) continue;
            List<byte[]> keys = new ArrayList<>();
            List<RangeDescriptor> records = new ArrayList<>();
            for (var kv : n.store.scan(Keys.META_START, Keys.META_END, 100_000)) {
                keys.add(kv.key());
                try {
                    records.add(RangeDescriptor.parseFrom(kv.value()));
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    throw new AssertionError("n" + n.id + ": meta record " + Keys.pretty(kv.key()) + " does not parse", e);
                }
            }
            String problem = MetaRecords.tilingProblem(keys, records);
            if (problem != null) {
                throw new AssertionError("n" + n.id + "'s committed meta is not a tiling: " + problem + "; meta: "
                        + describe(records));
            }
            for (RangeDescriptor d : records) {
                Long highest = highestGeneration.get(d.getRangeId());
                if (highest == null || d.getGeneration() > highest) {
                    throw new AssertionError("n" + n.id + "'s meta record " + pretty(d) + " leads its range: no replica"
                            + " has shown a generation above " + highest);
                }
            }
            metaChecks++;
        }
    }

    /**
     * The ranges as their replicas know them: for each range id the descriptor of the highest
     * generation any live replica holds (descriptors are written only by Raft apply, so that
     * is the range's latest state some replica has applied).
     */
    Map<Long, RangeDescriptor> truth() {
        Map<Long, RangeDescriptor> out = new TreeMap<>();
        for (SimNode n : nodes.values()) {
            if (!n.up()) continue;
            for (Scheduler.ReplicaView v : n.scheduler.replicaViews().values()) {
                RangeDescriptor d = v.status().getRangeDescriptor();
                out.merge(d.getRangeId(), d, (a, b) -> a.getGeneration() >= b.getGeneration() ? a : b);
            }
        }
        return out;
    }

    /** Every member of every range has it initialized, with the latest descriptor and everything applied and published. */
    boolean replicasConverged() {
        convergenceProblem = convergenceProblem();
        return convergenceProblem == null;
    }

    /** Why the replicas have not converged (for the failure message), or null. */
    String convergenceProblem;

    private String convergenceProblem() {
        for (RangeDescriptor d : truth().values()) {
            long applied = -1;
            for (var rd : d.getReplicasList()) {
                SimNode n = nodes.get(rd.getNodeId());
                if (!n.up()) return "n" + n.id + " is down";
                Scheduler.ReplicaView v = n.scheduler.replicaViews().get(d.getRangeId());
                String where = "n" + n.id + "'s replica of " + pretty(d);
                if (v == null) return where + " is missing or uninitialized; n" + n.id + " has " + describeViews(n);
                if (!v.status().getRangeDescriptor().equals(d)) {
                    return where + " has descriptor " + pretty(v.status().getRangeDescriptor());
                }
                if (v.publishedApplied() != v.status().getApplied() || v.status().getApplied() < v.status().getCommit()) {
                    return where + " applied " + v.status().getApplied() + ", published " + v.publishedApplied()
                            + ", commit " + v.status().getCommit();
                }
                if (v.status().getLastIndex() != v.status().getCommit()) {
                    // An entry still in flight (a membership change whose admin request timed out)
                    // may commit once a leader is elected, and change the descriptor after the
                    // checks that follow took it as final. A leader's first entry settles every
                    // member's tail: committed, or replaced.
                    return where + " has entries up to " + v.status().getLastIndex() + " but commit "
                            + v.status().getCommit();
                }
                if (applied >= 0 && applied != v.status().getApplied()) {
                    return where + " applied " + v.status().getApplied() + ", another member " + applied + "; "
                            + v.status();
                }
                applied = v.status().getApplied();
            }
        }
        return null;
    }

    /** The latest descriptors tile the keyspace: from the first key to KEY_MAX, no gap, no overlap. */
    void checkTiling(Map<Long, RangeDescriptor> truth) {
        List<RangeDescriptor> sorted = new ArrayList<>(truth.values());
        sorted.sort((a, b) -> Keys.compare(a.getStartKey().toByteArray(), b.getStartKey().toByteArray()));
        byte[] expected = Keys.KEY_MIN;
        for (RangeDescriptor d : sorted) {
            if (!Arrays.equals(d.getStartKey().toByteArray(), expected)) {
                throw new AssertionError("descriptors do not tile the keyspace: " + pretty(d) + " should start at "
                        + Keys.pretty(expected) + "; all: " + describe(sorted));
            }
            expected = d.getEndKey().toByteArray();
        }
        if (!Arrays.equals(expected, Keys.KEY_MAX)) {
            throw new AssertionError("descriptors end at " + Keys.pretty(expected) + ", not KEY_MAX: " + describe(sorted));
        }
    }

    /**
     * Every member of a range stores the same range-local records (descriptor, lease, GC
     * threshold) and the same data in its span, byte for byte (MVCC versions included).
     */
    void checkReplicasAgree(Map<Long, RangeDescriptor> truth) {
        for (RangeDescriptor d : truth.values()) {
            byte[] dataStart = Keys.dataStart(d.getStartKey().toByteArray());
            String first = null;
            long firstNode = 0;
            for (var rd : d.getReplicasList()) {
                Store store = nodes.get(rd.getNodeId()).store;
                StringBuilder b = new StringBuilder();
                for (var kv : store.scan(Keys.rangeLocalStart(d.getRangeId()), Keys.rangeLocalEnd(d.getRangeId()), 1_000)) {
                    b.append(Keys.pretty(kv.key())).append('=').append(Arrays.hashCode(kv.value())).append('\n');
                }
                for (var kv : store.scan(dataStart, d.getEndKey().toByteArray(), 100_000)) {
                    b.append(Keys.pretty(kv.key())).append('=').append(Arrays.hashCode(kv.value())).append('\n');
                }
                if (first == null) {
                    first = b.toString();
                    firstNode = rd.getNodeId();
                } else if (!first.equals(b.toString())) {
                    throw new AssertionError("replicas of " + pretty(d) + " differ: node " + firstNode + " stores\n"
                            + first + "node " + rd.getNodeId() + " stores\n" + b);
                }
            }
        }
    }

    // ---- trace ----

    void trace(String line) {
        String stamped = "[" + (nowNanos - EPOCH_NANOS) / 1_000_000 + " ms] " + line;
        digest = digest * 31 + stamped.hashCode();
        if (fullTrace != null) fullTrace.append(stamped).append('\n');
        if (trace.size() == TRACE_LINES) trace.removeFirst();
        trace.addLast(stamped);
    }

    String traceDump() {
        return String.join("\n", trace);
    }

    long digest() {
        return digest;
    }

    static String pretty(RangeDescriptor d) {
        StringBuilder b = new StringBuilder("r" + d.getRangeId() + " [" + Keys.pretty(d.getStartKey().toByteArray()) + ", "
                + Keys.pretty(d.getEndKey().toByteArray()) + ") g" + d.getGeneration() + " {");
        for (var rd : d.getReplicasList()) b.append(' ').append(rd.getNodeId()).append(rd.getLearner() ? "L" : "");
        return b.append(" }").toString();
    }

    private static String describeViews(SimNode n) {
        StringBuilder b = new StringBuilder();
        for (Scheduler.ReplicaView v : n.scheduler.replicaViews().values()) {
            b.append("\n  ").append(pretty(v.status().getRangeDescriptor())).append(" applied ")
                    .append(v.status().getApplied()).append(" leader ").append(v.status().getLeader());
        }
        return b.toString();
    }

    private static String describe(List<RangeDescriptor> ds) {
        StringBuilder b = new StringBuilder();
        for (RangeDescriptor d : ds) b.append("\n  ").append(pretty(d));
        return b.toString();
    }

    static ByteString bytes(byte[] b) {
        return ByteString.copyFrom(b);
    }

    @Override
    public void close() {
        for (SimNode n : nodes.values()) {
            if (n.up()) n.crash();
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
