package io.conclave.tests.ranges;

import io.conclave.node.client.NettyNodeDialer;
import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import io.conclave.range.client.RangeClient;
import io.conclave.range.client.RangeClientSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.LongFunction;

/**
 * Node JVMs on 127.0.0.1 with fixed membership: nodes 1..voters are every initial range's voters
 * ({@code --peers}); further nodes start with {@code --join} and no ranges, and get replicas only
 * from the allocator. Each node keeps its store, port and log across restarts, so a restart after
 * {@link #kill} is a crash and recovery of the same node. Closing the cluster, or the test JVM
 * exiting normally, kills exactly the processes it started and keeps their logs under
 * {@code target/<logDirectory>/<clusterId>}.
 *
 * <p>Shared by the range and the transaction process tests: a node may get start flags of its own
 * (a skewed test clock, say), and a client may be told which nodes to contact first (so a
 * transaction's clock readings come from the node a test names).
 */
public final class RangeTestCluster implements AutoCloseable {
    /** A node with 10,000 ranges loads them before it prints its ready line. */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Node JVM flags: small heap, serial GC, C1 only, because a test cluster lives for a minute on
     * a shared two-core machine. The heap bound is what the memory checks are stated against.
     */
    static final List<String> NODE_JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k");

    /**
     * Client limits for tests with faults: an attempt may wait for a lease acquisition, a call may
     * span a kill, a lease running out (9 s plus the maximum offset) and an election.
     */
    public static final RangeClientSettings FAULT_TOLERANT_CLIENT = new RangeClientSettings(Duration.ofSeconds(3),
            Duration.ofSeconds(25), Duration.ofMillis(20), Duration.ofMillis(300), 16);

    /** Where the range tests' node logs are copied when the cluster closes, since the test's temporary directory is deleted. */
    static final Path KEPT_LOGS = Path.of("target", "range-test-logs");

    /** A bound on test clusters: each node is a JVM on a shared two-core machine. */
    static final int MAX_NODES = 5;

    private final Map<Long, NodeProcess> nodes = new LinkedHashMap<>();
    private final Thread shutdownHook;
    private final String clusterId;
    private final Path keptLogs;

    /**
     * @param extraStartArgs flags every node gets after {@code --peers} and {@code --cluster-id}
     */
    RangeTestCluster(Path root, String clusterId, int nodeCount, int voterCount, List<String> extraStartArgs)
            throws IOException {
        this(root, clusterId, nodeCount, voterCount, extraStartArgs, id -> List.of(), KEPT_LOGS);
    }

    /**
     * @param commonArgs flags every node gets after {@code --peers} and {@code --cluster-id}
     * @param perNodeArgs further flags of the node with the given id (after the common ones)
     * @param keptLogs where the node logs are copied on close, under a directory named {@code clusterId}
     */
    public RangeTestCluster(Path root, String clusterId, int nodeCount, int voterCount, List<String> commonArgs,
            LongFunction<List<String>> perNodeArgs, Path keptLogs) throws IOException {
        if (nodeCount < 1 || nodeCount > MAX_NODES) {
            throw new IllegalArgumentException("nodeCount " + nodeCount + " must be in [1, " + MAX_NODES + "]");
        }
        if (voterCount < 1 || voterCount > nodeCount) {
            throw new IllegalArgumentException("voterCount " + voterCount + " must be in [1, " + nodeCount + "]");
        }
        this.clusterId = clusterId;
        this.keptLogs = keptLogs;
        int[] ports = NodeProcess.freePorts(nodeCount);
        StringJoiner peers = new StringJoiner(",");
        for (int i = 0; i < voterCount; i++) peers.add((i + 1) + "=127.0.0.1:" + ports[i]);
        List<String> jvmFlags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        jvmFlags.addAll(NODE_JVM_FLAGS);
        for (int i = 0; i < nodeCount; i++) {
            long id = i + 1;
            List<String> args = new ArrayList<>(List.of("--peers", peers.toString(), "--cluster-id", clusterId));
            if (i >= voterCount) args.add("--join");
            args.addAll(commonArgs);
            args.addAll(perNodeArgs.apply(id));
            nodes.put(id, new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), jvmFlags, id, root.resolve("store-" + id),
                    "127.0.0.1:" + ports[i], root.resolve("node-" + id + ".log"), NodeProcessSpec.insecure(args))));
        }
        shutdownHook = new Thread(this::killAllQuietly, "kill-range-test-nodes");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public NodeProcess node(long id) {
        NodeProcess n = nodes.get(id);
        if (n == null) throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        return n;
    }

    public List<NodeProcess> nodes() {
        return List.copyOf(nodes.values());
    }

    public List<Long> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    List<String> addresses() {
        return nodes.values().stream().map(n -> n.spec().listenAddress()).toList();
    }

    public String address(long id) {
        return node(id).spec().listenAddress();
    }

    /** A client that knows every node's address (so hints by node id resolve at once), first contact in node-id order. */
    public RangeClient client(RangeClientSettings settings, long seed) {
        return clientVia(settings, seed, nodeIds());
    }

    /**
     * A client whose seed list is {@code first} (in that order): its first requests, and so a
     * transaction's clock readings, go there. It still learns every address, so it can follow
     * leaseholders anywhere.
     */
    public RangeClient clientVia(RangeClientSettings settings, long seed, List<Long> first) {
        List<String> seeds = first.stream().map(this::address).toList();
        RangeClient c = new RangeClient(new NettyNodeDialer(settings.requestTimeout()), seeds, settings, seed);
        nodes.forEach((id, n) -> c.learnNodeAddress(id, n.spec().listenAddress()));
        return c;
    }

    /** A client whose first contact is {@code node}, then the others in node-id order. */
    public RangeClient clientFirst(RangeClientSettings settings, long seed, long node) {
        List<Long> order = new ArrayList<>(nodeIds());
        if (!order.remove(node)) throw new IllegalArgumentException("no node " + node + " in " + order);
        order.add(0, node);
        return clientVia(settings, seed, order);
    }

    /** Starts the given nodes concurrently and waits until each printed its ready line. */
    public void start(long... ids) throws Exception {
        for (long id : ids) node(id); // an unknown id fails here, not on a starter thread
        startConcurrently(ids, id -> {
            NodeProcess n = node(id);
            n.start();
            n.awaitReady(READY_TIMEOUT);
        }, READY_TIMEOUT.plusSeconds(10));
    }

    /** The start of one node, on a thread of its own. */
    public interface NodeStart {
        void start(long id) throws Exception;
    }

    /**
     * Runs {@code start} for every id at once, each on a thread of its own (a node elects leaders
     * only once a quorum is up, so starting one by one could wait for nothing), waits for each
     * thread for at most {@code wait}, and throws with every failure if any start failed.
     */
    public static void startConcurrently(long[] ids, NodeStart start, Duration wait) throws InterruptedException {
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> starters = new ArrayList<>();
        for (long id : ids) {
            Thread t = new Thread(() -> {
                try {
                    start.start(id);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "start-node-" + id);
            starters.add(t);
            t.start();
        }
        for (Thread t : starters) t.join(wait.toMillis());
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("failed to start nodes: " + failures.get(0).getMessage());
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    public void startAll() throws Exception {
        start(nodes.keySet().stream().mapToLong(Long::longValue).toArray());
    }

    /** kill -9 and wait for the exit. */
    public void kill(long id) throws InterruptedException {
        node(id).kill();
    }

    /** Starts a killed node again on its store and waits for its ready line. */
    public void restart(long id) throws Exception {
        start(id);
    }

    void killAllQuietly() {
        for (NodeProcess n : nodes.values()) n.killQuietly();
    }

    @Override
    public void close() {
        killAllQuietly();
        keepLogs();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook runs or ran; the processes are killed either way.
        }
    }

    /** Copies every node's log to keptLogs/clusterId/ (the last run's only), for reading after a failure. */
    private void keepLogs() {
        try {
            Path into = keptLogs.resolve(clusterId);
            Files.createDirectories(into);
            for (NodeProcess n : nodes.values()) {
                if (Files.exists(n.logFile())) {
                    Files.copy(n.logFile(), into.resolve(n.logFile().getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.out.println("[" + clusterId + "] could not keep the node logs of " + clusterId + ": " + e);
        }
    }

    /** The last lines of every node's log, for a failure message. */
    public String logTails(int linesPerNode) {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes.values()) {
            sb.append("==== node ").append(n.nodeId()).append(" (").append(n.logFile()).append(") ====\n")
                    .append(n.logTail(linesPerNode)).append('\n');
        }
        return sb.toString();
    }
}
