package io.conclave.tests.jepsen;

import io.conclave.node.launch.NodeProcess;
import io.conclave.tests.ranges.RangeTestCluster;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The fixed-schedule nemeses of the range and transaction process tests (a lease test's, the
 * transaction bank's) share this; the composable ones of this package are {@link Nemesis}. What
 * it holds: one thread of faults on a seeded schedule
 * against a {@link RangeTestCluster}, a kill -9 and restart of a node on its store, counts of
 * kills and lease transfers, the first failure, and a log of events timed from the start of the
 * load (an {@link EventLog}: printed as they happen, and returned for a failure message). The schedule of faults, and
 * what a lease transfer aims at, is the subclass's.
 *
 * <p>A failure of the fault thread itself (a node that does not come back, say) is kept, not
 * thrown: the test reads {@link #failure()} after joining the thread and fails with the events.
 */
public abstract class FaultInjector implements Runnable {
    protected final RangeTestCluster cluster;
    protected final SplittableRandom random;
    protected final long startNanos;
    protected final long endNanos;
    private final String label;
    private final EventLog log;
    private volatile int kills;
    private volatile int transfers;
    private volatile Throwable failure;

    /**
     * @param label the prefix of the printed event lines
     * @param startNanos when the load started ({@link System#nanoTime}), the origin of event times
     * @param endNanos when the faults must be over
     */
    protected FaultInjector(String label, RangeTestCluster cluster, SplittableRandom random, long startNanos,
            long endNanos) {
        if (endNanos < startNanos) throw new IllegalArgumentException("the fault phase ends before it starts");
        this.label = label;
        this.log = new EventLog(startNanos, label);
        this.cluster = cluster;
        this.random = random;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
    }

    /** Injects faults until the schedule or the fault phase ends. */
    protected abstract void injectFaults() throws Exception;

    @Override
    public final void run() {
        try {
            injectFaults();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
            event("nemesis failed: " + e);
        }
    }

    /** kill -9 of {@code node}, a pause drawn from [minDownMillis, maxDownMillis], then its restart on its store. */
    protected final void killAndRestart(long node, long minDownMillis, long maxDownMillis) throws Exception {
        NodeProcess n = cluster.node(node);
        event("kill -9 node " + node + " (pid " + n.pid() + ")");
        cluster.kill(node);
        kills++;
        TimeUnit.MILLISECONDS.sleep(random.nextLong(minDownMillis, maxDownMillis + 1));
        event("restart node " + node);
        cluster.restart(node);
        event("node " + node + " ready (pid " + n.pid() + ")");
    }

    /** Counts a lease transfer the cluster accepted. */
    protected final void transferred() {
        transfers++;
    }

    protected final long millisSinceStart() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    protected final void event(String what) {
        log.point("fault", what);
    }

    public final int kills() {
        return kills;
    }

    public final int transfers() {
        return transfers;
    }

    public final Throwable failure() {
        return failure;
    }

    /** The events so far, one line each. */
    public final List<String> events() {
        return log.text().lines().toList();
    }
}
