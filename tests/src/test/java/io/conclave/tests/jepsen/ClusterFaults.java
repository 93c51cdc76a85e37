package io.conclave.tests.jepsen;

import io.conclave.node.cluster.NodeRpc;
import io.conclave.node.launch.NodeProcess;
import io.conclave.node.rpc.FaultState;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.SetFaults;
import io.conclave.range.Keys;
import io.conclave.range.client.RangeClient;
import io.conclave.tests.ranges.RangeTestCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the nemeses do to a running cluster, in one place: kill -9 (or SIGTERM) and restart, SIGSTOP and
 * SIGCONT by pid, and each node's fault rules (peers cut off, clock step) through the
 * {@code SetFaults} node request. It remembers which nodes are paused and what rules it set, so
 * {@link #healAll} can undo everything at the end of a run whatever the schedule left behind.
 *
 * <p>When faults overlap, each active one holds a {@link Claim}: the nodes it takes out of the
 * connected majority and the nodes it holds down. {@link #claim} refuses a fault that would leave
 * fewer than a majority up and connected, or that would act on a node another fault holds down
 * (a SIGCONT, a restart or a clock-stop wait on it would then belong to two faults). Rules are
 * not pushed to a node that is down (paused: its I/O thread cannot answer; dead: nothing to
 * answer); it gets them when it resumes or restarts, so a partition survives a kill inside it.
 */
final class ClusterFaults {
    /** How long a node may take to answer a fault request; it answers on its I/O thread. */
    static final Duration RULES_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@code kill -STOP/-CONT} may take. */
    static final long SIGNAL_TIMEOUT_SECONDS = 10;
    /** A SIGTERM'd node drains within its --drain-timeout (5 s) and closes; past this it gets SIGKILL. */
    static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** What a node logs when it stops after a fatal error other than its offset guard's (StartCommand). */
    static final String FATAL_STOP = "node stopping after a fatal error";

    private final RangeTestCluster cluster;
    private final RangeClient admin;
    private final long maxOffsetNanos;
    // Guarded by this.
    private final Set<Long> paused = new HashSet<>();
    private final Map<Long, Set<Long>> isolation = new HashMap<>();
    private final Map<Long, Long> clockSteps = new HashMap<>();
    private final List<Claim> claims = new ArrayList<>();

    /**
     * What one active fault holds.
     *
     * @param lost nodes it takes out of the connected majority (down, or on the far side of a cut)
     * @param down nodes it acts on by signal or process (killed, paused, waited on to stop)
     */
    record Claim(Set<Long> lost, Set<Long> down) {
        Claim {
            lost = Set.copyOf(lost);
            down = Set.copyOf(down);
            if (!lost.containsAll(down)) throw new IllegalArgumentException("a node held down is lost too: " + this);
        }
    }

    ClusterFaults(RangeTestCluster cluster, RangeClient admin, long maxOffsetNanos) {
        this.cluster = cluster;
        this.admin = admin;
        this.maxOffsetNanos = maxOffsetNanos;
    }

    List<Long> nodeIds() {
        return cluster.nodeIds();
    }

    RangeClient admin() {
        return admin;
    }

    long maxOffsetNanos() {
        return maxOffsetNanos;
    }

    NodeProcess process(long node) {
        return cluster.node(node);
    }

    boolean isAlive(long node) {
        return cluster.node(node).isAlive();
    }

    /**
     * Admits a fault that would take out {@code lost} and hold {@code down}, or returns null if,
     * with the faults already active, fewer than a majority of nodes would stay up and connected,
     * or if it would act on a node another fault holds down. The caller {@link #release}s it on heal.
     */
    synchronized Claim claim(Set<Long> lost, Set<Long> down) {
        Claim c = new Claim(lost, down);
        if (!admits(nodeIds().size(), claims, c)) return null;
        claims.add(c);
        return c;
    }

    /**
     * The overlap rule: {@code c} may join {@code active} if the nodes none of them takes out are
     * a majority of {@code nodes}, and no node is held down by two. The nodes outside every
     * claim's lost set see each other (each partition's lost set is a side cut from all the rest),
     * so counting them is enough.
     */
    static boolean admits(int nodes, Collection<Claim> active, Claim c) {
        Set<Long> allLost = new HashSet<>(c.lost());
        for (Claim other : active) {
            allLost.addAll(other.lost());
            for (long node : c.down()) {
                if (other.down().contains(node)) return false;
            }
        }
        return nodes - allLost.size() >= nodes / 2 + 1;
    }

    /** The nodes active faults take out, in id order. */
    synchronized List<Long> outNodes() {
        java.util.TreeSet<Long> out = new java.util.TreeSet<>();
        for (Claim c : claims) out.addAll(c.lost());
        return List.copyOf(out);
    }

    /** Whether an active fault takes {@code node} out (down, or cut off from the majority). */
    synchronized boolean isOut(long node) {
        for (Claim c : claims) {
            if (c.lost().contains(node)) return true;
        }
        return false;
    }

    synchronized void release(Claim c) {
        // By identity: two faults may hold equal claims.
        if (!claims.removeIf(x -> x == c)) throw new IllegalStateException("released a fault's claim twice: " + c);
    }

    /** kill -9, waiting for the exit; the node's clock step dies with it, its cuts are kept for its restart. */
    void kill(long node) throws InterruptedException {
        cluster.kill(node);
        forgetProcess(node);
    }

    /** A node's pause and clock step die with its process; its cuts are kept for its restart. */
    private synchronized void forgetProcess(long node) {
        paused.remove(node);
        clockSteps.remove(node);
    }

    /**
     * SIGTERM, waiting for the exit (SIGKILL after {@link #STOP_GRACE}), like {@link #kill} for the
     * rest; returns the drain line the node logged in this run, or what it logged last instead.
     */
    String stop(long node) throws IOException {
        NodeProcess p = cluster.node(node);
        long startNanos = System.nanoTime();
        p.stop(STOP_GRACE);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        forgetProcess(node);
        String log = p.log();
        String thisRun = log.substring(Math.max(0, log.lastIndexOf("---- start #")));
        int at = thisRun.lastIndexOf("drained in ");
        if (at < 0) return "after " + millis + " ms, with no drain line; log tail:\n" + p.logTail(5);
        int end = thisRun.indexOf('\n', at);
        return "after " + millis + " ms; " + thisRun.substring(at, end < 0 ? thisRun.length() : end);
    }

    /** Starts a dead node on its store, waits for its ready line, and gives it the cuts still in force. */
    void restart(long node) throws Exception {
        boolean cut;
        synchronized (this) {
            paused.remove(node);
            clockSteps.remove(node);
            cut = !isolation.getOrDefault(node, Set.of()).isEmpty();
        }
        cluster.restart(node);
        if (cut) pushRules(node);
    }

    void pause(long node) throws IOException, InterruptedException {
        signal(node, "-STOP");
        synchronized (this) {
            paused.add(node);
        }
    }

    /** SIGCONT, then the rules set while it was paused (or the ones it had, again). */
    void resume(long node) throws IOException, InterruptedException {
        signal(node, "-CONT");
        synchronized (this) {
            paused.remove(node);
        }
        pushRules(node);
    }

    /** Cuts {@code a} and {@code b} off from each other, on both sides. */
    void cut(long a, long b) {
        synchronized (this) {
            isolation.computeIfAbsent(a, k -> new HashSet<>()).add(b);
            isolation.computeIfAbsent(b, k -> new HashSet<>()).add(a);
        }
        pushRules(a);
        pushRules(b);
    }

    /** Removes every cut, on every live node that has any. */
    void healPartitions() {
        Set<Long> had;
        synchronized (this) {
            had = new HashSet<>(isolation.keySet());
            isolation.clear();
        }
        for (long node : had) pushRules(node);
    }

    /** Steps {@code node}'s clock to {@code offsetNanos} from the true time (0 undoes the step). */
    void stepClock(long node, long offsetNanos) {
        synchronized (this) {
            clockSteps.put(node, offsetNanos);
        }
        pushRules(node);
    }

    /**
     * Undoes everything: resumes paused nodes, clears every node's rules, restarts dead nodes (killed,
     * or stopped by their offset guard). Returns what it did, for the event log.
     */
    String healAll() throws Exception {
        StringBuilder did = new StringBuilder();
        Set<Long> wasPaused;
        synchronized (this) {
            wasPaused = new HashSet<>(paused);
            // Resumed nodes must not get back cuts the schedule left behind.
            isolation.clear();
            clockSteps.clear();
        }
        for (long node : wasPaused) {
            resume(node);
            did.append("resumed ").append(node).append("; ");
        }
        for (long node : nodeIds()) {
            if (!isAlive(node)) {
                restart(node);
                did.append("restarted ").append(node).append("; ");
            } else {
                pushRules(node);
            }
        }
        return did.length() == 0 ? "nothing to undo" : did.toString();
    }

    /**
     * Sends {@code node} the rules this class holds for it, as one request that replaces its old
     * ones; null, sending nothing, if the node is paused or dead (it gets them on resume or restart).
     */
    FaultState pushRules(long node) {
        SetFaults.Builder rules = SetFaults.newBuilder();
        synchronized (this) {
            if (paused.contains(node) || !isAlive(node)) return null;
            rules.addAllIsolatedFrom(isolation.getOrDefault(node, Set.of()));
            rules.setClockOffsetNanos(clockSteps.getOrDefault(node, 0L));
        }
        return NodeRpc.call(cluster.address(node), NodeRequest.newBuilder().setFaults(rules).build(), RULES_TIMEOUT)
                .getFaults();
    }

    /**
     * Which node processes run and who holds range 1's lease (the liveness records, hence every
     * node's fence), for a failure message: CI keeps the message, not the results folder.
     */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (long node : nodeIds()) {
            NodeProcess p = process(node);
            b.append("node ").append(node).append(p.isAlive() ? " running" : " exited (" + p.exitValue() + ")")
                    .append(", ");
        }
        long holder = leaseholder(Keys.META_RANGE_ID);
        return b.append("range 1's lease: ").append(holder == 0 ? "no answer" : "node " + holder).toString();
    }

    /**
     * The fatal errors the nodes logged (a failed scheduler, an out-of-memory error: anything
     * but the offset guard's stop), one line each. healAll restarts such a node like a killed
     * one, so without this a node's crash would pass for a fault the nemesis made.
     */
    List<String> fatalStops() throws IOException {
        List<String> out = new ArrayList<>();
        for (long node : nodeIds()) {
            for (String line : process(node).log().split("\n")) {
                if (line.contains(FATAL_STOP)) out.add("node " + node + ": " + line.strip());
            }
        }
        return out;
    }

    /** The node holding range {@code rangeId}'s lease, or 0 if none answers. */
    long leaseholder(long rangeId) {
        try {
            return admin.leaseholderStatus(rangeId).getLease().getHolder();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void signal(long node, String signal) throws IOException, InterruptedException {
        long pid = cluster.node(node).pid();
        Process p = new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true).start();
        if (!p.waitFor(SIGNAL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("kill " + signal + " " + pid + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException("kill " + signal + " " + pid + " (node " + node + ") failed: "
                    + new String(p.getInputStream().readAllBytes()).strip());
        }
    }
}
