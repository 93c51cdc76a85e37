package io.conclave.clock;

import java.util.PriorityQueue;

/**
 * A {@link Scheduler} driven by a {@link ManualClock}: a task scheduled with delay {@code d}
 * runs on the thread that moves the clock to {@code now + d} or beyond, and not before. Tests
 * and simulations thereby control exactly when timers fire.
 *
 * <p>Thread-safe. Tasks run outside the lock, in deadline order (then scheduling order).
 */
public final class ManualScheduler implements Scheduler {
    /** Bounds the queue so a runaway test fails loudly instead of exhausting the heap. */
    public static final int MAX_PENDING_TASKS = 100_000;
    /** Bounds one drain so a task that keeps rescheduling itself at delay 0 cannot spin forever. */
    public static final int MAX_TASKS_PER_DRAIN = 100_000;

    private record Pending(long deadlineNanos, long sequence, Runnable task) {}

    private final ManualClock clock;
    // Guarded by this.
    private final PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> {
        int byDeadline = Long.compare(a.deadlineNanos, b.deadlineNanos);
        return byDeadline != 0 ? byDeadline : Long.compare(a.sequence, b.sequence);
    });
    private long nextSequence;
    private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> false);

    public ManualScheduler(ManualClock clock) {
        Invariants.require(clock != null, "clock must not be null");
        this.clock = clock;
        clock.addListener(this::runDue);
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
        Invariants.require(task != null, "task must not be null");
        long deadline = Invariants.saturatedAdd(clock.nowNanos(), Math.max(0, delayNanos));
        synchronized (this) {
            Invariants.check(pending.size() < MAX_PENDING_TASKS,
                    "manual scheduler holds %d tasks, the limit", MAX_PENDING_TASKS);
            pending.add(new Pending(deadline, nextSequence++, task));
        }
        runDue();
    }

    /** How many tasks wait for the clock to reach their deadline. */
    public synchronized int pendingCount() {
        return pending.size();
    }

    /** Runs every task whose deadline the clock has reached. Called on every clock move. */
    public void runDue() {
        if (draining.get()) {
            return; // a task scheduled from inside a task runs in the enclosing drain
        }
        draining.set(true);
        try {
            for (int ran = 0; ; ran++) {
                Invariants.check(ran < MAX_TASKS_PER_DRAIN,
                        "more than %d tasks ran without the clock moving", MAX_TASKS_PER_DRAIN);
                Runnable task = pollDue(clock.nowNanos());
                if (task == null) {
                    return;
                }
                task.run();
            }
        } finally {
            draining.set(false);
        }
    }

    private synchronized Runnable pollDue(long nowNanos) {
        Pending head = pending.peek();
        if (head == null || head.deadlineNanos > nowNanos) {
            return null;
        }
        return pending.poll().task;
    }
}
