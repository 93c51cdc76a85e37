package io.conclave.tests.process;

import io.conclave.node.launch.NodeProcessSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One Conclave node running as a child JVM of the test: the test harness's view of a {@link
 * io.conclave.node.launch.NodeProcess}, which does the launching, waiting and killing. The node
 * keeps its store directory, listen port and log file across restarts, so a restart after {@link
 * #kill()} is a crash and recovery of the same node, not a new one.
 */
final class NodeProcess {
    private final int port;
    private final io.conclave.node.launch.NodeProcess process;

    NodeProcess(long nodeId, int port, Path storeDir, Path logFile, JvmSettings jvm, List<String> startArgs) {
        this.port = port;
        this.process = new io.conclave.node.launch.NodeProcess(new NodeProcessSpec(jvm.javaBinary(), jvm.classPath(),
                jvm.jvmFlags(), nodeId, storeDir, "127.0.0.1:" + port, logFile, NodeProcessSpec.insecure(startArgs)));
    }

    long nodeId() {
        return process.nodeId();
    }

    int port() {
        return port;
    }

    String address() {
        return process.spec().listenAddress();
    }

    Path storeDir() {
        return process.spec().storeDir();
    }

    Path logFile() {
        return process.logFile();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** How many times this node was started; the first start is 1. */
    int starts() {
        return process.starts();
    }

    /**
     * Starts the JVM (again, on the same store and port) and waits until it prints its ready
     * line. Fails with the tail of the node's log if it exits or stays silent past the timeout.
     */
    synchronized void start(Duration readyTimeout) throws IOException, InterruptedException {
        process.start();
        process.awaitReady(readyTimeout);
    }

    /** kill -9, waiting for the exit. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** Best-effort kill for cleanup paths that must not throw. */
    void killQuietly() {
        process.killQuietly();
    }

    /** The last {@code maxLines} lines of the node's log, for failure messages. */
    String logTail(int maxLines) {
        return process.logTail(maxLines);
    }
}
