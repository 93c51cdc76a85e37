package io.conclave.tests.jepsen;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs the composed nemeses on one thread: a quiet interval, a fault from a nemesis chosen at
 * random, its duration, its heal, again, until the fault phase ends or {@link #MAX_FAULTS}.
 *
 * <p>Without overlap one fault is active at a time, so a majority of nodes is up and connected
 * between faults. With overlap, while one fault is active a second (of another nemesis) may start
 * before it ends, half the time, after a gap drawn within the first's remaining duration; it is
 * injected only if {@link ClusterFaults#claim} admits it (the two together leave a majority up and
 * connected and do not act on the same node held down), otherwise the schedule goes on as without
 * overlap. Each fault is healed at its own time, so two overlapping faults end in either order;
 * whatever is active when the phase ends (or the run stops the schedule) is healed last started,
 * first healed, so a heal never needs a node a later fault still holds. No fault outlives the
 * phase. A failure of the schedule itself (a node that does not come back) is kept for the run to
 * report, never thrown on the thread.
 */
final class NemesisSchedule implements Runnable {
    static final long MIN_QUIET_MILLIS = 1_000;
    static final long MAX_QUIET_MILLIS = 4_000;
    static final long MIN_FAULT_MILLIS = 1_000;
    static final long MAX_FAULT_MILLIS = 6_000;
    /** A bound on one run's faults, whatever its length. */
    static final int MAX_FAULTS = 10_000;
    /** Faults active at once with overlap: two are what a 3- or 5-node cluster can take and still serve. */
    static final int MAX_ACTIVE = 2;

    private final List<Nemesis> nemeses;
    private final ClusterFaults cluster;
    private final SplittableRandom random;
    private final EventLog log;
    private final long endNanos;
    private final boolean overlap;
    /** The schedule thread's only; oldest first. */
    private final List<Active> active = new ArrayList<>();
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile int faults;
    private volatile int overlapped;

    private record Active(Nemesis nemesis, Nemesis.Fault fault, long healAtNanos) {}

    NemesisSchedule(List<Nemesis> nemeses, ClusterFaults cluster, SplittableRandom random, EventLog log, long endNanos,
            boolean overlap) {
        this.nemeses = List.copyOf(nemeses);
        this.cluster = cluster;
        this.random = random;
        this.log = log;
        this.endNanos = endNanos;
        this.overlap = overlap;
    }

    @Override
    public void run() {
        if (nemeses.isEmpty()) return;
        try {
            try {
                loop();
            } finally {
                // The heals always run, even when asked to stop: no fault outlives the phase.
                healAllActive();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
            log.point("run", "nemesis schedule failed: " + e);
        }
    }

    private void loop() throws Exception {
        while (faults < MAX_FAULTS && !stopping) {
            long quiet = random.nextLong(MIN_QUIET_MILLIS, MAX_QUIET_MILLIS + 1);
            long duration = random.nextLong(MIN_FAULT_MILLIS, MAX_FAULT_MILLIS + 1);
            boolean second = overlap && active.size() == 1 && active.size() < MAX_ACTIVE && random.nextBoolean();
            if (second) {
                long remaining = active.get(0).healAtNanos() - System.nanoTime();
                long gap = remaining > 1_000_000 ? random.nextLong(remaining) / 1_000_000 : 0;
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(gap + duration) > endNanos) second = false;
                else if (waitFor(gap)) break;
                // The first may have been healed late (a restart takes seconds): then no overlap.
                if (active.size() != 1) second = false;
            }
            if (!second) {
                if (waitForAllHealed()) break;
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quiet + duration) > endNanos) break;
                if (waitFor(quiet)) break;
            }
            Nemesis nemesis = nemeses.get(random.nextInt(nemeses.size()));
            if (second && active.get(0).nemesis() == nemesis) continue; // one fault per nemesis at a time
            Nemesis.Fault fault = nemesis.inject(cluster, random, log);
            if (fault == null) continue; // refused: it would have left no majority
            faults++;
            // A move's slot holds nothing: only a fault started while another does counts.
            if (second && active.get(0).fault() != Nemesis.NOTHING) overlapped++;
            active.add(new Active(nemesis, fault, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(duration)));
        }
    }

    void stop() {
        stopping = true;
    }

    int faults() {
        return faults;
    }

    /** Faults that started while another was active. */
    int overlapped() {
        return overlapped;
    }

    Throwable failure() {
        return failure;
    }

    /** Heals the active faults whose time has come, in the order they are due. */
    private void healDue() throws Exception {
        while (true) {
            Active next = null;
            for (Active a : active) {
                if (a.healAtNanos() <= System.nanoTime() && (next == null || a.healAtNanos() < next.healAtNanos())) next = a;
            }
            if (next == null) return;
            active.remove(next);
            next.fault().heal();
        }
    }

    /** Last started, first healed. */
    private void healAllActive() throws Exception {
        while (!active.isEmpty()) active.remove(active.size() - 1).fault().heal();
    }

    /** Waits for every active fault's heal; true if asked to stop meanwhile. */
    private boolean waitForAllHealed() throws Exception {
        while (!active.isEmpty()) {
            long last = 0;
            for (Active a : active) last = Math.max(last, a.healAtNanos());
            if (waitFor(Math.max(0, (last - System.nanoTime()) / 1_000_000))) return true;
        }
        return stopping;
    }

    /** Sleeps in small steps, healing what falls due; true if asked to stop meanwhile. */
    private boolean waitFor(long millis) throws Exception {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            healDue();
            if (stopping) return true;
            if (System.nanoTime() >= until) return false;
            TimeUnit.MILLISECONDS.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
    }
}
