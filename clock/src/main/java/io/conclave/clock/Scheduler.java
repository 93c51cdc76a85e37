package io.conclave.clock;

/**
 * Runs a task after a delay. The clock logic never sleeps; it asks a scheduler to call it back.
 * {@link ExecutorScheduler} does it with real threads, {@link ManualScheduler} when a
 * {@link ManualClock} advances.
 */
@FunctionalInterface
public interface Scheduler {
    /** Runs {@code task} once, no earlier than {@code delayNanos} from now (0 or less: as soon as possible). */
    void schedule(Runnable task, long delayNanos);
}
