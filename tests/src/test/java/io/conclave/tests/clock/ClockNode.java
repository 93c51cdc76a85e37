package io.conclave.tests.clock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One node process with its own start flags (the process package's harness gives every node the
 * same flags; these tests need one node with a shifted clock). Only the {@link Process} this
 * object started is ever signalled.
 */
final class ClockNode {
    private static final List<String> JVM_FLAGS = List.of(
            "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

    private final long nodeId;
    private final int port;
    private final Path dir;
    private final List<String> args;
    private Process process;

    ClockNode(long nodeId, int port, Path dir, List<String> args) {
        this.nodeId = nodeId;
        this.port = port;
        this.dir = dir;
        this.args = List.copyOf(args);
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    Path logFile() {
        return dir.resolve("node-" + nodeId + ".log");
    }

    synchronized void start() throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString())));
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.conclave.node.Main", "start",
                "--store", dir.resolve("store-" + nodeId).toString(), "--node-id", Long.toString(nodeId),
                "--listen", address()));
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    }

    /** Waits for the ready line; fails with the log if the node exits first or stays silent. */
    void awaitReady(Duration timeout) throws IOException, InterruptedException {
        String ready = "node " + nodeId + " listening on " + address();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (log().contains(ready)) return;
            if (!isAlive()) throw new AssertionError("node " + nodeId + " exited before it was ready:\n" + log());
            Thread.sleep(50);
        }
        throw new AssertionError("node " + nodeId + " not ready within " + timeout + ":\n" + log());
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code, once the process ended by itself within {@code timeout}; null if it still runs. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : null;
    }

    String log() throws IOException {
        return Files.exists(logFile()) ? Files.readString(logFile(), StandardCharsets.UTF_8) : "";
    }

    synchronized void kill() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void appendNote(String note) throws IOException {
        Files.writeString(logFile(), note + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
