package io.conclave.range.multiraft;

import com.google.protobuf.ByteString;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.SystemClock;
import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.KvScan;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.KvGet;
import io.conclave.range.rpc.KvPut;
import io.conclave.range.rpc.KvRequest;
import io.conclave.range.rpc.NowRequest;
import io.conclave.range.rpc.RaftBatch;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.StatusRequest;
import io.conclave.storage.Store;
import io.conclave.storage.StoreOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Schedulers of a few nodes in this JVM over real LMDB stores (fsync on), wired to each other
 * directly instead of through Netty: a batch sent is put straight in the peer's inbox. A node
 * that is {@link #crash crashed} neither sends nor receives from then on, like a crashed process;
 * one that is {@link #isolate isolated} runs on but hears and reaches no other node.
 */
final class LocalCluster implements AutoCloseable {
    static final long TICK_MILLIS = 10;
    static final long WAIT_SECONDS = 20;
    /** A request to a node that died is never answered: its caller gives up after this. */
    static final long REQUEST_TIMEOUT_MILLIS = 2_000;
    /**
     * A live node always answers (a request it cannot serve in time is answered TIMEOUT or
     * AMBIGUOUS_RESULT), but on a loaded machine a stalled fsync or scheduler thread may take
     * longer than {@link #REQUEST_TIMEOUT_MILLIS} to do so; its caller waits up to this.
     */
    static final long LIVE_REQUEST_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(WAIT_SECONDS);
    private static final long ANSWER_POLL_MILLIS = 20;
    static final long MAX_OFFSET_NANOS = 50_000_000L;
    static final long LEASE_NANOS = 1_000_000_000L;
    /**
     * Ticks without a heartbeat before a follower campaigns, unless a test chose its own or asked
     * for {@link Elections#FAST}: 300 to 600 ms. With the scheduler's 100 ms (10 ticks) a pause of
     * a scheduler or the ticker on a loaded machine hands leadership on mid-test, and a write then
     * meets NOT_LEASEHOLDER or AMBIGUOUS_RESULT. A failover is barely slower: a dead leaseholder's
     * range waits out its lease (a second) anyway.
     */
    static final int STEADY_ELECTION_TICKS = 30;

    /** How quickly followers campaign when the settings leave the election timeout at its default. */
    enum Elections {
        /** {@link #STEADY_ELECTION_TICKS}: for tests that do not exercise elections. */
        STEADY,
        /** The scheduler's default (100 ms): for tests whose subject is an election itself. */
        FAST
    }

    private final Path dir;
    private final SchedulerSettings settings;
    private final Set<Long> voters;
    final Map<Long, Store> stores = new ConcurrentHashMap<>();
    final Map<Long, Scheduler> schedulers = new ConcurrentHashMap<>();
    /** Each node's write gate, open unless a test holds it; a restarted node keeps its gate. */
    final Map<Long, WriteGate> gates = new ConcurrentHashMap<>();
    private final Set<Long> dead = ConcurrentHashMap.newKeySet();
    /** Nodes cut off from every other node (both directions) but still running. */
    private final Set<Long> isolated = ConcurrentHashMap.newKeySet();
    private long starts;
    final List<Throwable> fatal = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-cluster-ticker");
        t.setDaemon(true);
        return t;
    });

    LocalCluster(Path dir, int nodes, SchedulerSettings settings) {
        this(dir, nodes, settings, 1);
    }

    /** {@code nodes} nodes, every one a voter of range 1 and of {@code userRanges} user ranges. */
    LocalCluster(Path dir, int nodes, SchedulerSettings settings, int userRanges) {
        this(dir, nodes, settings, userRanges, Elections.STEADY);
    }

    LocalCluster(Path dir, int nodes, SchedulerSettings settings, int userRanges, Elections elections) {
        this.dir = dir;
        SchedulerSettings defaults = SchedulerSettings.defaults();
        // A short lease unless a test chose one: a dead leaseholder's ranges wait out its lease.
        SchedulerSettings chosen = settings.leaseDurationNanos() == defaults.leaseDurationNanos()
                ? settings.withLeaseDurationNanos(LEASE_NANOS) : settings;
        this.settings = elections == Elections.STEADY && chosen.electionTicks() == defaults.electionTicks()
                ? chosen.withElectionTicks(STEADY_ELECTION_TICKS) : chosen;
        this.voters = new java.util.TreeSet<>();
        for (long id = 1; id <= nodes; id++) voters.add(id);
        for (long id : voters) {
            Store store = Store.open(dir.resolve("n" + id), StoreOptions.defaults().withMapSizeBytes(256L << 20));
            Scheduler.bootstrap(store, Scheduler.initialRanges(voters, userRanges));
            startScheduler(id, store);
        }
        ticker.scheduleAtFixedRate(() -> schedulers.forEach((id, s) -> {
            if (!dead.contains(id)) s.tick();
        }), TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void startScheduler(long id, Store store) {
        stores.put(id, store);
        HybridLogicalClock clock = new HybridLogicalClock(SystemClock.INSTANCE, MAX_OFFSET_NANOS);
        Scheduler s = new Scheduler(id, store, settings, clock, new Wire(id), 7919 * id + 104_729 * ++starts, t -> {
            fatal.add(t);
            dead.add(id);
        }, null, io.conclave.range.mvcc.ScanFilters.NONE, System::nanoTime, gates.computeIfAbsent(id, n -> new WriteGate()));
        schedulers.put(id, s);
        s.start();
    }

    /** Closes the node's store under its scheduler: its next commit fails and the node stops. */
    void killByClosingStore(long id) {
        stores.get(id).close();
        await("node " + id + " to stop after its store closed", () -> dead.contains(id));
        schedulers.get(id).close();
    }

    /**
     * Stops the node like a crash: cut off from the network at once, then its store is closed
     * under its scheduler (whatever it had not committed is lost) and the scheduler stopped.
     */
    void crash(long id) {
        dead.add(id);
        stores.get(id).close();
        schedulers.get(id).close();
    }

    /**
     * Crashes a node whose write is held at its gate: its store closes with that write never
     * made, and the write then fails, so the batch is lost as in a machine crash before fsync.
     */
    void crashHoldingWrite(long id) {
        dead.add(id);
        stores.get(id).close();
        gates.get(id).release();
        schedulers.get(id).close();
    }

    /** Opens the node's store again and starts a fresh scheduler on it, as a restarted process would. */
    void restart(long id) {
        fatal.removeIf(t -> true); // the expected failure of the killed node
        startScheduler(id, Store.open(dir.resolve("n" + id), StoreOptions.defaults().withMapSizeBytes(256L << 20)));
        dead.remove(id);
    }

    /** Cuts the node off from every other node, both ways; it keeps running and ticking. */
    void isolate(long id) {
        isolated.add(id);
    }

    void heal(long id) {
        isolated.remove(id);
    }

    boolean alive(long id) {
        return !dead.contains(id);
    }

    RangeReply put(long id, byte[] key, byte[] value) throws Exception {
        return kv(id, KvRequest.newBuilder().setPut(KvPut.newBuilder()
                .setKey(ByteString.copyFrom(key)).setValue(ByteString.copyFrom(value))).build());
    }

    RangeReply get(long id, byte[] key) throws Exception {
        return kv(id, KvRequest.newBuilder().setGet(KvGet.newBuilder().setKey(ByteString.copyFrom(key))).build());
    }

    RangeReply scan(long id, long rangeId, byte[] start, byte[] end, int limit) throws Exception {
        return kv(id, KvRequest.newBuilder().setRangeId(rangeId).setScan(KvScan.newBuilder()
                .setStartKey(ByteString.copyFrom(start)).setEndKey(ByteString.copyFrom(end)).setLimit(limit)).build());
    }

    RangeReply kv(long id, KvRequest req) throws Exception {
        CompletableFuture<RangeReply> f = new CompletableFuture<>();
        schedulers.get(id).submitKv(req, f::complete);
        return answer(id, f);
    }

    /** Node {@code id}'s hybrid clock reading, asked over its admin interface. */
    Timestamp now(long id) throws Exception {
        AdminResponse a = admin(id, AdminRequest.newBuilder().setNow(NowRequest.getDefaultInstance()).build())
                .getAdminResponse();
        if (a.getNodeId() != id) throw new IllegalStateException("node " + a.getNodeId() + " answered for node " + id);
        return Timestamp.fromProto(a.getNow());
    }

    RangeReply admin(long id, AdminRequest req) throws Exception {
        CompletableFuture<RangeReply> f = new CompletableFuture<>();
        schedulers.get(id).submitAdmin(req, f::complete);
        return answer(id, f);
    }

    /**
     * Waits for node {@code id}'s answer: while the node lives, up to
     * {@link #LIVE_REQUEST_TIMEOUT_MILLIS}; once it is dead, no longer than
     * {@link #REQUEST_TIMEOUT_MILLIS} from the request (it will never answer).
     */
    private RangeReply answer(long id, CompletableFuture<RangeReply> f) throws Exception {
        long start = System.nanoTime();
        while (true) {
            try {
                return f.get(ANSWER_POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                if (!alive(id) && waitedMillis >= REQUEST_TIMEOUT_MILLIS) {
                    throw new java.util.concurrent.TimeoutException("node " + id + " died without answering");
                }
                if (waitedMillis >= LIVE_REQUEST_TIMEOUT_MILLIS) {
                    throw new java.util.concurrent.TimeoutException("node " + id + " is alive but answered nothing in "
                            + waitedMillis + " ms");
                }
            }
        }
    }

    /** Every range node {@code id} has, as it reports them. */
    List<GroupStatus> statuses(long id) throws Exception {
        return admin(id, AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build())
                .getAdminResponse().getGroupsList();
    }

    java.util.Set<Long> nodeIds() {
        return voters;
    }

    GroupStatus status(long id, long groupId) throws Exception {
        CompletableFuture<RangeReply> f = new CompletableFuture<>();
        schedulers.get(id).submitAdmin(AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build(),
                f::complete);
        for (GroupStatus g : answer(id, f).getAdminResponse().getGroupsList()) {
            if (g.getGroupId() == groupId) return g;
        }
        throw new AssertionError("node " + id + " has no group " + groupId);
    }

    /** A live node that is the leader of the group, as that node itself says; waits for one. */
    long awaitLeader(long groupId) {
        long[] leader = {0};
        await("a leader of group " + groupId, () -> {
            for (long id : voters) {
                if (alive(id) && status(id, groupId).getLeader() == id) {
                    leader[0] = id;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    /**
     * The node that holds both the lease and Raft leadership of {@code rangeId}, once a write of
     * {@code key} (in that range) sent to the Raft leader was served there. Right after a start,
     * and on a loaded machine, the first leader may lose its term before it acquires the lease
     * (its write is answered NOT_LEASEHOLDER): a test that measures one leaseholder starts here.
     */
    long awaitLeaseholder(long rangeId, byte[] key) {
        long[] holder = {0};
        await("a leaseholder of range " + rangeId + " that served a write", () -> {
            long leader = 0;
            for (long id : voters) {
                if (alive(id) && status(id, rangeId).getLeader() == id) leader = id;
            }
            if (leader == 0 || !put(leader, key, key).hasKvResponse()) return false;
            GroupStatus g = status(leader, rangeId);
            holder[0] = leader;
            return g.getLeader() == leader && g.getLease().getHolder() == leader;
        });
        return holder[0];
    }

    /** The newest committed value of a key in a node's store (user keys are multi-version), or null. */
    byte[] storedValue(long id, byte[] key) {
        if (!io.conclave.range.mvcc.MvccKeys.isMvcc(key)) return stores.get(id).get(key).orElse(null);
        var rows = stores.get(id).scan(io.conclave.range.mvcc.MvccKeys.encode(key),
                io.conclave.range.mvcc.MvccKeys.txnRecordKey(key, new byte[16]), 2);
        for (var row : rows) {
            if (io.conclave.range.mvcc.MvccKeys.decode(row.key()).kind() != io.conclave.range.mvcc.MvccKeys.Kind.VERSION) {
                continue;
            }
            return io.conclave.range.mvcc.MvccKeys.isTombstone(row.value()) ? null
                    : io.conclave.range.mvcc.MvccKeys.decodeValue(row.value());
        }
        return null;
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void await(String what, Check check) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) return;
            } catch (Exception retry) {
                // a node may be electing or stopping; ask again
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
        throw new AssertionError("timed out after " + WAIT_SECONDS + " s waiting for " + what);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        gates.values().forEach(WriteGate::release);
        schedulers.values().forEach(Scheduler::close);
        stores.values().forEach(Store::close);
    }

    /** Delivers a batch straight into the peer's inbox unless either end is dead. */
    private final class Wire implements Scheduler.PeerNetwork {
        private final long self;

        Wire(long self) {
            this.self = self;
        }

        @Override
        public void send(long nodeId, RaftBatch batch) {
            Scheduler peer = schedulers.get(nodeId);
            if (peer != null && !dead.contains(self) && !dead.contains(nodeId)
                    && !isolated.contains(self) && !isolated.contains(nodeId)) {
                peer.receiveRaft(self, batch);
            }
        }

        @Override
        public String addressOf(long nodeId) {
            return null;
        }

        @Override
        public void learnAddress(long nodeId, String hostPort) {}
    }
}
