package io.conclave.node.launch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Conclave node running as a child JVM. It keeps its store directory, listen address and log
 * file across starts, so {@link #start()} after {@link #kill()} is a crash and recovery of the
 * same node, not a new one. Each start appends a {@code ---- start #N ----} line to the log, and
 * {@link #awaitReady(Duration)} looks for the ready line only after it.
 *
 * <p>Only the {@link Process} this object started is ever signalled.
 */
public final class NodeProcess {
    /** How long SIGKILL may take to end a process before {@link #kill()} reports it. */
    static final Duration KILL_WAIT = Duration.ofSeconds(10);
    /** How long cleanup paths wait after SIGKILL before giving up quietly. */
    static final Duration QUIET_KILL_WAIT = Duration.ofSeconds(5);
    /** Lines of the log quoted in a failure message. */
    static final int FAILURE_LOG_LINES = 40;
    private static final long POLL_MILLIS = 50;

    private final NodeProcessSpec spec;
    private Process process;
    private long logOffsetAtStart;
    private int starts;

    public NodeProcess(NodeProcessSpec spec) {
        if (spec == null) throw new IllegalArgumentException("no spec");
        this.spec = spec;
    }

    public NodeProcessSpec spec() {
        return spec;
    }

    public long nodeId() {
        return spec.nodeId();
    }

    public Path logFile() {
        return spec.logFile();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        return started().pid();
    }

    /** The exit code of the last start; throws if it still runs or never ran. */
    public synchronized int exitValue() {
        return started().exitValue();
    }

    /** How many times this node was started; the first start is 1. */
    public synchronized int starts() {
        return starts;
    }

    /**
     * Starts the JVM (again, on the same store, address and log) without waiting for it to be
     * ready; see {@link #awaitReady(Duration)}.
     */
    public synchronized void start() throws IOException {
        if (isAlive()) throw new IllegalStateException("node " + nodeId() + " is already running");
        Files.createDirectories(spec.storeDir());
        Path parent = spec.logFile().toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        logOffsetAtStart = Files.exists(spec.logFile()) ? Files.size(spec.logFile()) : 0;
        Files.writeString(spec.logFile(), "---- start #" + (starts + 1) + " ----\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(spec.command())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        starts++;
    }

    /**
     * Waits until the node prints its ready line after the last start. If it exits first, or
     * stays silent past {@code timeout} (then it is killed), throws {@link IllegalStateException}
     * with the tail of its log.
     */
    public void awaitReady(Duration timeout) throws IOException, InterruptedException {
        awaitLine(spec.readyLine(), timeout);
    }

    /**
     * Waits until the log holds {@code ready} after the last start, e.g. the spec's
     * {@link NodeProcessSpec#waitingLine()} of a node waiting for init; fails like {@link
     * #awaitReady}.
     */
    public void awaitLine(String ready, Duration timeout) throws IOException, InterruptedException {
        Process p;
        long offset;
        synchronized (this) {
            p = started();
            offset = logOffsetAtStart;
        }
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadlineNanos) {
            if (logSince(offset).contains(ready)) return;
            if (!p.isAlive()) {
                throw new IllegalStateException("node " + nodeId() + " exited with code " + p.exitValue()
                        + " before printing '" + ready + "'; log tail:\n" + logTail(FAILURE_LOG_LINES));
            }
            Thread.sleep(POLL_MILLIS);
        }
        killQuietly();
        throw new IllegalStateException("node " + nodeId() + " did not print '" + ready + "' within " + timeout
                + "; log tail:\n" + logTail(FAILURE_LOG_LINES));
    }

    /** Stops the node (SIGTERM, SIGKILL after {@code grace}) and starts it again, not waiting for ready. */
    public void restart(Duration grace) throws IOException {
        stop(grace);
        start();
    }

    /** kill -9: on Linux {@link Process#destroyForcibly()} sends SIGKILL; waits for the exit. */
    public synchronized void kill() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        process.destroyForcibly();
        if (!process.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("node " + nodeId() + " pid " + process.pid() + " survived SIGKILL for "
                    + KILL_WAIT.toSeconds() + " s");
        }
    }

    /** Best-effort SIGKILL for cleanup paths that must not throw. */
    public synchronized void killQuietly() {
        if (process == null) return;
        process.destroyForcibly();
        try {
            process.waitFor(QUIET_KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM, then SIGKILL if it is still running after {@code grace}. Never throws. */
    public void stop(Duration grace) {
        stopAll(List.of(this), grace);
    }

    /**
     * SIGTERM to every node at once, then SIGKILL to any still running when the shared
     * {@code grace} is over, so stopping N nodes takes one grace period, not N.
     */
    public static void stopAll(Collection<NodeProcess> nodes, Duration grace) {
        List<Process> running = new ArrayList<>();
        for (NodeProcess n : nodes) {
            synchronized (n) {
                if (n.process != null) running.add(n.process);
            }
        }
        for (Process p : running) p.destroy();
        long deadlineNanos = System.nanoTime() + grace.toNanos();
        try {
            for (Process p : running) {
                long leftNanos = Math.max(0, deadlineNanos - System.nanoTime());
                if (!p.waitFor(leftNanos, TimeUnit.NANOSECONDS)) p.destroyForcibly();
            }
            for (Process p : running) p.waitFor(KILL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            for (Process p : running) p.destroyForcibly();
        }
    }

    /** The exit code once the process ended within {@code timeout}; null if it still runs. */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        Process p;
        synchronized (this) {
            p = started();
        }
        return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? p.exitValue() : null;
    }

    /** The whole log, every start included; empty if there is none yet. */
    public String log() throws IOException {
        return Files.exists(spec.logFile()) ? Files.readString(spec.logFile(), StandardCharsets.UTF_8) : "";
    }

    /** The last {@code maxLines} lines of the log, for failure messages; never throws. */
    public String logTail(int maxLines) {
        try {
            if (!Files.exists(spec.logFile())) return "(no log)";
            List<String> lines = Files.readAllLines(spec.logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Below Linux's ephemeral range (32768-60999), so no outgoing connection takes a chosen port. */
    static final int FIRST_PORT = 20_000;
    static final int PORT_SPAN = 12_000;

    /**
     * Distinct ports free on loopback right now, chosen below the kernel's ephemeral range: a
     * port the kernel handed out (port 0) can be taken by any outgoing connection's local end
     * before the node binds it. Candidates start at a random offset, so concurrent JVMs rarely
     * probe the same ones; they are held open together until all are chosen. Another process
     * could still take one before a node binds it, which shows as a clear bind failure.
     */
    public static int[] freePorts(int count) throws IOException {
        if (count < 1 || count > 100) throw new IllegalArgumentException("1 to 100 ports, not " + count);
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            int offset = java.util.concurrent.ThreadLocalRandom.current().nextInt(PORT_SPAN);
            for (int tried = 0, found = 0; found < count; tried++) {
                if (tried == PORT_SPAN) throw new IOException("no free loopback port in [" + FIRST_PORT + ", "
                        + (FIRST_PORT + PORT_SPAN) + ")");
                int port = FIRST_PORT + (offset + tried) % PORT_SPAN;
                try {
                    ServerSocket s = new ServerSocket();
                    sockets.add(s);
                    s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                    ports[found++] = port;
                } catch (IOException inUse) {
                    // Taken: try the next one.
                }
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
    }

    private Process started() {
        if (process == null) throw new IllegalStateException("node " + nodeId() + " was never started");
        return process;
    }

    private String logSince(long offset) throws IOException {
        if (!Files.exists(spec.logFile())) return "";
        byte[] all = Files.readAllBytes(spec.logFile());
        if (all.length <= offset) return "";
        return new String(all, (int) offset, all.length - (int) offset, StandardCharsets.UTF_8);
    }
}
