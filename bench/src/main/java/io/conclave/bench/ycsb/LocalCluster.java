package io.conclave.bench.ycsb;

import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Stream;

/**
 * {@code --cluster local:N}: N node JVMs on 127.0.0.1 (fsync on, the nodes' defaults), started
 * from this JVM's java binary and class path, stores and logs in a fresh temporary directory.
 * The same recipe as the bench package's {@code BenchCluster}, which is package-private there.
 * Closing it, or this JVM exiting (through a shutdown hook), stops exactly the processes it
 * started, by their handles, and deletes the directory unless asked to keep it.
 */
final class LocalCluster implements AutoCloseable {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** Most nodes a local cluster may have on one host. */
    static final int MAX_NODES = 9;

    private final Path dir;
    private final boolean keep;
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAndCleanUp, "ycsb-stop-nodes");

    private LocalCluster(Path dir, boolean keep) {
        this.dir = dir;
        this.keep = keep;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Parses {@code local:N}; any other form is an error naming the accepted one. */
    static int parseNodeCount(String spec) {
        if (spec != null && spec.matches("local:\\d{1,2}")) {
            int n = Integer.parseInt(spec.substring("local:".length()));
            if (n >= 1 && n <= MAX_NODES) return n;
        }
        throw new IllegalArgumentException("--cluster must be local:N with N in [1, " + MAX_NODES + "], was " + spec);
    }

    static LocalCluster start(Path parent, int nodeCount, int initialRanges, List<String> jvmFlags, boolean keep)
            throws IOException, InterruptedException {
        Files.createDirectories(parent);
        LocalCluster c = new LocalCluster(Files.createTempDirectory(parent, "conclave-ycsb-"), keep);
        try {
            c.launch(nodeCount, initialRanges, jvmFlags);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void launch(int nodeCount, int initialRanges, List<String> jvmFlags) throws IOException, InterruptedException {
        int[] ports = NodeProcess.freePorts(nodeCount);
        StringJoiner peers = new StringJoiner(",");
        for (int i = 0; i < nodeCount; i++) peers.add((i + 1) + "=127.0.0.1:" + ports[i]);
        List<String> flags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        flags.addAll(jvmFlags);
        for (int i = 0; i < nodeCount; i++) {
            long id = i + 1;
            String address = "127.0.0.1:" + ports[i];
            NodeProcess p = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                    NodeProcessSpec.currentClassPath(), flags, id, dir.resolve("store-" + id), address,
                    dir.resolve("node-" + id + ".log"), List.of("--peers", peers.toString(), "--initial-ranges",
                    Integer.toString(initialRanges), "--cluster-id", "ycsb")));
            nodes.add(p);
            addresses.add(address);
            p.start();
        }
        for (NodeProcess p : nodes) p.awaitReady(READY_TIMEOUT);
    }

    List<String> addresses() {
        return List.copyOf(addresses);
    }

    /** The last lines of every node's log, for a failure report. */
    String logTails(int lines) {
        StringBuilder b = new StringBuilder();
        for (NodeProcess p : nodes) b.append("--- node ").append(p.nodeId()).append('\n').append(p.logTail(lines)).append('\n');
        return b.toString();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
        stopAndCleanUp();
    }

    private void stopAndCleanUp() {
        NodeProcess.stopAll(nodes, STOP_GRACE);
        if (keep) {
            System.out.println("kept stores and node logs in " + dir);
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
