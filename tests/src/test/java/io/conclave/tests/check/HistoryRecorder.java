package io.conclave.tests.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Records a history while a test runs: harness threads call {@link #invoke} before sending a
 * request and {@link #ok}, {@link #fail} or {@link #info} after its answer (or its absence).
 *
 * <p>This is the package's only concurrent class. One lock orders every event, so the recorded
 * order is a real-time order: an event recorded after another really happened after it. (The
 * lock is held only to append to a list; it adds no ordering the system under test could rely
 * on, since the calls themselves run outside it.) The clock is injected: the harness passes
 * {@code System::nanoTime}, a test a counter.
 */
public final class HistoryRecorder {
    /** Events one recorder accepts; a runaway test fails with a clear error instead of filling the heap. */
    public static final int MAX_OPS = 2_000_000;

    private final LongSupplier nanoClock;

    // Guarded by this.
    private final List<Op> opsLocked = new ArrayList<>();
    private final Map<Integer, Handle> outstandingLocked = new HashMap<>();

    public HistoryRecorder(LongSupplier nanoClock) {
        Checks.check(nanoClock != null, "a recorder needs a clock");
        this.nanoClock = nanoClock;
    }

    /** An operation in flight, to be completed exactly once. */
    public static final class Handle {
        private final HistoryRecorder owner;
        private final Op invocation;

        private Handle(HistoryRecorder owner, Op invocation) {
            this.owner = owner;
            this.invocation = invocation;
        }

        public int process() {
            return invocation.process();
        }

        @Override
        public String toString() {
            return "Handle" + invocation;
        }
    }

    /**
     * Records that {@code process} invokes {@code f} with {@code value}.
     *
     * @throws IllegalStateException if the process still has an operation outstanding
     */
    public synchronized Handle invoke(int process, String f, Object value) {
        Handle open = outstandingLocked.get(process);
        if (open != null) {
            throw new IllegalStateException("process " + process + " invoked " + f + " while " + open.invocation
                    + " is still outstanding; a process runs one operation at a time");
        }
        Handle handle = new Handle(this, appendLocked(process, Op.Type.INVOKE, f, value, null));
        outstandingLocked.put(process, handle);
        return handle;
    }

    /** The operation took effect; {@code value} is its result (for a read, what it read). */
    public synchronized void ok(Handle handle, Object value) {
        completeLocked(handle, Op.Type.OK, value, null);
    }

    /**
     * The operation took effect and has no result beyond its argument (a write, an add, a
     * transfer): the completion repeats the invocation's value, as checkers expect.
     */
    public synchronized void ok(Handle handle) {
        completeLocked(handle, Op.Type.OK, argumentOf(handle), null);
    }

    /** The operation certainly did not take effect. */
    public synchronized void fail(Handle handle, Object error) {
        completeLocked(handle, Op.Type.FAIL, argumentOf(handle), describe(error));
    }

    /** The outcome is unknown (timeout, lost connection): it may take effect at any later time, or never. */
    public synchronized void info(Handle handle, Object error) {
        completeLocked(handle, Op.Type.INFO, argumentOf(handle), describe(error));
    }

    /** The events so far, in real-time order. Outstanding calls count as INFO in the result's calls. */
    public synchronized History history() {
        return History.of(opsLocked);
    }

    private static Object argumentOf(Handle handle) {
        return handle == null ? null : handle.invocation.value(); // a null handle is refused just after
    }

    private static String describe(Object error) {
        if (error == null) return null;
        if (error instanceof Throwable t) {
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        }
        return error.toString();
    }

    private void completeLocked(Handle handle, Op.Type type, Object value, String error) {
        if (handle == null || handle.owner != this) {
            throw new IllegalArgumentException("handle " + handle + " was not issued by this recorder");
        }
        if (outstandingLocked.get(handle.process()) != handle) {
            throw new IllegalStateException(handle.invocation + " was already completed");
        }
        outstandingLocked.remove(handle.process());
        appendLocked(handle.process(), type, handle.invocation.f(), value, error);
    }

    private Op appendLocked(int process, Op.Type type, String f, Object value, String error) {
        if (opsLocked.size() >= MAX_OPS) {
            throw new IllegalStateException("history recorder is full (" + MAX_OPS + " ops); shorten the test");
        }
        Op op = new Op(opsLocked.size(), process, type, f, value, error, nanoClock.getAsLong());
        opsLocked.add(op);
        return op;
    }
}
