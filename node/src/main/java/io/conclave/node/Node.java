package io.conclave.node;

import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.OffsetClock;
import io.conclave.clock.SystemClock;
import io.conclave.clock.Timestamp;
import io.conclave.clock.proto.TimestampProto;
import io.conclave.node.multiraft.Scheduler;
import io.conclave.node.multiraft.SchedulerStats;
import io.conclave.node.rpc.ErrorResponse;
import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.RaftBatch;
import io.conclave.node.transport.Connection;
import io.conclave.node.transport.FrameClock;
import io.conclave.node.transport.Transport;
import io.conclave.node.transport.TransportConfig;
import io.conclave.storage.Store;
import io.conclave.storage.StoreIdent;
import io.conclave.storage.StoreOptions;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One running Conclave node: its store, its transport, its multi-raft scheduler and the ticker
 * that drives it. {@link #start} returns once the node listens; groups elect leaders after that.
 */
public final class Node implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Node.class.getName());
    private static final long STATS_LOG_SECONDS = 10;

    private final NodeConfig config;
    private final Store store;
    private final HybridLogicalClock clock;
    private final Map<Long, String> addressBook = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private Transport transport;
    private Scheduler scheduler;

    private Node(NodeConfig config, Store store, HybridLogicalClock clock) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "conclave-ticker-n" + config.nodeId());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (or creates) the store, checks that it belongs to this cluster and node, bootstraps the
     * groups on a fresh store of an initial voter, and starts serving.
     *
     * @param onFatal called if the node can no longer work (the scheduler died); the process
     *     should exit then
     * @throws io.conclave.storage.StoreMismatchException if the store belongs to another cluster
     *     or node
     */
    public static Node start(NodeConfig config, Consumer<Throwable> onFatal) {
        Store store = Store.open(config.storeDir(), StoreOptions.defaults().withFsync(config.fsync()));
        try {
            openIdent(store, config);
            HybridLogicalClock clock = new HybridLogicalClock(
                    new OffsetClock(SystemClock.INSTANCE, config.testClockOffsetNanos()), config.maxOffsetNanos());
            Node node = new Node(config, store, clock);
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
            Scheduler.bootstrap(store, config.scheduler().groupCount(), config.peers().keySet());
            LOG.info(() -> "node " + config.nodeId() + " bootstrapped " + config.scheduler().groupCount()
                    + " groups with voters " + config.peers().keySet());
        }
        store.writeIdent(want);
    }

    private void startServing(Consumer<Throwable> onFatal) {
        config.peers().forEach((id, addr) -> addressBook.put(id, hostPort(addr)));
        long seed = new SecureRandom().nextLong(); // the one entropy source of the node, at the edge
        scheduler = new Scheduler(config.nodeId(), store, config.scheduler(), new Network(), seed, onFatal);
        transport = Transport.start(config.nodeId(), config.clusterId(), config.maxOffsetNanos(), config.listen(),
                TransportConfig.defaults(), new HlcFrameClock(), this::onFrame);
        config.peers().forEach((id, addr) -> {
            if (id != config.nodeId()) transport.setPeerAddress(id, addr);
        });
        addressBook.put(config.nodeId(), hostPort(transport.listenAddress()));
        scheduler.start();
        long tickMillis = config.tickInterval().toMillis();
        ticker.scheduleAtFixedRate(scheduler::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
        ticker.scheduleAtFixedRate(new StatsLogger(), STATS_LOG_SECONDS, STATS_LOG_SECONDS, TimeUnit.SECONDS);
    }

    /** The scheduler's counters since start: batching factor, commit time, frames sent. */
    public SchedulerStats schedulerStats() {
        return scheduler.stats();
    }

    /** Logs what the scheduler did in the last interval, when it did anything but heartbeat. */
    private final class StatsLogger implements Runnable {
        private SchedulerStats last = new SchedulerStats(0, 0, 0, 0, 0, 0, 0, 0);

        @Override
        public void run() {
            SchedulerStats now = scheduler.stats();
            long commits = now.commits() - last.commits();
            long entries = now.entriesPersisted() - last.entriesPersisted();
            if (entries > 0) {
                LOG.info(String.format("node %d last %ds: %d commits, %.1f entries/commit, %.2f ms/commit, "
                                + "%d applied, %d frames, %d messages", config.nodeId(), STATS_LOG_SECONDS, commits,
                        (double) entries / Math.max(1, commits),
                        (now.commitNanos() - last.commitNanos()) / 1e6 / Math.max(1, commits),
                        now.entriesApplied() - last.entriesApplied(), now.raftBatchesSent() - last.raftBatchesSent(),
                        now.messagesSent() - last.messagesSent()));
            }
            last = now;
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
        addressBook.put(nodeId, hostPort(address));
        transport.setPeerAddress(nodeId, address);
    }

    /** The node's store; tests look at its Raft state. */
    Store store() {
        return store;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        if (scheduler != null) scheduler.close();
        if (transport != null) transport.close();
        store.close();
    }

    static String hostPort(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private void onFrame(Frame frame, Connection connection) {
        long requestId = frame.getRequestId();
        Consumer<Frame> reply = response -> connection.send(response.toBuilder().setRequestId(requestId).build());
        switch (frame.getBodyCase()) {
            case RAFT -> scheduler.receiveRaft(frame.getFromNode(), frame.getRaft());
            case KV_REQUEST -> scheduler.submitKv(frame.getKvRequest(), reply);
            case ADMIN_REQUEST -> scheduler.submitAdmin(frame.getAdminRequest(), reply);
            default -> reply.accept(Frame.newBuilder().setError(ErrorResponse.newBuilder()
                    .setCode(ErrorResponse.Code.BAD_REQUEST)
                    .setMessage("node " + config.nodeId() + " does not serve " + frame.getBodyCase() + " frames"))
                    .build());
        }
    }

    /** The scheduler's view of the network: one-way Raft batches and the address book. */
    private final class Network implements Scheduler.PeerNetwork {
        @Override
        public void send(long nodeId, RaftBatch batch) {
            transport.send(nodeId, Frame.newBuilder().setRaft(batch).build());
        }

        @Override
        public String addressOf(long nodeId) {
            return addressBook.get(nodeId);
        }

        @Override
        public void learnAddress(long nodeId, String hostPort) {
            if (nodeId == config.nodeId() || hostPort.equals(addressBook.get(nodeId))) return;
            LOG.info(() -> "node " + config.nodeId() + " learned that node " + nodeId + " listens on " + hostPort);
            setPeerAddress(nodeId, HostPort.parse(hostPort));
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
