package io.conclave.node.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to launch one node JVM: {@code javaBinary jvmFlags -cp classPath
 * io.conclave.node.Main start --store storeDir --node-id nodeId --listen listenAddress startFlags},
 * with stdout and stderr appended to {@code logFile}. {@code startFlags} carry whatever differs
 * per caller or per node ({@code --peers}, {@code --initial-ranges}, {@code --join},
 * {@code --http}, {@code --test-clock-offset}, ...).
 *
 * <p>{@code nodeId} {@link #ASSIGNED_BY_CLUSTER} (0) launches a node whose id comes from the
 * cluster: no {@code --node-id} flag; on a fresh store it waits for {@code conclave init} or
 * joins through its {@code --join} flag, and is ready once it has an id.
 */
public record NodeProcessSpec(String javaBinary, String classPath, List<String> jvmFlags, long nodeId,
        Path storeDir, String listenAddress, Path logFile, List<String> startFlags) {
    /** The class every node JVM runs. */
    public static final String NODE_MAIN = "io.conclave.node.Main";

    /** A node id of 0: the node gets its id from {@code conclave init} (1) or by joining. */
    public static final long ASSIGNED_BY_CLUSTER = 0;

    /** lmdbjava reaches into NIO internals; every JVM that opens a store needs both. */
    public static final List<String> LMDB_FLAGS = List.of(
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    public NodeProcessSpec {
        requireText(javaBinary, "java binary");
        requireText(classPath, "class path");
        requireText(listenAddress, "listen address");
        if (nodeId < 0) {
            throw new IllegalArgumentException("node id must be positive, or 0 for one the cluster assigns; was " + nodeId);
        }
        if (storeDir == null) throw new IllegalArgumentException("no store directory for node " + nodeId);
        if (logFile == null) throw new IllegalArgumentException("no log file for node " + nodeId);
        jvmFlags = List.copyOf(jvmFlags);
        startFlags = List.copyOf(startFlags);
    }

    /**
     * {@code startFlags} plus {@code --insecure}: the local clusters of the demo, the tests and the
     * benchmarks run without TLS or authentication, and say so at each launch site.
     */
    public static List<String> insecure(List<String> startFlags) {
        List<String> flags = new java.util.ArrayList<>(startFlags);
        flags.add("--insecure");
        return List.copyOf(flags);
    }

    /** The binary of the running JVM, so a child runs exactly the code of its parent. */
    public static String currentJava() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The running JVM's class path (under Surefire, the full test class path). */
    public static String currentClassPath() {
        return System.getProperty("java.class.path");
    }

    /** The full command line, java binary first. */
    public List<String> command() {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(javaBinary);
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", classPath, NODE_MAIN, "start", "--store", storeDir.toString()));
        if (nodeId != ASSIGNED_BY_CLUSTER) cmd.addAll(List.of("--node-id", Long.toString(nodeId)));
        cmd.addAll(List.of("--listen", listenAddress));
        cmd.addAll(startFlags);
        return List.copyOf(cmd);
    }

    /**
     * The line a node prints on stdout once its listener is bound and its ranges are loaded. A
     * node whose id the cluster assigns prints {@code node N listening on ...} with the id it
     * got; the part after the id is what identifies it.
     */
    public String readyLine() {
        return nodeId == ASSIGNED_BY_CLUSTER ? " listening on " + listenAddress
                : "node " + nodeId + " listening on " + listenAddress;
    }

    /** The line a node without an identity prints while it waits for init or a join. */
    public String waitingLine() {
        return "waiting for init or join on " + listenAddress;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("empty " + what + ": cannot launch a node");
    }
}
