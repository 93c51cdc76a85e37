package io.conclave.node;

import io.conclave.clock.CommitWaiter;
import io.conclave.clock.ExecutorScheduler;
import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.OffsetClock;
import io.conclave.clock.OffsetMeasurement;
import io.conclave.clock.PhysicalClock;
import io.conclave.clock.SystemClock;
import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.node.clocksync.ClientConnectionPinger;
import io.conclave.node.clocksync.ClockStopException;
import io.conclave.node.clocksync.ClockSync;
import io.conclave.node.clocksync.HlcHighWater;
import io.conclave.node.clocksync.TimestampFence;
import io.conclave.node.clocksync.WitnessRounds;
import io.conclave.node.clocksync.WitnessSettings;
import io.conclave.node.cluster.Addresses;
import io.conclave.node.cluster.ClusterService;
import io.conclave.node.cluster.ClusterView;
import io.conclave.node.cluster.Liveness;
import io.conclave.node.cluster.NodeRpc;
import io.conclave.node.fault.FaultInjection;
import io.conclave.node.http.Json;
import io.conclave.node.http.LocalPages;
import io.conclave.node.http.HttpSecurity;
import io.conclave.node.http.StatusServer;
import io.conclave.node.metrics.Histogram;
import io.conclave.node.metrics.NodeMetrics;
import io.conclave.node.metrics.TxnMetrics;
import io.conclave.node.maintenance.MaintenanceLoop;
import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.NodeResponse;
import io.conclave.node.rpc.WitnessClock;
import io.conclave.node.client.NettyNodeDialer;
import io.conclave.node.sql.CommitWaitMeter;
import io.conclave.node.sql.SqlServer;
import io.conclave.node.sql.SqlServerSettings;
import io.conclave.node.transport.Connection;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.Transport;
import io.conclave.node.transport.TransportConfig;
import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import io.conclave.range.multiraft.Scheduler;
import io.conclave.range.multiraft.SchedulerStats;
import io.conclave.range.mvcc.ScanFilters;
import io.conclave.range.rpc.AdminRequest;
import io.conclave.range.rpc.AdminResponse;
import io.conclave.range.rpc.ErrorResponse;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.NodeLiveness;
import io.conclave.range.rpc.PeerClockOffset;
import io.conclave.range.rpc.RaftBatch;
import io.conclave.range.rpc.RangeReply;
import io.conclave.range.rpc.StatusRequest;
import io.conclave.sql.SqlEngine;
import io.conclave.sql.exec.RowFilters;
import io.conclave.sql.kv.RangeAdmin;
import io.conclave.sql.kv.SqlKv;
import io.conclave.sql.kv.TxnKv;
import io.conclave.storage.Store;
import io.conclave.storage.StoreIdent;
import io.conclave.storage.StoreOptions;
import io.conclave.txn.TxnClient;
import io.conclave.txn.TxnSettings;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One running Conclave node: its store, its transport, its multi-raft scheduler and the ticker
 * that drives it, and the cluster services above them: the node's own range client, its
 * liveness heartbeat, the node-request service (join, views), the HTTP status pages and the
 * maintenance loop. {@link #start} returns once the node listens; ranges elect leaders after.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Node.class.getName());
    private static final long STATS_LOG_SECONDS = 10;
    /** The store key of the number of times this node started: its liveness epoch. */
    static final byte[] EPOCH_KEY = Keys.nodeLocalKey("liveness-epoch");
    /** How long a transaction begin on a registering or fenced node waits for it to open. */
    static final Duration BEGIN_WAIT_WHILE_FENCED = Duration.ofSeconds(2);
    /** How long a drain waits for SQL transactions open on the node to end before it goes on. */
    static final Duration TRANSACTION_DRAIN_WAIT = Duration.ofSeconds(1);
    /** Threads answering node requests (joins, views); each may block on other nodes. */
    private static final int CLUSTER_REQUEST_THREADS = 2;
    /** Node requests waiting for a thread before new ones are refused. */
    private static final int CLUSTER_REQUEST_QUEUE = 64;
    /** How long the maintenance loop waits for this node's own status. */
    private static final long LOCAL_STATUS_TIMEOUT_SECONDS = 10;

    private final NodeConfig config;
    private final Store store;
    private final HybridLogicalClock clock;
    private final PhysicalClock physicalClock;
    private final HlcHighWater highWater;
    private final FaultInjection faults;
    private final Map<Long, String> addressBook = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    // The offset guard's rounds and the high-water writes; apart from the ticker so that a slow
    // fsync or connect never delays a Raft tick, and a busy ticker never delays the guard.
    private final ScheduledExecutorService clockThread;
    // Liveness heartbeats; apart from the ticker and the clock thread because each one is a
    // synchronous Raft write through the range client.
    private final ScheduledExecutorService livenessThread;
    private final ThreadPoolExecutor clusterRequests;
    private Transport transport;
    private Scheduler scheduler;
    private ClockSync clockSync;
    private RangeClient client;
    private Liveness liveness;
    private ClusterView view;
    private volatile ClusterService clusterService;
    private StatusServer statusServer;
    private MaintenanceLoop maintenance;
    // SQL on the listen port: the server exists before the transport (it sniffs every accepted
    // connection); the engine comes with the range client, and sessions wait for it (57P03).
    private SqlServer sqlServer;
    private TxnClient txnClient;
    private volatile SqlEngine sqlEngine;
    private volatile CommitWaitMeter sqlCommitWaits;
    private final TxnMetrics txnMetrics = new TxnMetrics();
    private NodeMetrics metrics;
    // Closed until this node registered, and while it is fenced: AdminRequest.now is refused and
    // the node's coordinator begins no transaction (SQL sessions wait for the engine until the first opening).
    private TimestampFence fence;
    // Physical nanoseconds from this start's first completed liveness write to readiness; -1: not yet.
    private volatile long registrationWaitNanos = -1;
    private volatile long firstWriteAtNanos = -1;
    // The SQL engine, published to sessions (sqlEngine) once ready for timestamps.
    private SqlEngine builtSqlEngine;
    // Commit-wait: the timer thread, and the witness rounds with their thread (null when off).
    private ExecutorScheduler commitWaitTimer;
    private CommitWaiter commitWaiter;
    private ScheduledExecutorService witnessThread;
    private WitnessRounds witnessRounds;
    private final Histogram witnessRoundLatency = Histogram.latency();

    private Node(NodeConfig config, Store store, PhysicalClock physicalClock, HybridLogicalClock clock,
            FaultInjection faults) {
        this.config = config;
        this.faults = faults;
        this.store = store;
        this.physicalClock = physicalClock;
        this.clock = clock;
        this.highWater = new HlcHighWater(store, clock, config.clockSync().highWaterInterval().toNanos());
        this.ticker = daemonExecutor("conclave-ticker-n" + config.nodeId());
        this.clockThread = daemonExecutor("conclave-clock-n" + config.nodeId());
        this.livenessThread = daemonExecutor("conclave-liveness-n" + config.nodeId());
        this.clusterRequests = new ThreadPoolExecutor(CLUSTER_REQUEST_THREADS, CLUSTER_REQUEST_THREADS, 60,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(CLUSTER_REQUEST_QUEUE), r -> {
                    Thread t = new Thread(r, "conclave-cluster-n" + config.nodeId());
                    t.setDaemon(true);
                    return t;
                });
    }

    private static ScheduledExecutorService daemonExecutor(String threadName) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (or creates) the store, checks that it belongs to this cluster and node, bootstraps the
     * groups on a fresh store of an initial voter, and starts serving.
     *
     * @param onFatal called if the node can no longer work (the scheduler died, or the offset
     *     guard stopped it with a {@link ClockStopException}); the process should exit then
     * @throws io.conclave.storage.StoreMismatchException if the store belongs to another cluster
     *     or node
     */
    public static Node start(NodeConfig config, Consumer<Throwable> onFatal) {
        return start(config, openStore(config.storeDir(), config.fsync()), onFatal, FaultInjection.disabled());
    }

    /** As {@link #start(NodeConfig, Consumer)}, obeying {@code faults} (a test node's fault rules). */
    public static Node start(NodeConfig config, Consumer<Throwable> onFatal, FaultInjection faults) {
        return start(config, openStore(config.storeDir(), config.fsync()), onFatal, faults);
    }

    /** Opens a store the way a node does; {@link #start(NodeConfig, Store, Consumer)} takes it over. */
    public static Store openStore(java.nio.file.Path dir, boolean fsync) {
        return Store.open(dir, StoreOptions.defaults().withFsync(fsync));
    }

    /**
     * Like {@link #start(NodeConfig, Consumer)} on a store already opened (by the cluster gate,
     * which wrote its identity); the node owns and closes it, also when starting fails.
     */
    public static Node start(NodeConfig config, Store store, Consumer<Throwable> onFatal) {
        return start(config, store, onFatal, FaultInjection.disabled());
    }

    /** As {@link #start(NodeConfig, Store, Consumer)}, obeying {@code faults}. */
    public static Node start(NodeConfig config, Store store, Consumer<Throwable> onFatal, FaultInjection faults) {
        try {
            openIdent(store, config);
            PhysicalClock physical = faults.clockOver(
                    new OffsetClock(SystemClock.INSTANCE, config.testClockOffsetNanos()));
            HybridLogicalClock clock = new HybridLogicalClock(physical, config.maxOffsetNanos());
            Node node = new Node(config, store, physical, clock, faults);
            node.restoreClock();
            node.startServing(onFatal);
            return node;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void openIdent(Store store, NodeConfig config) {
        StoreIdent want = new StoreIdent(config.clusterId(), config.nodeId());
        if (store.ident().isPresent()) {
            store.checkIdent(want);
            return;
        }
        // Groups first, identity last: a crash in between leaves a store without identity, which
        // the next start bootstraps again (nothing was served from it yet), never a store that
        // claims this node but lacks its groups.
        if (config.bootstraps()) {
            Scheduler.bootstrap(store, Scheduler.initialRanges(config.peers().keySet(), config.initialRanges()));
            LOG.info(() -> "node " + config.nodeId() + " bootstrapped range 1 and " + config.initialRanges()
                    + " user ranges with voters " + config.peers().keySet());
        }
        store.writeIdent(want);
    }

    /**
     * Restores the clock's high-water mark before any timestamp is handed out, and writes a new
     * one at once. If the restored clock leads the physical clock by more than half the maximum
     * offset (a quick restart, or a clock that stepped back a little), waits for the physical
     * clock to catch up, at most one high-water margin: frames stamped further ahead than the
     * maximum offset would be refused by the peers.
     */
    private void restoreClock() {
        long leadNanos = highWater.restore();
        long waitNanos = Math.min(leadNanos - config.maxOffsetNanos() / 2, highWater.marginNanos());
        if (waitNanos > 0) {
            LOG.info(() -> "node " + config.nodeId() + " waits " + waitNanos / 1_000_000
                    + " ms for its physical clock to approach its restored clock high-water mark");
            long deadline = physicalClock.nowNanos() + waitNanos;
            for (int i = 0; i < 10_000 && physicalClock.nowNanos() < deadline; i++) {
                LockSupport.parkNanos(Math.min(deadline - physicalClock.nowNanos(), 10_000_000L));
            }
        }
        highWater.persist();
    }

    private void startServing(Consumer<Throwable> onFatal) {
        config.peers().forEach((id, addr) -> addressBook.put(id, Addresses.format(addr)));
        // Before the transport: a peer's clock ping may arrive as soon as it listens.
        clockSync = new ClockSync(config.nodeId(), physicalClock, config.maxOffsetNanos(), config.clockSync(),
                this::peerIds, new ClientConnectionPinger(this::peerAddress, config.tls()), message -> stopByClock(message, onFatal));
        long seed = new SecureRandom().nextLong(); // the one entropy source of the node, at the edge
        // The SQL row filter: scans the SQL layer sends evaluate its WHERE and projection here.
        fence = new TimestampFence(config.nodeId(), physicalClock, config.maxOffsetNanos(), BEGIN_WAIT_WHILE_FENCED);
        commitWaiter = newCommitWaiter();
        scheduler = new Scheduler(config.nodeId(), store, config.scheduler(), clock, new Network(), seed, onFatal,
                commitWaiter, ScanFilters.of(List.of(RowFilters.factory())));
        sqlServer = new SqlServer(config.nodeId(), () -> sqlEngine, () -> sqlCommitWaits, SqlServerSettings.defaults(),
                config.secure());
        metrics = newMetrics();
        metrics.registerCommitWaits(commitWaiter::witnessedWaits, commitWaiter::timerWaits,
                () -> witnessRounds == null ? 0 : witnessRounds.stats().roundsFailed(), witnessRoundLatency);
        metrics.registerFence(() -> fence.open() ? 0 : 1,
                () -> witnessRounds == null ? 0 : witnessRounds.stats().recordsJudgedExpired());
        metrics.registerCatalogLeases(() -> sqlEngine == null ? 0 : sqlEngine.catalogLeasesTaken(),
                () -> sqlEngine == null ? 0 : sqlEngine.statementsUnderCatalogLease());
        store.observeFsync(metrics.fsyncLatency()::recordNanos);
        transport = Transport.start(config.nodeId(), config.clusterId(), config.maxOffsetNanos(), config.listen(),
                TransportConfig.defaults().withTls(config.tls()), new HlcFrameClock(), this::onFrame,
                sqlServer::onAccept);
        config.peers().forEach((id, addr) -> {
            if (id != config.nodeId()) transport.setPeerAddress(id, addr);
        });
        addressBook.put(config.nodeId(), Addresses.format(transport.listenAddress()));
        scheduler.start();
        long tickMillis = config.tickInterval().toMillis();
        ticker.scheduleAtFixedRate(scheduler::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(new StatsLogger(), STATS_LOG_SECONDS, STATS_LOG_SECONDS, TimeUnit.SECONDS);
        ticker.scheduleAtFixedRate(() -> metrics.sample(physicalClock.nowNanos() / 1_000_000), 1, 1, TimeUnit.SECONDS);
        // The fence closes by the clock alone: look once a second, to log it when it happens.
        ticker.scheduleAtFixedRate(fence::noticeFenced, 1, 1, TimeUnit.SECONDS);
        startClockSync();
        startClusterServices();
    }

    /**
     * The node's own range client (seeded with itself, its peers and its --join addresses), the
     * node-request service, the HTTP pages, the liveness heartbeat and the maintenance loop.
     */
    private void startClusterServices() {
        String self = Addresses.format(transport.listenAddress());
        Set<String> seeds = new LinkedHashSet<>();
        seeds.add(self);
        config.peers().values().forEach(a -> seeds.add(Addresses.format(a)));
        seeds.addAll(config.cluster().joinAddresses());
        RangeClientSettings clientSettings = RangeClientSettings.defaults();
        NettyNodeDialer dialer = new NettyNodeDialer(TransportConfig.defaults().withTls(config.tls()),
                clientSettings.requestTimeout());
        client = new RangeClient(faults.dialerOver(dialer, this::nodeAt), new ArrayList<>(seeds), clientSettings);
        // This node coordinates the transactions of the SQL clients connected to it.
        txnClient = new TxnClient(client, TxnSettings.builder().maxOffset(Duration.ofNanos(config.maxOffsetNanos())).build(),
                clock, fence);
        CommitWaitMeter commitWaits = new CommitWaitMeter();
        SqlKv sqlKv = txnMetrics.wrap(new TxnKv(txnClient), commitWaits::add);
        sqlCommitWaits = commitWaits;
        // A wrapper that does not pass filtersScans() and the streamed scan through would turn
        // filter pushdown off without a word: the node's ranges serve the filter, so say so here.
        if (!sqlKv.filtersScans()) {
            throw new IllegalStateException("the SQL engine's store does not filter scans: a SqlKv wrapper must delegate"
                    + " filtersScans() and SqlTxn.scan(ScanRequest, sink)");
        }
        // The node id tells apart the unique_rowid() values of different nodes' engines (ids wrap
        // at 32,768 nodes, far beyond any cluster's size).
        builtSqlEngine = new SqlEngine(sqlKv, new RangeAdmin(client), System::nanoTime,
                (int) Math.floorMod(config.nodeId(), 32_768L));
        view = new ClusterView(client, clock, this::clockOffsets, config.cluster().liveness().maxNodes());
        clusterService = new ClusterService(config.clusterId(), config.nodeId(), config.maxOffsetNanos(), self, client,
                view, clusterRequests);
        if (config.cluster().httpListen() != null) {
            statusServer = StatusServer.start(config.cluster().httpListen(), config.nodeId(), view, this::healthJson,
                    localPages(), httpSecurity());
        }
        String http = statusServer == null ? "" : Addresses.format(statusServer.address());
        liveness = new Liveness(config.nodeId(), self, http, nextEpoch(), clock, client, config.cluster().liveness(),
                (id, address) -> {
                    new Network().learnAddress(id, address);
                    client.learnNodeAddress(id, address);
                }, this::livenessWritten);
        LOG.info(() -> "node " + config.nodeId() + " hands out no timestamps until it has registered (its liveness"
                + " record written, then the max offset waited out)");
        liveness.start(livenessThread);
        if (config.cluster().maintenance() != null) {
            maintenance = new MaintenanceLoop(client, this::localStatus, config.nodeId(), physicalClock,
                    config.cluster().maintenance());
            maintenance.start();
        }
    }

    /**
     * The commit waiter the scheduler answers commits with: the max-offset timer, and the witness
     * rounds unless {@code --commit-wait-witness=false}. A round reads the registry through this
     * node's range client (made after the scheduler; a round before it fails, the timer decides).
     */
    private CommitWaiter newCommitWaiter() {
        commitWaitTimer = ExecutorScheduler.singleThreaded("conclave-commit-wait-n" + config.nodeId());
        WitnessSettings settings = config.clockSync().witness();
        if (settings.enabled()) {
            witnessThread = daemonExecutor("conclave-witness-n" + config.nodeId());
            witnessRounds = new WitnessRounds(config.nodeId(), clock, this::registeredNodes, this::askWitness,
                    witnessThread, commitWaitTimer, settings, System::nanoTime, witnessRoundLatency::recordNanos);
        }
        return new CommitWaiter(physicalClock, config.maxOffsetNanos(), commitWaitTimer,
                settings.maxPendingWaiters(), witnessRounds);
    }

    /** Step 2 of a witness round: every node in the registry with its record's expiration, read fresh; their addresses learned. */
    private Map<Long, Long> registeredNodes() {
        RangeClient rangeClient = client;
        if (rangeClient == null) throw new IllegalStateException("node " + config.nodeId() + " is starting");
        int maxNodes = config.cluster().liveness().maxNodes();
        Map<Long, NodeLiveness> records = Liveness.readAll(rangeClient, maxNodes);
        // The scan stops at maxNodes records: a full page may hide more nodes, so prove nothing.
        if (records.size() >= maxNodes) {
            throw new IllegalStateException("the registry holds " + maxNodes + " or more nodes (the read's limit)");
        }
        Network network = new Network();
        records.forEach((id, r) -> {
            if (id != config.nodeId() && !r.getAddress().isEmpty()) network.learnAddress(id, r.getAddress());
        });
        Map<Long, Long> expirations = new HashMap<>();
        records.forEach((id, r) -> expirations.put(id, Timestamp.fromProto(r.getExpiration()).wallNanos()));
        return expirations;
    }

    /** Step 3 for one node: a witness request on the peer connection; its frame carries this node's clock. */
    private CompletableFuture<Void> askWitness(long nodeId) {
        if (faults.isolates(nodeId)) {
            return CompletableFuture.failedFuture(new IllegalStateException("node " + nodeId + " is cut off"));
        }
        Frame request = Frame.newBuilder().setNodeRequest(NodeRequest.newBuilder()
                .setWitness(WitnessClock.getDefaultInstance())).build();
        return transport.call(nodeId, request, config.clockSync().witness().roundTimeout()).thenAccept(answer -> {
            if (!answer.hasNodeResponse()) {
                throw new IllegalStateException("node " + nodeId + " answered a witness request with "
                        + answer.getBodyCase() + (answer.hasError() ? ": " + answer.getError().getMessage() : ""));
            }
        });
    }

    /**
     * Registration and self-fencing (the argument is in {@code io.conclave.clock}'s package
     * documentation): every start, and every time its record expired, this node hands out no
     * timestamp until a liveness write has completed and the max offset has then passed on its
     * physical clock. A restart is no exception: while it was down its record may have expired
     * and witness rounds skipped it. Runs on the liveness thread.
     */
    private void livenessWritten(long expirationWallNanos) {
        if (firstWriteAtNanos < 0) firstWriteAtNanos = physicalClock.nowNanos();
        long waitNanos = fence.writeCompleted(expirationWallNanos);
        if (waitNanos > 0) scheduleWaitOut(waitNanos);
    }

    private void scheduleWaitOut(long delayNanos) {
        try {
            livenessThread.schedule(this::waitOut, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is closing
        }
    }

    private void waitOut() {
        long remaining = fence.waitOut();
        if (remaining > 0) {
            scheduleWaitOut(remaining);
            return;
        }
        if (sqlEngine == null && fence.open()) {
            registrationWaitNanos = physicalClock.nowNanos() - firstWriteAtNanos;
            sqlEngine = builtSqlEngine;
        }
    }

    /** Whether this node hands out timestamps now: it registered and is not fenced. */
    public boolean readyForTimestamps() {
        return fence != null && fence.open();
    }

    /** How many times this node fenced itself in this run (its liveness record expired while it was open). */
    long fencings() {
        return fence.fencings();
    }

    /** How long the node stayed closed after the write that last reopened it completed; -1: never reopened. */
    long lastReopenWaitNanos() {
        return fence.lastReopenWaitNanos();
    }

    /** How long after its liveness record was written this start became ready; -1 if registered before it. */
    long registrationWaitNanos() {
        return registrationWaitNanos;
    }

    /** How this node's commit-waits ended so far: by a witness round, and by the max-offset timer. */
    public long[] commitWaitEndings() {
        return new long[] {commitWaiter.witnessedWaits(), commitWaiter.timerWaits()};
    }

    /** Counts this start in the store: the liveness epoch tells a restart from a long pause. */
    private long nextEpoch() {
        long epoch = store.get(EPOCH_KEY).map(b -> ByteBuffer.wrap(b).getLong()).orElse(0L) + 1;
        store.commit(store.newBatch().put(EPOCH_KEY, ByteBuffer.allocate(Long.BYTES).putLong(epoch).array()));
        return epoch;
    }

    /** This node's replicas as its scheduler reports them; empty if it does not answer in time. */
    List<GroupStatus> localStatus() {
        CompletableFuture<RangeReply> reply = new CompletableFuture<>();
        scheduler.submitAdmin(AdminRequest.newBuilder().setStatus(StatusRequest.getDefaultInstance()).build(),
                reply::complete);
        try {
            RangeReply r = reply.get(LOCAL_STATUS_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return r.hasAdminResponse() ? r.getAdminResponse().getGroupsList() : List.of();
        } catch (ExecutionException | TimeoutException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private NodeMetrics newMetrics() {
        return new NodeMetrics(new NodeMetrics.Sources(config.nodeId(), scheduler.events(), scheduler::stats,
                store::stats, this::localStatus, clock::now, () -> clockSync.offsets(),
                sqlServer.statements().latency(), sqlServer.statements().finished(),
                () -> sqlServer.statements().running().size(), txnMetrics));
    }

    /** What this node's HTTP server answers from memory: /metrics and its own statements, splits and load. */
    private LocalPages localPages() {
        return new LocalPages(metrics::scrape,
                () -> Json.statements(config.nodeId(), sqlServer.statements().running(), System.nanoTime()),
                () -> Json.splits(config.nodeId(), scheduler.events().recentSplits()),
                since -> Json.timeSeries(config.nodeId(), metrics.history().pointsAfter(since)));
    }

    /** This node's metrics: what /metrics serves. */
    public NodeMetrics metrics() {
        return metrics;
    }

    private String healthJson() {
        return "{\"status\":\"ok\",\"node_id\":" + config.nodeId() + ",\"cluster_id\":\""
                + config.clusterId().replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"address\":\""
                + Addresses.format(transport.listenAddress()) + "\",\"stopped_by_clock\":" + stoppedByClock() + "}";
    }

    private void startClockSync() {
        clockSync.start(new ExecutorScheduler(clockThread));
        long persistMillis = config.clockSync().highWaterInterval().toMillis();
        clockThread.scheduleWithFixedDelay(this::persistHighWater, persistMillis, persistMillis, TimeUnit.MILLISECONDS);
    }

    private void persistHighWater() {
        try {
            highWater.persist();
        } catch (RuntimeException e) {
            // A failed write leaves the previous mark; the next one retries. Never kill the thread.
            LOG.warning("node " + config.nodeId() + " could not persist its clock high-water mark: " + e);
        }
    }

    /**
     * The guard's verdict: stop serving at once (a possibly stale read is worse than none), then
     * let the owner end the process. The message is logged once, by the owner.
     */
    private void stopByClock(String message, Consumer<Throwable> onFatal) {
        if (transport != null) transport.close();
        onFatal.accept(new ClockStopException("node " + config.nodeId() + ": " + message));
    }

    private Set<Long> peerIds() {
        Set<Long> ids = new HashSet<>(addressBook.keySet());
        ids.remove(config.nodeId());
        return ids;
    }

    private InetSocketAddress peerAddress(long nodeId) {
        // An isolated peer is unknown, so the offset guard counts it silent rather than far.
        if (faults.isolates(nodeId)) return null;
        String hostPort = addressBook.get(nodeId);
        return hostPort == null ? null : Addresses.parse(hostPort);
    }

    /** The node listening at {@code hostPort} by the address book, or 0 if none (a client's seed, say). */
    private long nodeAt(String hostPort) {
        for (Map.Entry<Long, String> e : addressBook.entrySet()) {
            if (e.getValue().equals(hostPort)) return e.getKey();
        }
        return 0;
    }

    /** The latest clock offset measured to each peer (fresh ones only), for status and metrics. */
    public Map<Long, OffsetMeasurement> clockOffsets() {
        return clockSync.offsets();
    }

    /** Whether the offset guard stopped this node. */
    public boolean stoppedByClock() {
        return clockSync != null && clockSync.hasStopped();
    }

    /** The scheduler's counters since start: batching factor, commit time, frames sent. */
    public SchedulerStats schedulerStats() {
        return scheduler.stats();
    }

    /** Logs what the scheduler did in the last interval, when it did anything but heartbeat. */
    private final class StatsLogger implements Runnable {
        private SchedulerStats last = new SchedulerStats(0, 0, 0, 0, 0, 0, 0, 0);
        private long lastWitnessed;
        private long lastTimer;
        private long lastRoundsFailed;
        private long lastReadsThroughLog;

        @Override
        public void run() {
            SchedulerStats now = scheduler.stats();
            long readsThroughLog = scheduler.readsThroughLog();
            long commits = now.commits() - last.commits();
            long entries = now.entriesPersisted() - last.entriesPersisted();
            if (entries > 0) {
                LOG.info(String.format("node %d last %ds: %d commits, %.1f entries/commit, %.2f ms/commit, "
                                + "%d applied, %d frames, %d messages, %d reads through the log", config.nodeId(),
                        STATS_LOG_SECONDS, commits,
                        (double) entries / Math.max(1, commits),
                        (now.commitNanos() - last.commitNanos()) / 1e6 / Math.max(1, commits),
                        now.entriesApplied() - last.entriesApplied(), now.raftBatchesSent() - last.raftBatchesSent(),
                        now.messagesSent() - last.messagesSent(), readsThroughLog - lastReadsThroughLog));
            }
            last = now;
            lastReadsThroughLog = readsThroughLog;
            logCommitWaits();
        }

        private void logCommitWaits() {
            long witnessed = commitWaiter.witnessedWaits();
            long timer = commitWaiter.timerWaits();
            long failed = witnessRounds == null ? 0 : witnessRounds.stats().roundsFailed();
            if (witnessed != lastWitnessed || timer != lastTimer) {
                LOG.info(String.format("node %d last %ds: commit-waits ended by a witness round %d, by the max-offset"
                                + " timer %d; witness rounds failed %d", config.nodeId(), STATS_LOG_SECONDS,
                        witnessed - lastWitnessed, timer - lastTimer, failed - lastRoundsFailed));
            }
            lastWitnessed = witnessed;
            lastTimer = timer;
            lastRoundsFailed = failed;
        }
    }

    public long nodeId() {
        return config.nodeId();
    }

    public InetSocketAddress listenAddress() {
        return transport.listenAddress();
    }

    /** Tells this node where another node listens, e.g. a node that joined after it started. */
    public void setPeerAddress(long nodeId, InetSocketAddress address) {
        addressBook.put(nodeId, Addresses.format(address));
        transport.setPeerAddress(nodeId, address);
    }

    /** The node's store; tests look at its Raft state. */
    Store store() {
        return store;
    }

    /** The node's own range client (liveness, views, maintenance use it). */
    public RangeClient client() {
        return client;
    }

    public String clusterId() {
        return config.clusterId();
    }

    /** Where the HTTP status pages are served, if --http was given. */
    public Optional<InetSocketAddress> httpAddress() {
        return Optional.ofNullable(statusServer).map(StatusServer::address);
    }

    /** A secure node's HTTP port: its own certificate, and logins checked as SQL's are. */
    private HttpSecurity httpSecurity() {
        if (!config.secure()) return HttpSecurity.NONE;
        return HttpSecurity.of(config.tls().jdkServerContext(), config.tls().jdkClientContext(),
                // Not before registration: a login reads the users in a transaction.
                (user, password) -> sqlEngine != null && sqlEngine.authenticate(user, password),
                user -> sqlEngine != null && sqlEngine.isAdmin(user));
    }

    /**
     * Hands this node's leases to the others and withdraws it from liveness and timestamps, within
     * {@code budget}, before a graceful {@link #close} (see {@link NodeDrain}). The node serves
     * no new transaction afterwards; only {@link #close} is left to call. Returns what it did, as
     * the line it also logs.
     */
    public String drain(Duration budget) {
        long startNanos = System.nanoTime();
        if (sqlServer != null) endSqlSessions(budget);
        if (liveness == null || client == null) return "node " + config.nodeId() + " had nothing to drain: it was starting";
        Duration left = budget.minusNanos(System.nanoTime() - startNanos);
        NodeDrain.Result result = new NodeDrain(config.nodeId(), physicalClock, clock, config.maxOffsetNanos(), client,
                liveness, fence, maintenance, this::localStatus, config.cluster().liveness().maxNodes())
                .run(left.isNegative() ? Duration.ZERO : left);
        String line = result.describe(config.nodeId());
        LOG.info(line);
        return line;
    }

    /**
     * Refuses new SQL sessions and ends the open ones, a session in a transaction once the
     * transaction ends, waiting for those up to {@link #TRANSACTION_DRAIN_WAIT} (and a quarter
     * of the budget). The fence is withdrawn after this: a transaction that needs a timestamp
     * after the withdrawal (one pushed at its commit) fails with 57P03, which its application
     * has to retry, where one that ends first costs it nothing.
     */
    private void endSqlSessions(Duration budget) {
        long startNanos = System.nanoTime();
        int open = sqlServer.drain();
        if (open == 0) return;
        Duration quarter = budget.dividedBy(4);
        Duration wait = quarter.compareTo(TRANSACTION_DRAIN_WAIT) < 0 ? quarter : TRANSACTION_DRAIN_WAIT;
        try {
            int left = sqlServer.awaitSessionsEnded(wait);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            LOG.info(left == 0 ? "node " + config.nodeId() + " ended its " + open + " SQL sessions in " + millis + " ms"
                    : "node " + config.nodeId() + " goes on draining with " + left + " of its " + open
                            + " SQL sessions still in a transaction after " + millis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (maintenance != null) maintenance.close();
        if (statusServer != null) statusServer.close();
        livenessThread.shutdownNow();
        clusterRequests.shutdownNow();
        if (sqlServer != null) sqlServer.close();
        if (txnClient != null) txnClient.close();
        if (client != null) client.close();
        if (clockSync != null) clockSync.close();
        if (witnessThread != null) witnessThread.shutdownNow();
        clockThread.shutdownNow();
        ticker.shutdownNow();
        if (scheduler != null) scheduler.close();
        if (commitWaitTimer != null) commitWaitTimer.close();
        if (transport != null) transport.close();
        store.close();
    }

    private void onFrame(Frame frame, Connection connection) {
        long requestId = frame.getRequestId();
        Consumer<Frame> reply = response -> connection.send(response.toBuilder().setRequestId(requestId).build());
        if (NodeRpc.isNodeRequest(frame) && frame.getNodeRequest().getOpCase() == NodeRequest.OpCase.FAULTS) {
            answerFaults(frame.getNodeRequest(), connection, requestId);
            return;
        }
        if (NodeRpc.isNodeRequest(frame) && frame.getNodeRequest().getOpCase() == NodeRequest.OpCase.WITNESS) {
            // The transport absorbed the frame's sent_at before handing it here: answering is all.
            // Cheap, so on the I/O thread, and also while starting. A cut-off peer hears nothing.
            if (faults.isolates(frame.getFromNode())) {
                faults.countDroppedFrame();
                return;
            }
            NodeRpc.reply(connection, requestId, NodeResponse.getDefaultInstance());
            return;
        }
        if (frame.getBodyCase() == Frame.BodyCase.RAFT && faults.isolates(frame.getFromNode())) {
            faults.countDroppedFrame();
            return;
        }
        if (NodeRpc.isNodeRequest(frame)) {
            ClusterService service = clusterService;
            if (service == null) {
                NodeRpc.replyError(connection, requestId, ErrorResponse.Code.TIMEOUT,
                        "node " + config.nodeId() + " is starting; ask again in a moment");
            } else {
                service.onRequest(frame, connection);
            }
            return;
        }
        switch (frame.getBodyCase()) {
            case RAFT -> scheduler.receiveRaft(frame.getFromNode(), frame.getRaft());
            case KV_REQUEST -> scheduler.submitKv(frame.getKvRequest(),
                    metrics.timeKv(frame.getKvRequest(), System.nanoTime(), r -> reply.accept(toFrame(r))));
            case ADMIN_REQUEST -> onAdmin(frame.getAdminRequest(), reply);
            default -> reply.accept(Frame.newBuilder().setError(ErrorResponse.newBuilder()
                    .setCode(ErrorResponse.Code.BAD_REQUEST)
                    .setMessage("node " + config.nodeId() + " does not serve " + frame.getBodyCase() + " frames"))
                    .build());
        }
    }

    /** Sets or reads the fault rules; cheap, so answered on the I/O thread, even while starting. */
    private void answerFaults(NodeRequest request, Connection connection, long requestId) {
        try {
            NodeRpc.reply(connection, requestId, NodeResponse.newBuilder()
                    .setFaults(faults.apply(config.nodeId(), request.getFaults())).build());
        } catch (FaultInjection.FaultInjectionRefused e) {
            NodeRpc.replyError(connection, requestId, ErrorResponse.Code.BAD_REQUEST, e.getMessage());
        }
    }

    private void onAdmin(AdminRequest request, Consumer<Frame> reply) {
        switch (request.getOpCase()) {
            case CLOCK_PING -> reply.accept(Frame.newBuilder().setAdminResponse(AdminResponse.newBuilder()
                    .setClockPong(clockSync.answer(request.getClockPing()))).build());
            case STATUS -> scheduler.submitAdmin(request, r -> reply.accept(withClockOffsets(toFrame(r))));
            case NOW -> {
                // Checked before the scheduler reads the clock and again after: only a reading
                // taken while the node stayed open may leave (TimestampFence#openToken).
                long token = fence.openToken();
                if (token != TimestampFence.CLOSED) {
                    scheduler.submitAdmin(request, r -> reply.accept(fence.stillOpen(token) ? toFrame(r) : fenced()));
                } else {
                    reply.accept(fenced());
                }
            }
            default -> scheduler.submitAdmin(request, r -> reply.accept(toFrame(r)));
        }
    }

    /** The answer to a clock reading while this node hands out no timestamps: retryable, the range client asks the next node. */
    private Frame fenced() {
        fence.noticeFenced();
        return Frame.newBuilder().setError(ErrorResponse.newBuilder().setCode(ErrorResponse.Code.TIMEOUT)
                .setMessage(fence.whyClosed())).build();
    }

    private static Frame toFrame(RangeReply r) {
        Frame.Builder f = Frame.newBuilder();
        switch (r.getBodyCase()) {
            case KV_RESPONSE -> f.setKvResponse(r.getKvResponse());
            case ADMIN_RESPONSE -> f.setAdminResponse(r.getAdminResponse());
            case ERROR -> f.setError(r.getError());
            default -> throw new IllegalStateException("the scheduler answered with an empty reply");
        }
        return f.build();
    }

    /** Adds this node's measured clock offsets to a status answer. */
    private Frame withClockOffsets(Frame response) {
        if (!response.hasAdminResponse() || clockSync == null) return response;
        long now = clockSync.physicalNowNanos();
        AdminResponse.Builder admin = response.getAdminResponse().toBuilder()
                .setMaxOffsetNanos(config.maxOffsetNanos());
        for (OffsetMeasurement m : clockSync.offsets().values()) {
            admin.addClockOffsets(PeerClockOffset.newBuilder().setNodeId(m.nodeId()).setOffsetNanos(m.offsetNanos())
                    .setErrorBoundNanos(m.errorBoundNanos()).setAgeNanos(Math.max(0, now - m.measuredAtNanos())));
        }
        return response.toBuilder().setAdminResponse(admin).build();
    }

    /** The scheduler's view of the network: one-way Raft batches and the address book. */
    private final class Network implements Scheduler.PeerNetwork {
        @Override
        public void send(long nodeId, RaftBatch batch) {
            if (faults.isolates(nodeId)) {
                faults.countDroppedFrame();
                return;
            }
            transport.send(nodeId, Frame.newBuilder().setRaft(batch).build());
        }

        @Override
        public String addressOf(long nodeId) {
            return addressBook.get(nodeId);
        }

        @Override
        public void holdSends() {
            transport.holdWrites();
        }

        @Override
        public void releaseSends() {
            transport.releaseWrites();
        }

        @Override
        public void learnAddress(long nodeId, String hostPort) {
            if (nodeId == config.nodeId() || hostPort.equals(addressBook.get(nodeId))) return;
            LOG.info(() -> "node " + config.nodeId() + " learned that node " + nodeId + " listens on " + hostPort);
            setPeerAddress(nodeId, Addresses.parse(hostPort));
        }
    }

    /** Every frame carries this node's HLC reading, and every received reading is absorbed. */
    private final class HlcFrameClock implements FrameClock {
        @Override
        public TimestampProto now() {
            return clock.now().toProto();
        }

        @Override
        public void observe(long fromNodeId, TimestampProto remote) {
            if (remote.getWallNanos() == 0) return; // a client without a clock
            clock.update(Timestamp.fromProto(remote));
        }
    }
}
