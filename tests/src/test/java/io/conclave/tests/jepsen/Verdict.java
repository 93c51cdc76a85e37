package io.conclave.tests.jepsen;

/**
 * A checker's conclusion about one history.
 *
 * @param outcome VALID, INVALID (an anomaly: the run fails) or UNKNOWN (the checker's bound was
 *     hit: nothing proven either way, reported and not counted as an anomaly)
 * @param summary one line for the log and the results table
 * @param detail the checker's full report
 */
record Verdict(Outcome outcome, String summary, String detail) {
    enum Outcome { VALID, INVALID, UNKNOWN }

    boolean anomaly() {
        return outcome == Outcome.INVALID;
    }

    static Verdict of(boolean valid, String summary, String detail) {
        return new Verdict(valid ? Outcome.VALID : Outcome.INVALID, summary, detail);
    }
}
