package io.conclave.range.multiraft;

import io.conclave.range.rpc.RaftBatch;
import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * The Raft network of {@link RangeSim}: every batch a scheduler sends waits in one queue for a
 * seeded delay (so batches overtake each other), and may be dropped or delivered twice. A cut
 * between two nodes drops what either sends to the other, both when it is sent and when it
 * would arrive. Deterministic: the order of delivery depends only on the seed and the sends.
 */
final class RangeSimNetwork {
    /** Bounds the queue: a run that floods it fails loudly instead of exhausting the heap. */
    static final int MAX_IN_FLIGHT = 200_000;

    /**
     * @param dropPercent batches lost, out of 100
     * @param duplicatePercent batches delivered twice (the copy with its own delay)
     * @param slowPercent batches delayed up to {@code slowDelayNanos} instead of {@code delayNanos}:
     *     these are the ones that arrive after batches sent later
     */
    record Faults(int dropPercent, int duplicatePercent, int slowPercent, long delayNanos, long slowDelayNanos) {
        Faults {
            Invariants.check(dropPercent >= 0 && dropPercent < 50 && duplicatePercent >= 0 && duplicatePercent < 50
                    && slowPercent >= 0 && slowPercent <= 100, "bad fault percentages %s %s %s", dropPercent,
                    duplicatePercent, slowPercent);
            Invariants.check(delayNanos > 0 && slowDelayNanos >= delayNanos, "bad delays %s %s", delayNanos,
                    slowDelayNanos);
        }
    }

    private record InFlight(long deliverAtNanos, long sequence, long from, long to, RaftBatch batch) {}

    private final SplittableRandom random;
    private Faults faults;
    private final PriorityQueue<InFlight> queue = new PriorityQueue<>((a, b) -> {
        int byTime = Long.compare(a.deliverAtNanos, b.deliverAtNanos);
        return byTime != 0 ? byTime : Long.compare(a.sequence, b.sequence);
    });
    /** Cut pairs, each as {@code min * 1_000 + max}. */
    private final Set<Long> cuts = new HashSet<>();
    private long sequence;
    private long nowNanos;
    long sent;
    long dropped;
    long duplicated;
    long delivered;

    RangeSimNetwork(SplittableRandom random, Faults faults) {
        this.random = random;
        this.faults = faults;
    }

    /** The network as node {@code self}'s scheduler sees it. */
    Scheduler.PeerNetwork endpoint(long self) {
        return new Scheduler.PeerNetwork() {
            @Override
            public void send(long nodeId, RaftBatch batch) {
                RangeSimNetwork.this.send(self, nodeId, batch);
            }

            @Override
            public String addressOf(long nodeId) {
                return null; // clients of the simulation follow node ids, not addresses
            }

            @Override
            public void learnAddress(long nodeId, String hostPort) {}
        };
    }

    void setNow(long nanos) {
        nowNanos = nanos;
    }

    private void send(long from, long to, RaftBatch batch) {
        sent++;
        if (isCut(from, to) || random.nextInt(100) < faults.dropPercent()) {
            dropped++;
            return;
        }
        enqueue(from, to, batch);
        if (random.nextInt(100) < faults.duplicatePercent()) {
            duplicated++;
            enqueue(from, to, batch);
        }
    }

    private void enqueue(long from, long to, RaftBatch batch) {
        Invariants.check(queue.size() < MAX_IN_FLIGHT, "simulated network holds %s batches, the limit", MAX_IN_FLIGHT);
        long bound = random.nextInt(100) < faults.slowPercent() ? faults.slowDelayNanos() : faults.delayNanos();
        long delay = 1 + random.nextLong(bound);
        queue.add(new InFlight(nowNanos + delay, sequence++, from, to, batch));
    }

    /** Hands every batch due by now to its destination's scheduler, if that node is up and not cut off. */
    void deliverDue(LongFunction<Scheduler> liveScheduler) {
        while (!queue.isEmpty() && queue.peek().deliverAtNanos <= nowNanos) {
            InFlight m = queue.poll();
            Scheduler to = liveScheduler.apply(m.to);
            if (to == null || isCut(m.from, m.to)) {
                dropped++;
                continue;
            }
            delivered++;
            to.receiveRaft(m.from, m.batch);
        }
    }

    /** No more drops or duplicates from now on (delays and reordering stay). */
    void calm() {
        faults = new Faults(0, 0, faults.slowPercent(), faults.delayNanos(), faults.slowDelayNanos());
    }

    void cut(long a, long b) {
        if (a != b) cuts.add(pair(a, b));
    }

    void healAll() {
        cuts.clear();
    }

    boolean isCut(long a, long b) {
        return cuts.contains(pair(a, b));
    }

    boolean partitioned() {
        return !cuts.isEmpty();
    }

    private static long pair(long a, long b) {
        return Math.min(a, b) * 1_000 + Math.max(a, b);
    }
}
