package io.conclave.clock;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Scheduler} over a {@link ScheduledExecutorService}: the edge where the clock module
 * meets real threads and real waiting. Timers here run on the JVM's monotonic clock, not on the
 * injected physical clock, so a task may fire while the physical clock has not yet reached the
 * caller's target (a step back, NTP slewing); callers recheck their condition when called and
 * schedule again ({@link CommitWaiter} does).
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
    private final ScheduledExecutorService executor;
    private final boolean owned;

    /** Schedules on an executor the caller owns and shuts down. */
    public ExecutorScheduler(ScheduledExecutorService executor) {
        Invariants.require(executor != null, "executor must not be null");
        this.executor = executor;
        this.owned = false;
    }

    private ExecutorScheduler(ScheduledExecutorService executor, boolean owned) {
        this.executor = executor;
        this.owned = owned;
    }

    /** A scheduler with its own single daemon thread named {@code threadName}; {@link #close} stops it. */
    public static ExecutorScheduler singleThreaded(String threadName) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        return new ExecutorScheduler(executor, true);
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
        executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Stops the thread if this scheduler created it; pending tasks are dropped. */
    @Override
    public void close() {
        if (owned) {
            executor.shutdownNow();
        }
    }
}
