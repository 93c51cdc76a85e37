package io.conclave.tests.txn;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Faults, one at a time, on a seeded schedule: every third fault (the first included) a kill -9
 * of a node (the first kill always hits the node every client contacts first, the next ones
 * another node than the last) and its restart after a short outage, otherwise a lease transfer of
 * a random user range to a random node. Never more than one node down, so a majority of every
 * range stays up. Bounded by a count of kills and by the end of the fault phase.
 */
final class TxnNemesis implements Runnable {
    static final long MIN_MILLIS_BETWEEN_FAULTS = 2_500;
    static final long MAX_MILLIS_BETWEEN_FAULTS = 5_000;
    static final long MIN_DOWN_MILLIS = 500;
    static final long MAX_DOWN_MILLIS = 2_500;

    private final TxnCluster cluster;
    private final RangeClient admin;
    private final List<RangeDescriptor> ranges;
    private final SplittableRandom random;
    private final long startNanos;
    private final long endNanos;
    private final int maxKills;
    private final long firstContactNode;
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private volatile int kills;
    private long lastKilled;
    private int faults;
    private volatile int transfers;
    private volatile Throwable failure;

    TxnNemesis(TxnCluster cluster, RangeClient admin, List<RangeDescriptor> ranges, SplittableRandom random,
            long startNanos, long endNanos, int maxKills, long firstContactNode) {
        this.cluster = cluster;
        this.admin = admin;
        this.ranges = List.copyOf(ranges);
        this.random = random;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.maxKills = maxKills;
        this.firstContactNode = firstContactNode;
    }

    @Override
    public void run() {
        try {
            while (true) {
                long pause = random.nextLong(MIN_MILLIS_BETWEEN_FAULTS, MAX_MILLIS_BETWEEN_FAULTS + 1);
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause + MAX_DOWN_MILLIS) > endNanos) break;
                TimeUnit.MILLISECONDS.sleep(pause);
                // Every third fault is a kill (the first one included), so a run of a few faults
                // always has kills as well as lease transfers.
                boolean kill = kills < maxKills && faults++ % 3 == 0;
                if (kill) {
                    killAndRestart(kills == 0 ? firstContactNode : anotherNodeThan(lastKilled));
                } else {
                    transferLease();
                }
            }
        } catch (Throwable e) {
            failure = e;
            event("nemesis failed: " + e);
        }
    }

    /** A node other than {@code node}, so that successive kills hit different nodes. */
    private long anotherNodeThan(long node) {
        List<Long> others = new ArrayList<>(cluster.nodeIds());
        others.remove(node);
        return others.get(random.nextInt(others.size()));
    }

    private void killAndRestart(long node) throws Exception {
        lastKilled = node;
        event("kill -9 node " + node);
        cluster.kill(node);
        kills++;
        TimeUnit.MILLISECONDS.sleep(random.nextLong(MIN_DOWN_MILLIS, MAX_DOWN_MILLIS + 1));
        event("restart node " + node);
        cluster.restart(node);
        event("node " + node + " ready");
    }

    private void transferLease() {
        RangeDescriptor range = ranges.get(random.nextInt(ranges.size()));
        long to = cluster.nodeIds().get(random.nextInt(cluster.nodeIds().size()));
        try {
            admin.transferLease(range.getRangeId(), to);
            transfers++;
            event("lease of range " + range.getRangeId() + " to node " + to);
        } catch (RuntimeException e) {
            // A transfer to the current holder, or during an election, may be refused: not a failure.
            event("lease of range " + range.getRangeId() + " to node " + to + " refused: " + e.getMessage());
        }
    }

    private void event(String what) {
        events.add(TxnTests.millisSince(startNanos) + " ms: " + what);
        System.out.println("[txn nemesis] " + TxnTests.millisSince(startNanos) + " ms: " + what);
    }

    int kills() {
        return kills;
    }

    int transfers() {
        return transfers;
    }

    Throwable failure() {
        return failure;
    }

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }
}
