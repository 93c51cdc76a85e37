package io.conclave.tests.sim;

import io.conclave.raft.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A simulated network between the replicas of one group, in logical steps. Each message gets a
 * random delay, so messages overtake one another (reordering); it may be dropped or duplicated;
 * and a partition map cuts links between groups of nodes. A partition is checked both when a
 * message is sent and when it would arrive, so a message in flight when a link is cut is lost.
 *
 * <p>Everything here is decided by one seeded random source and a sequence number that breaks
 * ties between messages due at the same step, so a run is a function of its seed.
 */
final class SimNetwork {
    /** Why a message did not reach its destination; the driver reports some of these to Raft. */
    enum Loss {
        DROPPED,
        PARTITIONED,
        CONGESTED
    }

    /**
     * Settings of the faults; all probabilities are in parts per thousand. A few messages are
     * held back for up to {@code longDelayStepsMax} steps, so that messages of long-gone terms
     * and stale snapshots still arrive now and then.
     */
    record Faults(int dropPerMille, int duplicatePerMille, int delayStepsMax, int longDelayPerMille,
            int longDelayStepsMax) {
        Faults {
            SimCheck.check(dropPerMille >= 0 && dropPerMille <= 1000, "dropPerMille %d outside [0, 1000]",
                    dropPerMille);
            SimCheck.check(duplicatePerMille >= 0 && duplicatePerMille <= 1000,
                    "duplicatePerMille %d outside [0, 1000]", duplicatePerMille);
            SimCheck.check(delayStepsMax >= 1, "delayStepsMax must be at least 1, was %d", delayStepsMax);
            SimCheck.check(longDelayPerMille >= 0 && longDelayPerMille <= 1000,
                    "longDelayPerMille %d outside [0, 1000]", longDelayPerMille);
            SimCheck.check(longDelayStepsMax >= delayStepsMax, "longDelayStepsMax %d below delayStepsMax %d",
                    longDelayStepsMax, delayStepsMax);
        }

        static final Faults NONE = new Faults(0, 0, 2, 0, 2);
    }

    private record InFlight(long deliverAtStep, long sequence, Message message) {}

    /** Bound on messages in flight; beyond it new ones are lost, like a full send queue. */
    private final int maxInFlight;
    private final SplittableRandom random;
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>((a, b) -> a.deliverAtStep != b.deliverAtStep
            ? Long.compare(a.deliverAtStep, b.deliverAtStep)
            : Long.compare(a.sequence, b.sequence));
    /** Node id to partition group; absent means group 0. Nodes talk only within one group. */
    private final TreeMap<Long, Integer> groupOf = new TreeMap<>();
    private Faults faults;
    private long sequence;
    private long delivered;
    private long lost;

    SimNetwork(SplittableRandom random, Faults faults, int maxInFlight) {
        SimCheck.check(maxInFlight > 0, "maxInFlight must be positive, was %d", maxInFlight);
        this.random = random;
        this.faults = faults;
        this.maxInFlight = maxInFlight;
    }

    void setFaults(Faults faults) {
        this.faults = faults;
    }

    /** Queues a message; returns why it was lost at once, or null if it is in flight. */
    Loss send(Message message, long nowStep) {
        if (!connected(message.from(), message.to())) return lose(Loss.PARTITIONED);
        if (chance(faults.dropPerMille())) return lose(Loss.DROPPED);
        if (inFlight.size() >= maxInFlight) return lose(Loss.CONGESTED);
        enqueue(message, nowStep);
        if (chance(faults.duplicatePerMille()) && inFlight.size() < maxInFlight) enqueue(message, nowStep);
        return null;
    }

    /** A message that arrives at {@code step}, or that was lost on the way. */
    record Arrival(Message message, Loss loss) {}

    /** Removes and returns every message due by {@code nowStep}, in delivery order. */
    List<Arrival> due(long nowStep) {
        List<Arrival> arrivals = new ArrayList<>();
        while (!inFlight.isEmpty() && inFlight.peek().deliverAtStep <= nowStep) {
            Message message = inFlight.poll().message;
            boolean ok = connected(message.from(), message.to());
            if (ok) delivered++;
            else lost++;
            arrivals.add(new Arrival(message, ok ? null : Loss.PARTITIONED));
        }
        return arrivals;
    }

    void isolate(long node) {
        groupOf.clear();
        groupOf.put(node, 1);
    }

    /** Puts {@code side} in one group and everyone else in another. */
    void split(List<Long> side) {
        groupOf.clear();
        for (long node : side) groupOf.put(node, 1);
    }

    /** Reconnects everyone. */
    void heal() {
        groupOf.clear();
    }

    boolean partitioned() {
        return !groupOf.isEmpty();
    }

    boolean connected(long a, long b) {
        return groupOf.getOrDefault(a, 0).equals(groupOf.getOrDefault(b, 0));
    }

    int inFlightCount() {
        return inFlight.size();
    }

    long deliveredCount() {
        return delivered;
    }

    long lostCount() {
        return lost;
    }

    String describePartition() {
        return groupOf.isEmpty() ? "healed" : "cut " + groupOf.keySet() + " from the rest";
    }

    private void enqueue(Message message, long nowStep) {
        int delayMax = chance(faults.longDelayPerMille()) ? faults.longDelayStepsMax() : faults.delayStepsMax();
        long delay = 1 + random.nextInt(delayMax);
        inFlight.add(new InFlight(nowStep + delay, sequence++, message));
    }

    private Loss lose(Loss loss) {
        lost++;
        return loss;
    }

    private boolean chance(int perMille) {
        return perMille > 0 && random.nextInt(1000) < perMille;
    }
}
