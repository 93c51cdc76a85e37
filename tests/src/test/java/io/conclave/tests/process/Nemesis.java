package io.conclave.tests.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Kills one node with SIGKILL (half the time the current leader of a group, since a leader's
 * death strands the most in-flight proposals, else a random node), waits, restarts it on the same store and port, and again,
 * from a seeded schedule. At most one node is down at any moment: the next kill waits for the
 * restarted node's ready line. Every action is logged with its time so a failure can be read
 * against the schedule.
 */
final class Nemesis implements Runnable {
    static final long MIN_UP_MILLIS = 1_000;
    static final long MAX_UP_MILLIS = 2_500;
    static final long MIN_DOWN_MILLIS = 300;
    static final long MAX_DOWN_MILLIS = 1_500;

    private final ProcessCluster cluster;
    private final List<Long> victims;
    /** The node currently leading some group, or 0 if unknown; asked at each kill. */
    private final java.util.function.LongSupplier currentLeader;
    private final SplittableRandom random;
    private final long startNanos = System.nanoTime();
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private volatile Throwable failure;
    private volatile int kills;

    Nemesis(ProcessCluster cluster, List<Long> victims, java.util.function.LongSupplier currentLeader, long seed) {
        this.cluster = cluster;
        this.victims = List.copyOf(victims);
        this.currentLeader = currentLeader;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                if (pause(MIN_UP_MILLIS, MAX_UP_MILLIS)) return;
                boolean leader = random.nextBoolean();
                long victim = victims.get(random.nextInt(victims.size()));
                long leaderId = leader ? currentLeader.getAsLong() : 0;
                if (victims.contains(leaderId)) victim = leaderId;
                NodeProcess node = cluster.node(victim);
                log("kill -9 node " + victim + (victim == leaderId ? " (leader)" : "") + " (pid " + node.pid() + ")");
                node.kill();
                kills++;
                pause(MIN_DOWN_MILLIS, MAX_DOWN_MILLIS);
                node.start(ProcessCluster.READY_TIMEOUT);
                log("restarted node " + victim + " (pid " + node.pid() + ")");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
            log("nemesis failed: " + e);
        }
    }

    void stop() {
        stopping = true;
    }

    int kills() {
        return kills;
    }

    Throwable failure() {
        return failure;
    }

    List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Sleeps a random time in [min, max] ms in small steps; returns true if asked to stop meanwhile. */
    private boolean pause(long minMillis, long maxMillis) throws InterruptedException {
        long until = System.nanoTime() + 1_000_000L * random.nextLong(minMillis, maxMillis + 1);
        while (System.nanoTime() < until) {
            if (stopping) return true;
            Thread.sleep(50);
        }
        return stopping;
    }

    private void log(String what) {
        String line = String.format("%6d ms  %s", (System.nanoTime() - startNanos) / 1_000_000, what);
        events.add(line);
        System.out.println("[nemesis] " + line);
    }
}
