package io.conclave.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Three (or more) node JVMs on 127.0.0.1, started from this JVM's own java binary and class path,
 * with stores and logs in a fresh temporary directory. Closing it, or this JVM exiting (Ctrl-C
 * included, through a shutdown hook), stops exactly the processes it started (SIGTERM, then
 * SIGKILL after a grace period) and deletes the directory.
 */
final class BenchCluster implements AutoCloseable {
    static final String NODE_MAIN = "io.conclave.node.Main";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** In a node JVM flag, replaced by the node's id (e.g. a per-node JFR file name). */
    static final String NODE_PLACEHOLDER = "{node}";
    /** How long a node may take to exit on SIGTERM (closing its store, dumping a recording) before SIGKILL. */
    static final long STOP_GRACE_MILLIS = 5_000;

    record Node(long id, int port, Path store, Path log, Process process) {
        String address() {
            return "127.0.0.1:" + port;
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
     * Starts {@code nodeCount} voters of {@code groups} groups and waits for every node's ready
     * line. {@code jvmFlags} go before the class path (heap, GC); {@code startFlags} after the
     * {@code start} verb. With {@code keepDir} the stores and node logs stay after close.
     */
    static BenchCluster start(Path parent, int nodeCount, int groups, List<String> jvmFlags, List<String> startFlags,
            boolean keepDir) throws IOException, InterruptedException {
        BenchCluster c = new BenchCluster(Files.createTempDirectory(parent, "conclave-bench-"), keepDir);
        try {
            c.launch(nodeCount, groups, jvmFlags, startFlags);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    List<Node> nodes() {
        return List.copyOf(nodes);
    }

    List<String> addresses() {
        return nodes.stream().map(Node::address).toList();
    }

    Path dir() {
        return dir;
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

    private void launch(int nodeCount, int groups, List<String> jvmFlags, List<String> startFlags)
            throws IOException, InterruptedException {
        int[] ports = freePorts(nodeCount);
        StringJoiner peers = new StringJoiner(",");
        for (int i = 0; i < nodeCount; i++) peers.add((i + 1) + "=127.0.0.1:" + ports[i]);
        for (int i = 0; i < nodeCount; i++) {
            long id = i + 1;
            Path store = dir.resolve("store-" + id);
            Path log = dir.resolve("node-" + id + ".log");
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBinary());
            for (String flag : jvmFlags) cmd.add(flag.replace(NODE_PLACEHOLDER, Long.toString(id)));
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), NODE_MAIN, "start",
                    "--store", store.toString(), "--node-id", Long.toString(id), "--listen", "127.0.0.1:" + ports[i],
                    "--peers", peers.toString(), "--groups", Integer.toString(groups), "--cluster-id", "bench"));
            cmd.addAll(startFlags);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            nodes.add(new Node(id, ports[i], store, log, p));
        }
        for (Node n : nodes) awaitReady(n);
    }

    private static void awaitReady(Node n) throws IOException, InterruptedException {
        String ready = "node " + n.id() + " listening on " + n.address();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(n.log()) && Files.readString(n.log(), StandardCharsets.UTF_8).contains(ready)) return;
            if (!n.process().isAlive()) {
                throw new IllegalStateException("node " + n.id() + " exited with code " + n.process().exitValue()
                        + " before it was ready; log tail:\n" + tail(n.log(), 30));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("node " + n.id() + " not ready within " + READY_TIMEOUT + "; log tail:\n"
                + tail(n.log(), 30));
    }

    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** SIGTERM to every node, then SIGKILL to any still running after the grace period. */
    private void killAll() {
        for (Node n : nodes) n.process().destroy();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
        try {
            for (Node n : nodes) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!n.process().waitFor(left, TimeUnit.NANOSECONDS)) n.process().destroyForcibly();
            }
            for (Node n : nodes) n.process().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Node n : nodes) n.process().destroyForcibly();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : held) s.close();
        }
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
