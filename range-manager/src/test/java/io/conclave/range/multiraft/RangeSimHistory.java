package io.conclave.range.multiraft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the clients of {@link RangeSim} did to each key, in virtual time, and the checks on it.
 * Every key is a register written with values unique to one write; a read (a get, a row or an
 * absent row of a scan, the actual value a conditional put failed on) is an observation.
 *
 * <p>The checks are those of a linearizable register that need no search (every value names its
 * write): an observed value was written by a write that was not known to have failed and that
 * began before the observation ended; and no observation returns a value that a later write,
 * acknowledged before the observation began, had overwritten. Absent counts as the value before
 * every write. Two observations in real-time order must not go back either: the later one may not
 * see a write that precedes (in real time) the write the earlier one saw.
 */
final class RangeSimHistory {
    /** Not known yet or never known: the write may or may not have taken effect. */
    static final long UNKNOWN = Long.MAX_VALUE;

    enum Outcome { PENDING, OK, FAILED, UNKNOWN }

    static final class Write {
        final String value;
        final long invokedNanos;
        long ackedNanos = UNKNOWN;
        Outcome outcome = Outcome.PENDING;

        Write(String value, long invokedNanos) {
            this.value = value;
            this.invokedNanos = invokedNanos;
        }
    }

    /** {@code value} null: the key was absent. */
    record Observation(String value, long invokedNanos, long completedNanos, String what) {}

    private final Map<String, Map<String, Write>> writes = new HashMap<>();
    private final Map<String, List<Observation>> observations = new HashMap<>();
    int writesOk;
    int writesFailed;
    int writesUnknown;
    int observationsChecked;

    Write invokeWrite(String key, String value, long nowNanos) {
        Write w = new Write(value, nowNanos);
        Write previous = writes.computeIfAbsent(key, k -> new HashMap<>()).put(value, w);
        Invariants.check(previous == null, "value %s written twice to %s", value, key);
        return w;
    }

    void complete(Write w, Outcome outcome, long nowNanos) {
        Invariants.check(w.outcome == Outcome.PENDING, "write of %s completed twice", w.value);
        w.outcome = outcome;
        if (outcome == Outcome.OK) {
            w.ackedNanos = nowNanos;
            writesOk++;
        } else if (outcome == Outcome.FAILED) {
            writesFailed++;
        } else {
            writesUnknown++;
        }
    }

    /** Records an observation and checks it against everything known; throws on a violation. */
    void observe(String key, Observation o) {
        observationsChecked++;
        Map<String, Write> byValue = writes.getOrDefault(key, Map.of());
        Write seen = o.value() == null ? null : byValue.get(o.value());
        if (o.value() != null) {
            if (seen == null) fail(key, o, "it was never written");
            if (seen.outcome == Outcome.FAILED) fail(key, o, "its write was answered with a definite failure");
            if (seen.invokedNanos > o.completedNanos()) fail(key, o, "its write began only after the read ended");
        }
        for (Write later : byValue.values()) {
            if (later == seen || later.outcome != Outcome.OK || later.ackedNanos >= o.invokedNanos()) continue;
            if (seen == null || seen.ackedNanos < later.invokedNanos) {
                fail(key, o, "write " + later.value + " [" + later.invokedNanos + ", " + later.ackedNanos
                        + "] overwrote it and was acknowledged before the read began");
            }
        }
        for (Observation earlier : observations.getOrDefault(key, List.of())) {
            if (earlier.completedNanos() >= o.invokedNanos() || earlier.value() == null) continue;
            Write earlierSeen = byValue.get(earlier.value());
            if (seen == null || seen.ackedNanos < earlierSeen.invokedNanos) {
                fail(key, o, "an earlier read (" + earlier + ") already saw " + earlier.value()
                        + ", written after it");
            }
        }
        observations.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
    }

    /** Writes still pending at the end become unknown: the simulation stopped waiting for them. */
    void closePending(long nowNanos) {
        for (Map<String, Write> byValue : writes.values()) {
            for (Write w : byValue.values()) {
                if (w.outcome == Outcome.PENDING) complete(w, Outcome.UNKNOWN, nowNanos);
            }
        }
    }

    private static void fail(String key, Observation o, String why) {
        throw new AssertionError("non-linearizable read of key " + key + ": " + o + " returned "
                + (o.value() == null ? "absent" : o.value()) + ", but " + why);
    }
}
