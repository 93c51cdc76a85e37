package io.conclave.node;

import io.conclave.clock.ClockDurations;
import io.conclave.clock.MaxOffsetSetting;
import io.conclave.node.clocksync.ClockStopException;
import io.conclave.node.clocksync.ClockSyncSettings;
import io.conclave.node.clocksync.WitnessSettings;
import io.conclave.node.cluster.Addresses;
import io.conclave.node.cluster.ClusterGate;
import io.conclave.node.cluster.ClusterOptions;
import io.conclave.node.fault.FaultInjection;
import io.conclave.node.cluster.JoinSettings;
import io.conclave.node.cluster.LivenessSettings;
import io.conclave.node.transport.TransportTls;
import io.conclave.node.http.HttpSecurity;
import io.conclave.node.http.StatusServer;
import io.conclave.node.maintenance.MaintenanceSettings;
import io.conclave.range.multiraft.Scheduler;
import io.conclave.range.multiraft.SchedulerSettings;
import io.conclave.storage.Store;
import io.conclave.storage.StoreIdent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Starts a node and serves until stopped. Prints 'node N listening on HOST:PORT' when ready. SIGTERM or"
                + " Ctrl-C stops it gracefully: it first hands its leases to the other nodes (--drain-timeout).",
            "Two ways to form a cluster:",
            "  cluster-assigned ids: start every node with --join HOST:PORT,... (no --node-id), then run"
                    + " 'conclave init --host HOST:PORT' once; an empty store prints 'waiting for init or join on"
                    + " HOST:PORT' until then. A restart on its store needs no --join answer.",
            "  fixed membership: --node-id N --peers ID=HOST:PORT,... on every node (tests, demo, benchmarks)."})
final class StartCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(StartCommand.class.getName());
    /** How long a restarting node waits for each --join address to confirm its cluster. */
    private static final Duration VERIFY_TIMEOUT = Duration.ofSeconds(2);
    /** How long a node stopping after a fatal error may spend closing before it halts. */
    static final Duration FATAL_CLOSE_GRACE = Duration.ofSeconds(2);
    static final Duration MAX_DRAIN = Duration.ofMinutes(5);
    // Set before a fatal error's exit starts the shutdown hook: that stop skips the drain.
    private static volatile boolean fatalExit;

    @picocli.CommandLine.Mixin
    SecurityFlags security = new SecurityFlags();

    @Option(names = "--store", required = true, paramLabel = "DIR", description = "Store directory (created if missing).")
    Path store;

    @Option(names = "--node-id", paramLabel = "N",
            description = "Fixed membership: this node's id (positive). Without it the cluster assigns the id.")
    Long nodeId;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Address to listen on.")
    String listen;

    @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...",
            description = "Fixed membership (with --node-id): the initial voters of every range; a listed node"
                    + " bootstraps the ranges on first start. With --join: where some existing nodes listen.")
    String peers;

    @Option(names = "--join", arity = "0..1", fallbackValue = "", paramLabel = "HOST:PORT,...",
            description = "Nodes of the cluster to join. Without --node-id: an empty store asks them for a node id"
                    + " (or waits for 'conclave init'). With --node-id and no --peers entry for it: start with no"
                    + " ranges and wait to be added.")
    String join;

    @Option(names = "--http", paramLabel = "HOST:PORT",
            description = "Serve /health, /status/nodes and /status/ranges (JSON) here.")
    String http;

    @Option(names = "--maintenance", arity = "1", defaultValue = "true", paramLabel = "true|false",
            description = "Run the maintenance loop: meta repair, automatic splits, replication and rebalancing"
                    + " (default true).")
    boolean maintenance;

    @Option(names = "--replication-factor", defaultValue = "3", paramLabel = "1|3|5",
            description = "Replicas per range the allocator aims for (default 3; range 1 uses up to 5).")
    int replicationFactor;

    @Option(names = "--dead-after", defaultValue = "5m", paramLabel = "DURATION",
            description = "How long a node must be dead before its replicas are replaced elsewhere (default 5m).")
    String deadAfter;

    @Option(names = "--range-max-bytes", defaultValue = "67108864", paramLabel = "BYTES",
            description = "Split a range above this size (default 67108864, 64 MiB).")
    long rangeMaxBytes;

    @Option(names = "--liveness-interval", defaultValue = "3s", paramLabel = "DURATION",
            description = "How often a node rewrites its liveness record (default 3s).")
    String livenessInterval;

    @Option(names = "--liveness-ttl", defaultValue = "9s", paramLabel = "DURATION",
            description = "How long a liveness record lasts: a node silent this long is dead to the others (default"
                    + " 9s; at least twice --liveness-interval).")
    String livenessTtl;

    @Option(names = "--drain-timeout", defaultValue = "5s", paramLabel = "DURATION",
            description = "On SIGTERM or Ctrl-C, how long the node may spend handing its leases to the other nodes and"
                    + " withdrawing from liveness before it closes (default 5s; 0: stop at once, as a kill would).")
    String drainTimeout;

    @Option(names = "--lease-duration", defaultValue = "9s", paramLabel = "DURATION",
            description = "How long a range lease lasts; a busy range renews it at half (default 9s). Shorter: faster"
                    + " recovery from a dead leaseholder, more renewal writes.")
    String leaseDuration;

    @Option(names = "--split-qps", defaultValue = "2500", paramLabel = "QPS",
            description = "Split a range serving more requests per second than this, sustained (default 2500).")
    double splitQps;

    @Option(names = "--initial-ranges", defaultValue = "1", paramLabel = "N",
            description = "With --peers: pre-split the user keyspace into N ranges at bootstrap (default 1).")
    int initialRanges;

    @Option(names = "--cluster-id", defaultValue = "local", paramLabel = "ID", description = "Cluster name (default local).")
    String clusterId;

    @Option(names = "--max-offset", paramLabel = "DURATION",
            description = "Maximum clock offset between nodes, e.g. 250ms; every node of a cluster must use the same"
                    + " value (default 250ms). A node whose clock is off by more than 80%% of it from a majority of"
                    + " the other live nodes stops itself (exit code 3).")
    String maxOffset;

    @Option(names = "--test-clock-offset", defaultValue = "0ms", paramLabel = "DURATION",
            description = "Testing: shift this node's physical clock by this much, e.g. 750ms or -2s, to watch the"
                    + " offset guard act.")
    String testClockOffset;

    @Option(names = "--testing-fault-injection",
            description = "Testing only: accept fault rules (peers to cut off, clock steps) from the SetFaults node"
                    + " request. Never on a node that serves real data.")
    boolean testingFaultInjection;

    @Option(names = "--clock-check-interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "How often the node measures its peers' clocks and checks the offsets (default 1s).")
    String clockCheckInterval;

    @Option(names = "--commit-wait-witness", arity = "1", defaultValue = "true", paramLabel = "true|false",
            description = "End commit-wait as soon as every registered node has been seen past the commit's"
                    + " timestamp (one round trip to each) instead of always waiting out --max-offset; a node that"
                    + " does not answer makes commits wait the max offset (default true).")
    boolean commitWaitWitness;

    @Option(names = "--fsync", arity = "1", defaultValue = "true", paramLabel = "true|false",
            description = "Make every commit durable (default true; false only for experiments).")
    boolean fsync;

    @Option(names = "--tick", defaultValue = "100ms", paramLabel = "DURATION",
            description = "Raft tick; elections after 10 to 20 ticks, heartbeats every tick (default 100ms).")
    String tick;

    @Option(names = "--gc-ttl", defaultValue = "25h", paramLabel = "DURATION",
            description = "Keep old MVCC versions this long (default 25h, between 1s and 3650 days): reads and"
                    + " historical (AS OF) transactions may go this far back; older ones are refused.")
    String gcTtl;

    @Option(names = "--log-truncate-entries", defaultValue = "10000", paramLabel = "N",
            description = "Truncate a group's Raft log after this many applied entries (default 10000).")
    long logTruncateEntries;

    @Override
    public Integer call() throws Exception {
        if (security.insecure) {
            System.err.println(SecurityFlags.INSECURE_WARNING);
        }
        Duration drainBudget = drainBudget(drainTimeout);
        Node node = nodeId != null ? Node.start(config(), StartCommand::fatal, faultInjection()) : startWithAssignedId();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(node, drainBudget), "conclave-shutdown"));
        System.out.println("node " + node.nodeId() + " listening on " + Addresses.format(node.listenAddress()));
        System.out.flush();
        new CountDownLatch(1).await(); // serve until the process is stopped
        return 0;
    }

    static Duration drainBudget(String text) {
        long nanos = ClockDurations.parse(text);
        if (nanos < 0 || nanos > MAX_DRAIN.toNanos()) {
            throw new IllegalArgumentException("--drain-timeout must be between 0 and " + MAX_DRAIN.toMinutes()
                    + "m, was " + text);
        }
        return Duration.ofNanos(nanos);
    }

    /**
     * The shutdown hook: a graceful stop drains the node first; a stop after a fatal error does
     * not (it must be gone at once, and a node stopped by its clock must hand out nothing more).
     */
    private static void stop(Node node, Duration drainBudget) {
        if (!fatalExit && !drainBudget.isZero()) {
            try {
                node.drain(drainBudget);
            } catch (RuntimeException e) {
                LOG.warning("the drain before the stop failed, closing anyway: " + e);
            }
        }
        node.close();
    }

    /** The fixed-membership configuration (--node-id given). */
    NodeConfig config() {
        return config(nodeId, clusterId, Addresses.parse(listen), parsePeers(peers), join != null, security.forNode());
    }

    private NodeConfig config(long id, String cluster, InetSocketAddress listenAddress, Map<Long, InetSocketAddress> voters,
            boolean joining, TransportTls tls) {
        SchedulerSettings settings = SchedulerSettings.defaults().withLogEntriesBeforeSnapshot(logTruncateEntries)
                .withSplitThresholds(rangeMaxBytes, splitQps)
                .withLeaseDurationNanos(ClockDurations.parse(leaseDuration));
        return new NodeConfig(id, cluster, store, listenAddress, voters, joining, maxOffsetNanos(),
                ClockDurations.parse(testClockOffset), fsync, Duration.ofNanos(ClockDurations.parse(tick)), settings,
                ClockSyncSettings.withCheckInterval(Duration.ofNanos(ClockDurations.parse(clockCheckInterval)))
                        .withWitness(WitnessSettings.defaults().withEnabled(commitWaitWitness)),
                initialRanges, clusterOptions(), tls);
    }

    ClusterOptions clusterOptions() {
        ClusterOptions options = ClusterOptions.defaults().withJoinAddresses(Addresses.parseList(join, "--join"))
                .withLiveness(new LivenessSettings(Duration.ofNanos(ClockDurations.parse(livenessInterval)),
                        Duration.ofNanos(ClockDurations.parse(livenessTtl)), LivenessSettings.defaults().maxNodes()));
        if (http != null) options = options.withHttp(Addresses.parse(http));
        if (maintenance) {
            options = options.withMaintenance(MaintenanceSettings.defaults()
                    .withDeadAfter(Duration.ofNanos(ClockDurations.parse(deadAfter)))
                    .withReplicationFactor(replicationFactor).withSplitThresholds(rangeMaxBytes, splitQps)
                    .withGcTtl(Duration.ofNanos(ClockDurations.parse(gcTtl))));
        }
        return options;
    }

    private long maxOffsetNanos() {
        return maxOffset == null ? MaxOffsetSetting.DEFAULT.nanos() : MaxOffsetSetting.parse(maxOffset).nanos();
    }

    /**
     * No --node-id: the store's identity decides; an empty store waits at the cluster gate for an
     * init or a join, which writes the identity, then the node starts on the same address.
     */
    private Node startWithAssignedId() throws InterruptedException {
        if (peers != null) {
            throw new IllegalArgumentException("--peers needs --node-id: fixed membership names every node's id;"
                    + " without --node-id the cluster assigns ids (start with --join, then 'conclave init')");
        }
        ClusterOptions options = clusterOptions(); // bad flags fail before the store is touched
        TransportTls tls = security.forNode();
        InetSocketAddress listenAddress = Addresses.parse(listen);
        Store opened = Node.openStore(store, fsync);
        StoreIdent ident;
        try {
            Optional<StoreIdent> existing = opened.ident();
            if (existing.isPresent()) {
                ident = existing.get();
                ClusterGate.verifyMembership(ident.clusterId(), ident.nodeId(), Addresses.format(listenAddress),
                        maxOffsetNanos(), options.joinAddresses(), VERIFY_TIMEOUT, tls);
            } else {
                ClusterGate gate = ClusterGate.open(listenAddress, maxOffsetNanos(), options.joinAddresses(),
                        JoinSettings.defaults(), clusterIdChosen -> initialize(opened, clusterIdChosen),
                        (c, n) -> opened.writeIdent(new StoreIdent(c, n)), () -> UUID.randomUUID().toString(), tls);
                listenAddress = gate.listenAddress();
                String waiting = "waiting for init or join on " + listen;
                ClusterGate.Identity identity;
                try (StatusServer health = options.httpListen() == null ? null
                        : StatusServer.waiting(options.httpListen(), "the node at " + listen + " is " + waiting,
                                tls.enabled() ? HttpSecurity.withoutUsers(tls.jdkServerContext(),
                                        tls.jdkClientContext()) : HttpSecurity.NONE)) {
                    System.out.println(waiting);
                    System.out.flush();
                    identity = gate.await();
                } catch (RuntimeException | InterruptedException e) {
                    gate.close();
                    throw e;
                }
                ident = new StoreIdent(identity.clusterId(), identity.nodeId());
            }
        } catch (RuntimeException | InterruptedException e) {
            opened.close();
            throw e;
        }
        // Its ranges come from the init bootstrap or from the allocator, never from --peers.
        return Node.start(config(ident.nodeId(), ident.clusterId(), listenAddress, Map.of(), true, tls), opened,
                StartCommand::fatal, faultInjection());
    }

    private FaultInjection faultInjection() {
        if (!testingFaultInjection) return FaultInjection.disabled();
        LOG.warning("--testing-fault-injection: this node accepts fault rules; never use it on real data");
        return FaultInjection.enabled();
    }

    /** A new cluster's first node: range 1 (meta, system) and range 2 (user keys) on node 1, then the identity. */
    private static void initialize(Store store, String newClusterId) {
        Scheduler.bootstrap(store, Scheduler.initialRanges(List.of(1L), 1));
        store.writeIdent(new StoreIdent(newClusterId, 1));
    }

    static Map<Long, InetSocketAddress> parsePeers(String text) {
        Map<Long, InetSocketAddress> out = new TreeMap<>();
        if (text == null || text.isBlank()) return out;
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--peers entry '" + part + "' is not ID=HOST:PORT");
            long id;
            try {
                id = Long.parseLong(part.substring(0, eq).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--peers entry '" + part + "' has no numeric node id");
            }
            if (id <= 0) throw new IllegalArgumentException("--peers entry '" + part + "': node ids are positive");
            if (out.put(id, Addresses.parse(part.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("--peers names node " + id + " twice");
            }
        }
        return out;
    }

    private static void fatal(Throwable t) {
        if (t instanceof ClockStopException) {
            // The guard's verdict is the whole story: one line, no stack trace, its own exit code.
            LOG.severe(t.getMessage());
            exit(ClockStopException.EXIT_CODE);
            return;
        }
        LOG.severe("node stopping after a fatal error: " + t);
        exit(Main.EXIT_FAILURE);
    }

    /**
     * Exits with {@code code}, giving the shutdown hook's close {@link #FATAL_CLOSE_GRACE} before
     * the process halts. A node stopped by a fatal error must be gone, not closing: its maintenance
     * loop, liveness heartbeat and range client run until the close reaches them, and the close
     * waits on passes and RPCs in flight. Halting loses nothing acknowledged: every acknowledged
     * write was synced, which is what a kill -9 relies on too.
     */
    static void exit(int code) {
        fatalExit = true;
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(FATAL_CLOSE_GRACE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("the node's close did not finish within " + FATAL_CLOSE_GRACE.toMillis()
                    + " ms after a fatal error; halting with exit code " + code);
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }, "conclave-exit-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        new Thread(() -> System.exit(code), "conclave-exit").start();
    }
}
