package io.conclave.tests.sim;

import java.util.ArrayDeque;

/**
 * The last events of a run, kept in a bounded ring so that a failing seed can show what led to
 * the failure without the cost of logging every run in full.
 */
final class SimTrace {
    private final int capacity;
    private final ArrayDeque<String> lines;
    private long step;

    SimTrace(int capacity) {
        SimCheck.check(capacity > 0, "trace capacity must be positive, was %d", capacity);
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    void setStep(long step) {
        this.step = step;
    }

    void add(String line) {
        if (lines.size() == capacity) lines.removeFirst();
        lines.addLast("[" + step + "] " + line);
    }

    String dump() {
        return String.join("\n", lines);
    }
}
