package io.conclave.txn.sim;

import io.conclave.clock.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs several blocking "threads" (coordinators, heartbeats, resolvers) one at a time on virtual
 * time, in an order drawn from one seed: each is a real Java thread, but only the one holding
 * the baton runs. A thread gives the baton up at every request it sends ({@link #yieldNow}),
 * every sleep ({@link #sleep}: virtual time only moves when every thread sleeps) and when it
 * ends. Same seed, same interleaving, same result.
 */
final class SimScheduler {
    /** Thrown in a thread the simulation stops (a crashed client, the end of the run). */
    static final class Stop extends Error {
        Stop(String why) {
            super(why, null, false, false);
        }
    }

    private final class SimThread {
        final String name;
        final boolean daemon;
        final Thread thread;
        long wakeAtNanos = -1;
        boolean done;

        SimThread(String name, boolean daemon, Runnable body) {
            this.name = name;
            this.daemon = daemon;
            this.thread = new Thread(() -> {
                lock.lock();
                try {
                    awaitBatonLocked(this);
                } finally {
                    lock.unlock();
                }
                try {
                    body.run();
                } catch (Stop stopped) {
                    // A crash or the end of the run: nothing to report.
                } catch (Throwable t) {
                    fail(name, t);
                } finally {
                    lock.lock();
                    try {
                        done = true;
                        threads.remove(this);
                        passBatonLocked();
                    } finally {
                        lock.unlock();
                    }
                }
            }, "sim-" + name);
            this.thread.setDaemon(true);
        }
    }

    final ManualClock clock;
    private final SplittableRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final List<SimThread> threads = new ArrayList<>();
    private final List<SimThread> runnable = new ArrayList<>();
    private SimThread current;
    private boolean stopping;
    private Throwable failure;
    private String failedThread;
    private final long maxVirtualNanos;

    SimScheduler(long seed, long startNanos, long maxVirtualNanos) {
        this.clock = new ManualClock(startNanos);
        this.random = new SplittableRandom(seed);
        this.maxVirtualNanos = startNanos + maxVirtualNanos;
    }

    long nanoTime() {
        return clock.nowNanos();
    }

    SplittableRandom random() {
        return random;
    }

    /** A new thread, runnable at once; a daemon does not keep the run going (a heartbeat loop). */
    void spawn(String name, boolean daemon, Runnable body) {
        lock.lock();
        try {
            if (stopping) return;
            SimThread t = new SimThread(name, daemon, body);
            threads.add(t);
            runnable.add(t);
            t.thread.start();
        } finally {
            lock.unlock();
        }
    }

    /** Called by the running thread: lets any runnable thread (maybe itself) go next. */
    void yieldNow() {
        lock.lock();
        try {
            SimThread me = self();
            runnable.add(me);
            passBatonLocked();
            awaitBatonLocked(me);
        } finally {
            lock.unlock();
        }
    }

    /** Called by the running thread: wakes it once virtual time reached now + nanos. */
    void sleep(long nanos) {
        lock.lock();
        try {
            SimThread me = self();
            me.wakeAtNanos = clock.nowNanos() + Math.max(0, nanos);
            passBatonLocked();
            awaitBatonLocked(me);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs until every non-daemon thread ended (then stops the daemons), a thread failed, virtual
     * time passed its bound, or {@code realTimeout} of real time passed (a thread blocked outside
     * the simulation). Throws the first failure with the thread's name.
     */
    void run(long realTimeoutMillis) {
        lock.lock();
        try {
            if (current == null) passBatonLocked();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(realTimeoutMillis);
            while (!finishedLocked() && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    failure = new AssertionError("simulation stuck for " + realTimeoutMillis + " ms of real time; "
                            + describeLocked());
                    break;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
            stopping = true;
            changed.signalAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            lock.unlock();
        }
        // Wake the remaining (daemon or stuck) threads so they throw Stop and end.
        lock.lock();
        try {
            for (SimThread t : new ArrayList<>(threads)) t.thread.interrupt();
        } finally {
            lock.unlock();
        }
        if (failure != null) {
            if (failure instanceof AssertionError a && failedThread == null) throw a;
            throw new AssertionError("simulation thread " + failedThread + " failed: " + failure, failure);
        }
    }

    private boolean finishedLocked() {
        for (SimThread t : threads) if (!t.daemon) return false;
        return true;
    }

    private void fail(String name, Throwable t) {
        lock.lock();
        try {
            if (failure == null) {
                failure = t;
                failedThread = name;
            }
            stopping = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private SimThread self() {
        SimThread me = current;
        if (me == null || me.thread != Thread.currentThread()) {
            throw new IllegalStateException("only the running simulation thread may yield or sleep");
        }
        return me;
    }

    /** Picks the next thread: a runnable one at random, else advances time to the first sleeper. */
    private void passBatonLocked() {
        current = null;
        if (stopping || finishedLocked()) {
            changed.signalAll();
            return;
        }
        if (runnable.isEmpty()) {
            long next = Long.MAX_VALUE;
            for (SimThread t : threads) if (t.wakeAtNanos >= 0) next = Math.min(next, t.wakeAtNanos);
            if (next == Long.MAX_VALUE) {
                failure = new AssertionError("deadlock in the simulation: no thread can run; " + describeLocked());
                stopping = true;
                changed.signalAll();
                return;
            }
            if (next > maxVirtualNanos) {
                failure = new AssertionError("virtual time passed its bound; " + describeLocked());
                stopping = true;
                changed.signalAll();
                return;
            }
            if (next > clock.nowNanos()) clock.set(next);
            for (SimThread t : threads) {
                if (t.wakeAtNanos >= 0 && t.wakeAtNanos <= next) {
                    t.wakeAtNanos = -1;
                    runnable.add(t);
                }
            }
        }
        current = runnable.remove(random.nextInt(runnable.size()));
        changed.signalAll();
    }

    private void awaitBatonLocked(SimThread me) {
        while (current != me) {
            if (stopping) throw new Stop("simulation stopped");
            try {
                changed.await();
            } catch (InterruptedException e) {
                if (stopping) throw new Stop("simulation stopped");
            }
        }
        if (stopping) throw new Stop("simulation stopped");
    }

    private String describeLocked() {
        StringBuilder s = new StringBuilder("virtual time ").append(clock.nowNanos()).append(", threads:");
        for (SimThread t : threads) {
            s.append(' ').append(t.name).append(t == current ? "(running)" : t.wakeAtNanos >= 0 ? "(sleeping)" : "(ready)");
        }
        return s.toString();
    }
}
