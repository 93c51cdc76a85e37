package io.conclave.node.launch;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything needed to launch one node JVM: {@code javaBinary jvmFlags -cp classPath
 * io.conclave.node.Main start --store storeDir --node-id nodeId --listen listenAddress startFlags},
 * with stdout and stderr appended to {@code logFile}. {@code startFlags} carry whatever differs
 * per caller or per node ({@code --peers}, {@code --groups}, {@code --test-clock-offset}, ...).
 */
public record NodeProcessSpec(String javaBinary, String classPath, List<String> jvmFlags, long nodeId,
        Path storeDir, String listenAddress, Path logFile, List<String> startFlags) {
    /** The class every node JVM runs. */
    public static final String NODE_MAIN = "io.conclave.node.Main";

    /** lmdbjava reaches into NIO internals; every JVM that opens a store needs both. */
    public static final List<String> LMDB_FLAGS = List.of(
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED");

    public NodeProcessSpec {
        requireText(javaBinary, "java binary");
        requireText(classPath, "class path");
        requireText(listenAddress, "listen address");
        if (nodeId < 1) throw new IllegalArgumentException("node id must be positive, was " + nodeId);
        if (storeDir == null) throw new IllegalArgumentException("no store directory for node " + nodeId);
        if (logFile == null) throw new IllegalArgumentException("no log file for node " + nodeId);
        jvmFlags = List.copyOf(jvmFlags);
        startFlags = List.copyOf(startFlags);
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
        cmd.addAll(List.of("-cp", classPath, NODE_MAIN, "start", "--store", storeDir.toString(),
                "--node-id", Long.toString(nodeId), "--listen", listenAddress));
        cmd.addAll(startFlags);
        return List.copyOf(cmd);
    }

    /** The line a node prints on stdout once its listener is bound and its groups are loaded. */
    public String readyLine() {
        return "node " + nodeId + " listening on " + listenAddress;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException("empty " + what + ": cannot launch a node");
    }
}
