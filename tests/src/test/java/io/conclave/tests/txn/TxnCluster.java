package io.conclave.tests.txn;

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

/**
 * Three (or more) node JVMs on 127.0.0.1, every one a voter of range 1 and of the
 * {@code --initial-ranges} user ranges, each with flags of its own (a skewed test clock on one
 * node, say). A node keeps its store, port and log across {@link #kill} and {@link #restart}, so
 * a restart is a crash and recovery of the same node. Closing the cluster, or the test JVM
 * exiting normally, kills exactly the processes it started and keeps their logs under
 * {@link #KEPT_LOGS}.
 *
 * <p>The range tests' launcher is package-private to {@code io.conclave.tests.ranges}; this one
 * differs in what the transaction tests need: per-node start flags and clients that know only
 * some nodes (so a transaction's clock readings come from the node a test names).
 */
final class TxnCluster implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /** Small heap, serial GC, C1 only: a test cluster lives for a minute on a shared two-core machine. */
    static final List<String> NODE_JVM_FLAGS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xss512k");

    /**
     * Client limits for tests with faults: a call may span a kill, the dead holder's lease running
     * out (9 s plus the maximum offset) and an election.
     */
    static final RangeClientSettings FAULT_TOLERANT_CLIENT = new RangeClientSettings(Duration.ofSeconds(3),
            Duration.ofSeconds(25), Duration.ofMillis(20), Duration.ofMillis(300), 16);

    static final Path KEPT_LOGS = Path.of("target", "txn-test-logs");

    private final Map<Long, NodeProcess> nodes = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::killAllQuietly, "kill-txn-test-nodes");
    private final String clusterId;

    /**
     * @param commonArgs start flags of every node (after {@code --peers} and {@code --cluster-id})
     * @param perNodeArgs further start flags by node id (missing: none)
     */
    TxnCluster(Path root, String clusterId, int nodeCount, List<String> commonArgs, Map<Long, List<String>> perNodeArgs)
            throws IOException {
        if (nodeCount < 1 || nodeCount > 5) throw new IllegalArgumentException("1 to 5 nodes, not " + nodeCount);
        this.clusterId = clusterId;
        int[] ports = NodeProcess.freePorts(nodeCount);
        StringJoiner peers = new StringJoiner(",");
        for (int i = 0; i < nodeCount; i++) peers.add((i + 1) + "=127.0.0.1:" + ports[i]);
        List<String> jvmFlags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        jvmFlags.addAll(NODE_JVM_FLAGS);
        for (int i = 0; i < nodeCount; i++) {
            long id = i + 1;
            List<String> args = new ArrayList<>(List.of("--peers", peers.toString(), "--cluster-id", clusterId));
            args.addAll(commonArgs);
            args.addAll(perNodeArgs.getOrDefault(id, List.of()));
            nodes.put(id, new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), jvmFlags, id, root.resolve("store-" + id),
                    "127.0.0.1:" + ports[i], root.resolve("node-" + id + ".log"), args)));
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    NodeProcess node(long id) {
        NodeProcess n = nodes.get(id);
        if (n == null) throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        return n;
    }

    List<Long> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    String address(long id) {
        return node(id).spec().listenAddress();
    }

    /** A client that knows every node's address, first contact in node-id order. */
    RangeClient client(RangeClientSettings settings, long seed) {
        return clientVia(settings, seed, nodeIds());
    }

    /**
     * A client whose seed list is {@code first} (in that order): its first requests, and so a
     * transaction's clock readings, go there. It still learns every address, so it can follow
     * leaseholders anywhere.
     */
    RangeClient clientVia(RangeClientSettings settings, long seed, List<Long> first) {
        List<String> seeds = first.stream().map(this::address).toList();
        RangeClient c = new RangeClient(new NettyNodeDialer(settings.requestTimeout()), seeds, settings, seed);
        nodes.forEach((id, n) -> c.learnNodeAddress(id, n.spec().listenAddress()));
        return c;
    }

    /** Starts the given nodes concurrently and waits until each printed its ready line. */
    void start(long... ids) throws Exception {
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> starters = new ArrayList<>();
        for (long id : ids) {
            NodeProcess n = node(id);
            Thread t = new Thread(() -> {
                try {
                    n.start();
                    n.awaitReady(READY_TIMEOUT);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "start-node-" + id);
            starters.add(t);
            t.start();
        }
        for (Thread t : starters) t.join(READY_TIMEOUT.toMillis() + 10_000);
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("failed to start nodes: " + failures.get(0).getMessage());
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    void startAll() throws Exception {
        start(nodes.keySet().stream().mapToLong(Long::longValue).toArray());
    }

    /** kill -9 and wait for the exit. */
    void kill(long id) throws InterruptedException {
        node(id).kill();
    }

    /** Starts a killed node again on its store and waits for its ready line. */
    void restart(long id) throws Exception {
        start(id);
    }

    private void killAllQuietly() {
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

    private void keepLogs() {
        try {
            Path into = KEPT_LOGS.resolve(clusterId);
            Files.createDirectories(into);
            for (NodeProcess n : nodes.values()) {
                if (Files.exists(n.logFile())) {
                    Files.copy(n.logFile(), into.resolve(n.logFile().getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.out.println("[txn] could not keep the node logs of " + clusterId + ": " + e);
        }
    }

    /** The last lines of every node's log, for a failure message. */
    String logTails(int linesPerNode) {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes.values()) {
            sb.append("==== node ").append(n.nodeId()).append(" (").append(n.logFile()).append(") ====\n")
                    .append(n.logTail(linesPerNode)).append('\n');
        }
        return sb.toString();
    }
}
