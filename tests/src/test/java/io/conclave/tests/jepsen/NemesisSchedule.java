package io.conclave.tests.jepsen;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Runs the composed nemeses on one thread, one fault at a time: a quiet interval, a fault from a
 * nemesis chosen at random, its duration, its heal, again, until the fault phase ends or
 * {@link #MAX_FAULTS}. A majority of nodes is therefore up and connected between faults, and no
 * fault outlives the phase. A failure of the schedule itself (a node that does not come back) is
 * kept for the run to report, never thrown on the thread.
 */
final class NemesisSchedule implements Runnable {
    static final long MIN_QUIET_MILLIS = 1_000;
    static final long MAX_QUIET_MILLIS = 4_000;
    static final long MIN_FAULT_MILLIS = 1_000;
    static final long MAX_FAULT_MILLIS = 6_000;
    /** A bound on one run's faults, whatever its length. */
    static final int MAX_FAULTS = 10_000;

    private final List<Nemesis> nemeses;
    private final ClusterFaults cluster;
    private final SplittableRandom random;
    private final EventLog log;
    private final long endNanos;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile int faults;

    NemesisSchedule(List<Nemesis> nemeses, ClusterFaults cluster, SplittableRandom random, EventLog log, long endNanos) {
        this.nemeses = List.copyOf(nemeses);
        this.cluster = cluster;
        this.random = random;
        this.log = log;
        this.endNanos = endNanos;
    }

    @Override
    public void run() {
        if (nemeses.isEmpty()) return;
        try {
            while (faults < MAX_FAULTS && !stopping) {
                long quiet = random.nextLong(MIN_QUIET_MILLIS, MAX_QUIET_MILLIS + 1);
                long duration = random.nextLong(MIN_FAULT_MILLIS, MAX_FAULT_MILLIS + 1);
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(quiet + duration) > endNanos) break;
                if (sleep(quiet)) break;
                Nemesis nemesis = nemeses.get(random.nextInt(nemeses.size()));
                Nemesis.Fault fault = nemesis.inject(cluster, random, log);
                faults++;
                // The heal always runs, even when asked to stop: no fault outlives the phase.
                sleep(duration);
                fault.heal();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
            log.point("run", "nemesis schedule failed: " + e);
        }
    }

    void stop() {
        stopping = true;
    }

    int faults() {
        return faults;
    }

    Throwable failure() {
        return failure;
    }

    /** Sleeps in small steps; true if asked to stop meanwhile. */
    private boolean sleep(long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < until) {
            if (stopping) return true;
            TimeUnit.MILLISECONDS.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
        }
        return stopping;
    }
}
