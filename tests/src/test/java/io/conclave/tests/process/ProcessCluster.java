package io.conclave.tests.process;

import io.conclave.tests.ranges.RangeTestCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A set of node processes on 127.0.0.1, each with its own store directory under {@code root}
 * and a port chosen once and kept for the cluster's life. Closing the cluster (or the test JVM
 * exiting, through a shutdown hook) kills every process it started.
 */
final class ProcessCluster implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path root;
    private final JvmSettings jvm;
    private final String clusterId;
    private final Map<Long, NodeProcess> nodes = new LinkedHashMap<>();
    private final Thread shutdownHook;

    /**
     * @param nodeCount nodes 1..nodeCount get a port each; the first {@code voterCount} are the
     *     initial voters (their {@code --peers}); the rest start with {@code --join}.
     */
    ProcessCluster(Path root, JvmSettings jvm, String clusterId, int nodeCount, int voterCount,
            List<String> extraStartArgs) throws IOException {
        if (voterCount < 1 || voterCount > nodeCount) {
            throw new IllegalArgumentException("voterCount " + voterCount + " must be in [1, " + nodeCount + "]");
        }
        this.root = root;
        this.jvm = jvm;
        this.clusterId = clusterId;
        int[] ports = io.conclave.node.launch.NodeProcess.freePorts(nodeCount);
        String peers = peersFlag(ports, voterCount);
        for (int i = 0; i < nodeCount; i++) {
            long id = i + 1;
            List<String> args = new ArrayList<>(List.of("--peers", peers, "--cluster-id", clusterId));
            if (i >= voterCount) args.add("--join");
            args.addAll(extraStartArgs);
            nodes.put(id, new NodeProcess(id, ports[i], root.resolve("store-" + id), root.resolve("node-" + id + ".log"),
                    jvm, args));
        }
        this.shutdownHook = new Thread(this::killAllQuietly, "kill-test-nodes");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    NodeProcess node(long id) {
        NodeProcess n = nodes.get(id);
        if (n == null) throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        return n;
    }

    List<NodeProcess> nodes() {
        return List.copyOf(nodes.values());
    }

    List<String> addresses() {
        return nodes.values().stream().map(NodeProcess::address).toList();
    }

    Path root() {
        return root;
    }

    String clusterId() {
        return clusterId;
    }

    /** Starts the given nodes concurrently (they elect leaders only once a quorum is up). */
    void start(long... ids) throws Exception {
        for (long id : ids) node(id); // an unknown id fails here, not on a starter thread
        RangeTestCluster.startConcurrently(ids, id -> node(id).start(READY_TIMEOUT), READY_TIMEOUT.plusSeconds(5));
    }

    void killAllQuietly() {
        for (NodeProcess n : nodes.values()) n.killQuietly();
    }

    @Override
    public void close() {
        killAllQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; the processes are being killed either way.
        }
    }

    /** Log tails of every node, for a failure message. */
    String logTails(int linesPerNode) {
        StringBuilder sb = new StringBuilder();
        for (NodeProcess n : nodes.values()) {
            sb.append("==== node ").append(n.nodeId()).append(" (").append(n.logFile()).append(") ====\n")
                    .append(n.logTail(linesPerNode)).append('\n');
        }
        return sb.toString();
    }

    private static String peersFlag(int[] ports, int voterCount) {
        StringJoiner j = new StringJoiner(",");
        for (int i = 0; i < voterCount; i++) j.add((i + 1) + "=127.0.0.1:" + ports[i]);
        return j.toString();
    }
}
