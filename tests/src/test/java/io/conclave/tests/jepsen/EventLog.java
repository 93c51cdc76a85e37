package io.conclave.tests.jepsen;

import java.util.ArrayList;
import java.util.List;

/**
 * The nemesis events of one run, each with its time since the run started: printed as they
 * happen, written to the results folder, drawn on the timeline. A fault is two events with the
 * same id (its start and its end); a momentary action (a lease transfer, a split) is one.
 */
final class EventLog {
    /** Events one run may log; a runaway schedule fails clearly instead of filling the heap. */
    static final int MAX_EVENTS = 100_000;

    enum Phase { START, END, POINT }

    /**
     * @param atNanos {@link System#nanoTime} when it happened
     * @param nemesis which nemesis (kill, stop, pause, partition, clock, moves, or "run")
     * @param phase start or end of a fault, or a momentary action
     * @param faultId pairs a start with its end; 0 for a point
     */
    record Event(long atNanos, String nemesis, Phase phase, long faultId, String what) {}

    private final long startNanos;
    private final String label;
    // Guarded by this.
    private final List<Event> events = new ArrayList<>();
    private long nextFaultId = 1;

    EventLog(long startNanos, String label) {
        this.startNanos = startNanos;
        this.label = label;
    }

    long startNanos() {
        return startNanos;
    }

    /** Logs the start of a fault and returns its id, for {@link #end}. */
    synchronized long start(String nemesis, String what) {
        long id = nextFaultId++;
        add(new Event(System.nanoTime(), nemesis, Phase.START, id, what));
        return id;
    }

    synchronized void end(String nemesis, long faultId, String what) {
        add(new Event(System.nanoTime(), nemesis, Phase.END, faultId, what));
    }

    synchronized void point(String nemesis, String what) {
        add(new Event(System.nanoTime(), nemesis, Phase.POINT, 0, what));
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** One line per event: {@code   1234 ms  kill      start  kill -9 node 2 (pid 123)}. */
    synchronized String text() {
        StringBuilder out = new StringBuilder();
        for (Event e : events) out.append(line(e)).append('\n');
        return out.toString();
    }

    private void add(Event e) {
        if (events.size() >= MAX_EVENTS) throw new IllegalStateException("more than " + MAX_EVENTS + " nemesis events");
        events.add(e);
        System.out.println("[" + label + "] " + line(e));
    }

    private String line(Event e) {
        return String.format("%7d ms  %-9s %-5s %s", (e.atNanos() - startNanos) / 1_000_000, e.nemesis(),
                e.phase().name().toLowerCase(java.util.Locale.ROOT), e.what());
    }
}
