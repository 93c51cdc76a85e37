package io.conclave.tests.txn;

import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.RangeDescriptor;
import io.conclave.tests.jepsen.FaultInjector;
import io.conclave.tests.ranges.RangeTestCluster;
import java.util.ArrayList;
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
final class TxnNemesis extends FaultInjector {
    static final long MIN_MILLIS_BETWEEN_FAULTS = 2_500;
    static final long MAX_MILLIS_BETWEEN_FAULTS = 5_000;
    static final long MIN_DOWN_MILLIS = 500;
    static final long MAX_DOWN_MILLIS = 2_500;

    private final RangeClient admin;
    private final List<RangeDescriptor> ranges;
    private final int maxKills;
    private final long firstContactNode;
    private long lastKilled;
    private int faults;

    TxnNemesis(RangeTestCluster cluster, RangeClient admin, List<RangeDescriptor> ranges, SplittableRandom random,
            long startNanos, long endNanos, int maxKills, long firstContactNode) {
        super("txn nemesis", cluster, random, startNanos, endNanos);
        this.admin = admin;
        this.ranges = List.copyOf(ranges);
        this.maxKills = maxKills;
        this.firstContactNode = firstContactNode;
    }

    @Override
    protected void injectFaults() throws Exception {
        while (true) {
            long pause = random.nextLong(MIN_MILLIS_BETWEEN_FAULTS, MAX_MILLIS_BETWEEN_FAULTS + 1);
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause + MAX_DOWN_MILLIS) > endNanos) break;
            TimeUnit.MILLISECONDS.sleep(pause);
            // Every third fault is a kill (the first one included), so a run of a few faults
            // always has kills as well as lease transfers.
            boolean kill = kills() < maxKills && faults++ % 3 == 0;
            if (kill) {
                lastKilled = kills() == 0 ? firstContactNode : anotherNodeThan(lastKilled);
                killAndRestart(lastKilled, MIN_DOWN_MILLIS, MAX_DOWN_MILLIS);
            } else {
                transferLease();
            }
        }
    }

    /** A node other than {@code node}, so that successive kills hit different nodes. */
    private long anotherNodeThan(long node) {
        List<Long> others = new ArrayList<>(cluster.nodeIds());
        others.remove(node);
        return others.get(random.nextInt(others.size()));
    }

    private void transferLease() {
        RangeDescriptor range = ranges.get(random.nextInt(ranges.size()));
        long to = cluster.nodeIds().get(random.nextInt(cluster.nodeIds().size()));
        try {
            admin.transferLease(range.getRangeId(), to);
            transferred();
            event("lease of range " + range.getRangeId() + " to node " + to);
        } catch (RuntimeException e) {
            // A transfer to the current holder, or during an election, may be refused: not a failure.
            event("lease of range " + range.getRangeId() + " to node " + to + " refused: " + e.getMessage());
        }
    }
}
