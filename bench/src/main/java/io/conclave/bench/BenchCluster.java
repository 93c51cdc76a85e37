package io.conclave.bench;

import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * A local cluster for benchmarks: N node JVMs on 127.0.0.1 with fixed membership ({@code --peers})
 * and fsync on (the nodes' defaults), started from this JVM's own java binary and class path, with
 * stores and logs in a fresh temporary directory. The one launcher of the raft benchmarks and of
 * {@code bench ycsb --cluster local:N}. Closing it, or this JVM exiting (Ctrl-C included, through
 * a shutdown hook), stops exactly the processes it started (SIGTERM, then SIGKILL after a grace
 * period) and deletes the directory unless asked to keep it.
 */
public final class BenchCluster implements AutoCloseable {
    /** Most nodes a local cluster may have: each is a JVM on this one host. */
    public static final int MAX_NODES = 9;
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** In a node JVM flag, replaced by the node's id (e.g. a per-node JFR file name). */
    static final String NODE_PLACEHOLDER = "{node}";
    /** How long a node may take to exit on SIGTERM (closing its store, dumping a recording) before SIGKILL. */
    static final long STOP_GRACE_MILLIS = 5_000;

    record Node(long id, int port, NodeProcess process) {
        String address() {
            return "127.0.0.1:" + port;
        }

        Path log() {
            return process.logFile();
        }
    }

    private final Path dir;
    private final boolean keepDir;
    private final List<Node> nodes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::killAndCleanUp, "bench-kill-nodes");

    private BenchCluster(Path dir, boolean keepDir) {
        this.dir = dir;
        this.keepDir = keepDir;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts {@code nodeCount} nodes, each a voter of range 1 and of {@code initialRanges} user
     * ranges, in a new directory under {@code parent}, and waits for every node's ready line.
     * {@code jvmFlags} go before the class path after the LMDB flags every node needs (heap, GC;
     * {@code {node}} becomes the node's id); {@code startFlags} after the {@code start}
     * verb. With {@code keepDir} the stores and node logs stay after close.
     */
    public static BenchCluster start(Path parent, int nodeCount, int initialRanges, List<String> jvmFlags,
            List<String> startFlags, boolean keepDir) throws IOException, InterruptedException {
        if (nodeCount < 1 || nodeCount > MAX_NODES) {
            throw new IllegalArgumentException("a local cluster has 1 to " + MAX_NODES + " nodes, not " + nodeCount);
        }
        if (initialRanges < 1) throw new IllegalArgumentException("initial ranges must be >= 1, was " + initialRanges);
        Files.createDirectories(parent);
        BenchCluster c = new BenchCluster(Files.createTempDirectory(parent, "conclave-bench-"), keepDir);
        try {
            c.launch(nodeCount, initialRanges, jvmFlags, startFlags);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** Every node's {@code 127.0.0.1:port}, by node id. */
    public List<String> addresses() {
        return nodes.stream().map(Node::address).toList();
    }

    /** Where the stores and node logs are. */
    public Path dir() {
        return dir;
    }

    /** The last {@code lines} lines of every node's log, for a failure report. */
    public String logTails(int lines) {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) {
            b.append("--- node ").append(n.id()).append('\n').append(n.process().logTail(lines)).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
        killAndCleanUp();
    }

    private void killAndCleanUp() {
        killAll();
        if (keepDir) {
            System.out.println("kept stores and node logs in " + dir);
        } else {
            deleteRecursively(dir);
        }
    }

    /** The last {@code max} lines of a node's log that contain {@code marker}. */
    static List<String> logLines(Node node, String marker, int max) {
        try {
            List<String> hits = Files.readAllLines(node.log(), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(marker)).toList();
            return hits.subList(Math.max(0, hits.size() - max), hits.size());
        } catch (IOException | UncheckedIOException e) {
            return List.of("(log unreadable: " + e + ")");
        }
    }

    private void launch(int nodeCount, int initialRanges, List<String> jvmFlags, List<String> startFlags)
            throws IOException, InterruptedException {
        int[] ports = NodeProcess.freePorts(nodeCount);
        StringJoiner peers = new StringJoiner(",");
        for (int i = 0; i < nodeCount; i++) peers.add((i + 1) + "=127.0.0.1:" + ports[i]);
        for (int i = 0; i < nodeCount; i++) {
            long id = i + 1;
            Path store = dir.resolve("store-" + id);
            Path log = dir.resolve("node-" + id + ".log");
            List<String> flags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
            for (String flag : jvmFlags) flags.add(flag.replace(NODE_PLACEHOLDER, Long.toString(id)));
            List<String> start = new ArrayList<>(List.of("--peers", peers.toString(), "--initial-ranges",
                    Integer.toString(initialRanges), "--cluster-id", "bench"));
            start.addAll(startFlags);
            NodeProcess p = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), flags, id, store, "127.0.0.1:" + ports[i], log,
                    NodeProcessSpec.insecure(start)));
            nodes.add(new Node(id, ports[i], p));
            p.start();
        }
        for (Node n : nodes) n.process().awaitReady(READY_TIMEOUT);
    }

    /** SIGTERM to every node, then SIGKILL to any still running after the grace period. */
    private void killAll() {
        NodeProcess.stopAll(nodes.stream().map(Node::process).toList(), Duration.ofMillis(STOP_GRACE_MILLIS));
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
