package io.conclave.tests.clock;

import io.conclave.node.launch.NodeProcess;
import io.conclave.node.launch.NodeProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One node process with its own start flags (the process package's harness gives every node the
 * same flags; these tests need one node with a shifted clock), launched by {@link NodeProcess}.
 * Failures are {@link AssertionError}s carrying the node's whole log.
 */
final class ClockNode {
    private static final List<String> JVM_FLAGS = jvmFlags();

    private final NodeProcess process;

    ClockNode(long nodeId, int port, Path dir, List<String> args) {
        this.process = new NodeProcess(new NodeProcessSpec(NodeProcessSpec.currentJava(),
                NodeProcessSpec.currentClassPath(), JVM_FLAGS, nodeId, dir.resolve("store-" + nodeId),
                "127.0.0.1:" + port, dir.resolve("node-" + nodeId + ".log"), NodeProcessSpec.insecure(args)));
    }

    String address() {
        return process.spec().listenAddress();
    }

    Path logFile() {
        return process.logFile();
    }

    void start() throws IOException {
        process.start();
    }

    /** Waits for the ready line; fails with the log if the node exits first or stays silent. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        try {
            process.awaitReady(timeout);
        } catch (IllegalStateException e) {
            throw new AssertionError(e.getMessage() + "\nwhole log:\n" + log(), e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, once the process ended by itself within {@code timeout}; null if it still runs. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    String log() throws IOException {
        return process.log();
    }

    void kill() {
        process.killQuietly();
    }

    private static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(NodeProcessSpec.LMDB_FLAGS);
        flags.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        return List.copyOf(flags);
    }
}
