package io.conclave.tests.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Conclave node running as a child JVM of the test. The node keeps its store directory,
 * listen port and log file across restarts, so a restart after {@link #kill()} is a crash and
 * recovery of the same node, not a new one.
 *
 * <p>Only processes this object started are ever signalled: the handle is the {@link Process}
 * returned by {@link ProcessBuilder#start()}, never a lookup by name.
 */
final class NodeProcess {
    /** The line a node prints on stdout once its listener is bound and its groups are loaded. */
    static String readyLine(long nodeId, String address) {
        return "node " + nodeId + " listening on " + address;
    }

    private final long nodeId;
    private final int port;
    private final Path storeDir;
    private final Path logFile;
    private final JvmSettings jvm;
    private final List<String> startArgs;
    private Process process;
    private int starts;

    NodeProcess(long nodeId, int port, Path storeDir, Path logFile, JvmSettings jvm, List<String> startArgs) {
        this.nodeId = nodeId;
        this.port = port;
        this.storeDir = storeDir;
        this.logFile = logFile;
        this.jvm = jvm;
        this.startArgs = List.copyOf(startArgs);
    }

    long nodeId() {
        return nodeId;
    }

    int port() {
        return port;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    Path storeDir() {
        return storeDir;
    }

    Path logFile() {
        return logFile;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    synchronized long pid() {
        if (process == null) throw new IllegalStateException("node " + nodeId + " was never started");
        return process.pid();
    }

    /** How many times this node was started; the first start is 1. */
    synchronized int starts() {
        return starts;
    }

    /**
     * Starts the JVM (again, on the same store and port) and waits until it prints its ready
     * line. Fails with the tail of the node's log if it exits or stays silent past the timeout.
     */
    synchronized void start(Duration readyTimeout) throws IOException, InterruptedException {
        if (isAlive()) throw new IllegalStateException("node " + nodeId + " is already running");
        Files.createDirectories(storeDir);
        long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
        Files.writeString(logFile, "---- start #" + (starts + 1) + " ----\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        process = builder.start();
        starts++;
        awaitReady(logOffset, readyTimeout);
    }

    /** kill -9: on Linux {@link Process#destroyForcibly()} sends SIGKILL; waits for the exit. */
    synchronized void kill() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("node " + nodeId + " pid " + process.pid() + " survived SIGKILL for 10 s");
        }
    }

    /** Best-effort kill for cleanup paths that must not throw. */
    synchronized void killQuietly() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last {@code maxLines} lines of the node's log, for failure messages. */
    String logTail(int maxLines) {
        try {
            if (!Files.exists(logFile)) return "(no log)";
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(jvm.javaBinary());
        cmd.addAll(jvm.jvmFlags());
        cmd.add("-cp");
        cmd.add(jvm.classPath());
        cmd.add(jvm.mainClass());
        cmd.add("start");
        cmd.add("--store");
        cmd.add(storeDir.toString());
        cmd.add("--node-id");
        cmd.add(Long.toString(nodeId));
        cmd.add("--listen");
        cmd.add(address());
        cmd.addAll(startArgs);
        return cmd;
    }

    private void awaitReady(long logOffset, Duration timeout) throws IOException, InterruptedException {
        String ready = readyLine(nodeId, address());
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            if (logSince(logOffset).contains(ready)) return;
            if (!process.isAlive()) {
                throw new IllegalStateException("node " + nodeId + " exited with code " + process.exitValue()
                        + " before printing '" + ready + "'; log tail:\n" + logTail(40));
            }
            Thread.sleep(50);
        }
        killQuietly();
        throw new IllegalStateException("node " + nodeId + " did not print '" + ready + "' within " + timeout
                + "; log tail:\n" + logTail(40));
    }

    private String logSince(long offset) throws IOException {
        byte[] all = Files.readAllBytes(logFile);
        if (all.length <= offset) return "";
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }
}
