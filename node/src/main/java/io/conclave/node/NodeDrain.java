package io.conclave.node;

import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.PhysicalClock;
import io.conclave.clock.Timestamp;
import io.conclave.node.clocksync.TimestampFence;
import io.conclave.node.cluster.Liveness;
import io.conclave.node.maintenance.MaintenanceLoop;
import io.conclave.range.client.RangeClient;
import io.conclave.range.rpc.GroupStatus;
import io.conclave.range.rpc.NodeLiveness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The first half of a graceful stop: hands this node's work to the others before the process
 * exits, so that stopping a node (a rolling restart) costs the cluster neither its leases' expiry
 * nor a max offset on every commit.
 * <ol>
 *   <li>(Before this class, in {@code Node.drain}: the node's SQL server refuses new sessions
 *       with 57P03, so that clients connect to another node, and ends the open ones with 57P01,
 *       each once no statement runs and no transaction is open, waiting up to a second for
 *       transactions to end.)
 *   <li>The maintenance loop stops: it starts no move of its own.
 *   <li>The fence is withdrawn: the node hands out no timestamp from now on (a new transaction of
 *       its SQL sessions fails with 57P03, which a client retries on another node).
 *   <li>Its liveness record is rewritten to expire now. The allocators give it nothing more, and
 *       a max offset later witness rounds no longer ask it. Without this they would ask a stopped
 *       node and fail, and every commit in the cluster would wait the max offset until the record
 *       expired (9 s by default). Safe only after step 2: a round may skip a node only if it
 *       hands out no timestamp past its record's expiration.
 *   <li>Each lease it holds moves to a voter of its range, spread over them: a live one, else
 *       one that has not registered yet (starting), never one whose record expired. Without this
 *       its ranges would serve nothing until the leases expired (up to 9 s by default).
 *   <li>It waits until witness rounds skip it, also on nodes whose clocks lag by up to the max
 *       offset.
 * </ol>
 * Every step is bounded by one budget, and a failed step is logged and the next one runs: a
 * drain that could not finish leaves the cluster where a kill -9 would, never worse.
 */
final class NodeDrain {
    private static final Logger LOG = Logger.getLogger(NodeDrain.class.getName());

    /** What a drain did, for the log line and for tests. */
    record Result(int leasesHeld, int leasesMoved, boolean livenessWithdrawn, long millis) {
        String describe(long nodeId) {
            return "node " + nodeId + " drained in " + millis + " ms: moved " + leasesMoved + " of its " + leasesHeld
                    + " leases; " + (livenessWithdrawn ? "its liveness record expired"
                            : "its liveness record could not be withdrawn (it expires by itself)");
        }
    }

    private final long nodeId;
    private final PhysicalClock physical;
    private final HybridLogicalClock clock;
    private final long maxOffsetNanos;
    private final RangeClient client;
    private final Liveness liveness;
    private final TimestampFence fence;
    private final MaintenanceLoop maintenance;
    private final Supplier<List<GroupStatus>> localStatus;
    private final int maxNodes;

    NodeDrain(long nodeId, PhysicalClock physical, HybridLogicalClock clock, long maxOffsetNanos, RangeClient client,
            Liveness liveness, TimestampFence fence, MaintenanceLoop maintenance, Supplier<List<GroupStatus>> localStatus,
            int maxNodes) {
        this.nodeId = nodeId;
        this.physical = physical;
        this.clock = clock;
        this.maxOffsetNanos = maxOffsetNanos;
        this.client = client;
        this.liveness = liveness;
        this.fence = fence;
        this.maintenance = maintenance;
        this.localStatus = localStatus;
        this.maxNodes = maxNodes;
    }

    Result run(Duration budget) {
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + budget.toNanos();
        if (maintenance != null) maintenance.close();
        fence.withdraw();
        Optional<Long> expiration = withdrawLiveness(deadlineNanos);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger moved = new AtomicInteger();
        awaitMoves(held, moved, deadlineNanos);
        // A round skips this node once its clock reading passes the expiration plus the max offset;
        // a peer's clock may lag this one's by the max offset.
        expiration.ifPresent(e -> sleepUntilPhysical(e + 2 * maxOffsetNanos, deadlineNanos));
        return new Result(held.get(), moved.get(), expiration.isPresent(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    /**
     * Moves the leases on a thread of its own and waits for it until the deadline: a transfer
     * the cluster cannot answer (a partition) would otherwise hold the stop for the range
     * client's whole deadline. One still running then fails when the node's close closes the
     * client.
     */
    private void awaitMoves(AtomicInteger held, AtomicInteger moved, long deadlineNanos) {
        Thread mover = new Thread(() -> moveLeases(held, moved, deadlineNanos), "conclave-drain-n" + nodeId);
        mover.setDaemon(true);
        mover.start();
        try {
            TimeUnit.NANOSECONDS.timedJoin(mover, Math.max(1, deadlineNanos - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (mover.isAlive()) {
            LOG.warning("node " + nodeId + " stops moving leases: the drain's budget is spent (" + moved.get() + " of "
                    + held.get() + " moved)");
        }
    }

    private Optional<Long> withdrawLiveness(long deadlineNanos) {
        try {
            return Optional.of(liveness.withdraw().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
            LOG.warning("node " + nodeId + " could not withdraw its liveness record: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            LOG.warning("node " + nodeId + " could not withdraw its liveness record within the drain's budget");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private void moveLeases(AtomicInteger heldCount, AtomicInteger moved, long deadlineNanos) {
        Timestamp now = clock.now();
        List<GroupStatus> held = new ArrayList<>();
        for (GroupStatus g : localStatus.get()) {
            if (g.getLease().getHolder() == nodeId && g.getLease().getExpiration().getWallNanos() > now.wallNanos()) {
                held.add(g);
            }
        }
        heldCount.set(held.size());
        if (held.isEmpty()) return;
        Optional<Map<Long, Boolean>> read = othersLiveness(now);
        if (read.isEmpty()) return;
        Map<Long, Boolean> liveness = read.get();
        Map<Long, Integer> given = new HashMap<>();
        for (GroupStatus g : held) {
            if (System.nanoTime() >= deadlineNanos) return;
            // A live node first; else one with no record yet (it is starting: it registers within
            // a heartbeat); never one whose record expired (down, or stopping too).
            Optional<Long> to = g.getVotersList().stream()
                    .filter(v -> v != nodeId && liveness.getOrDefault(v, true))
                    .min(Comparator.<Long, Boolean>comparing(v -> !liveness.containsKey(v))
                            .thenComparingInt(v -> given.getOrDefault(v, 0)).thenComparingLong(v -> v));
            if (to.isEmpty()) {
                LOG.warning("node " + nodeId + " keeps the lease of range " + g.getGroupId() + ": every other voter of "
                        + g.getVotersList() + " has an expired liveness record");
                continue;
            }
            try {
                client.transferLease(g.getGroupId(), to.get());
                given.merge(to.get(), 1, Integer::sum);
                moved.incrementAndGet();
            } catch (RuntimeException e) {
                LOG.warning("node " + nodeId + " could not move the lease of range " + g.getGroupId() + " to node "
                        + to.get() + ": " + e.getMessage());
            }
        }
    }

    /**
     * Whether each other node with a liveness record is live now, read fresh; empty if the read
     * fails (then nothing is known about the targets, and no lease moves).
     */
    private Optional<Map<Long, Boolean>> othersLiveness(Timestamp now) {
        Map<Long, Boolean> out = new HashMap<>();
        try {
            for (Map.Entry<Long, NodeLiveness> e : Liveness.readAll(client, maxNodes).entrySet()) {
                if (e.getKey() != nodeId) out.put(e.getKey(), Liveness.isLive(e.getValue(), now));
            }
            return Optional.of(out);
        } catch (RuntimeException e) {
            LOG.warning("node " + nodeId + " could not read the liveness records, so it moves no lease: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void sleepUntilPhysical(long targetNanos, long deadlineNanos) {
        while (!Thread.currentThread().isInterrupted()) {
            long left = Math.min(targetNanos - physical.nowNanos(), deadlineNanos - System.nanoTime());
            if (left <= 0) return;
            LockSupport.parkNanos(left);
        }
    }
}
