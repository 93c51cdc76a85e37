package io.conclave.clock;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A physical clock that moves only when told to: for tests and simulation.
 *
 * <p>Thread-safe. Listeners (a {@link ManualScheduler}, for one) run on the thread that moved
 * the clock, after the move, so timers fire exactly when the clock reaches their deadline.
 */
public final class ManualClock implements PhysicalClock {
    private final AtomicLong nowNanos;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    public ManualClock(long startNanos) {
        this.nowNanos = new AtomicLong(startNanos);
    }

    @Override
    public long nowNanos() {
        return nowNanos.get();
    }

    /** Sets the reading, forwards or backwards (a backward step models an NTP correction). */
    public void set(long nanos) {
        nowNanos.set(nanos);
        notifyListeners();
    }

    /** Moves the reading by {@code deltaNanos}, which may be negative; returns the new reading. */
    public long advance(long deltaNanos) {
        long now = nowNanos.addAndGet(deltaNanos);
        notifyListeners();
        return now;
    }

    /** Registers a callback run after every {@link #set} or {@link #advance}. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    private void notifyListeners() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }

    @Override
    public String toString() {
        return "ManualClock(" + nowNanos.get() + ")";
    }
}
