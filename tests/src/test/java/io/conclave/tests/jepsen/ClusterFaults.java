package io.conclave.tests.jepsen;

import io.conclave.node.cluster.NodeRpc;
import io.conclave.node.launch.NodeProcess;
import io.conclave.node.rpc.FaultState;
import io.conclave.node.rpc.NodeRequest;
import io.conclave.node.rpc.SetFaults;
import io.conclave.range.client.RangeClient;
import io.conclave.tests.ranges.RangeTestCluster;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What the nemeses do to a running cluster, in one place: kill -9 and restart, SIGSTOP and
 * SIGCONT by pid, and each node's fault rules (peers cut off, clock step) through the
 * {@code SetFaults} node request. It remembers which nodes are paused and what rules it set, so
 * {@link #healAll} can undo everything at the end of a run whatever the schedule left behind.
 */
final class ClusterFaults {
    /** How long a node may take to answer a fault request; it answers on its I/O thread. */
    static final Duration RULES_TIMEOUT = Duration.ofSeconds(5);
    /** How long {@code kill -STOP/-CONT} may take. */
    static final long SIGNAL_TIMEOUT_SECONDS = 10;

    private final RangeTestCluster cluster;
    private final RangeClient admin;
    private final long maxOffsetNanos;
    // Guarded by this.
    private final Set<Long> paused = new HashSet<>();
    private final Map<Long, Set<Long>> isolation = new HashMap<>();
    private final Map<Long, Long> clockSteps = new HashMap<>();

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

    /** kill -9, waiting for the exit; the node's rules die with it. */
    void kill(long node) throws InterruptedException {
        cluster.kill(node);
        forget(node);
    }

    /** Starts a dead node on its store and waits for its ready line. */
    void restart(long node) throws Exception {
        forget(node);
        cluster.restart(node);
    }

    synchronized void forget(long node) {
        paused.remove(node);
        isolation.remove(node);
        clockSteps.remove(node);
    }

    void pause(long node) throws IOException, InterruptedException {
        signal(node, "-STOP");
        synchronized (this) {
            paused.add(node);
        }
    }

    void resume(long node) throws IOException, InterruptedException {
        signal(node, "-CONT");
        synchronized (this) {
            paused.remove(node);
        }
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
        for (long node : had) {
            if (isAlive(node)) pushRules(node);
        }
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
                synchronized (this) {
                    isolation.remove(node);
                    clockSteps.remove(node);
                }
                pushRules(node);
            }
        }
        return did.length() == 0 ? "nothing to undo" : did.toString();
    }

    /** Sends {@code node} the rules this class holds for it, as one request that replaces its old ones. */
    FaultState pushRules(long node) {
        SetFaults.Builder rules = SetFaults.newBuilder();
        synchronized (this) {
            rules.addAllIsolatedFrom(isolation.getOrDefault(node, Set.of()));
            rules.setClockOffsetNanos(clockSteps.getOrDefault(node, 0L));
        }
        return NodeRpc.call(cluster.address(node), NodeRequest.newBuilder().setFaults(rules).build(), RULES_TIMEOUT)
                .getFaults();
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
