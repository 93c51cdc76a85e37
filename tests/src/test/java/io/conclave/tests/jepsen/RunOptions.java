package io.conclave.tests.jepsen;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One run: which workload, which nemeses, how long the load runs, from which seed, on how many
 * nodes, and where the results go. Validated here, each limit with its reason.
 *
 * @param workload bank, register, list-append or set
 * @param nemeses comma-separated: kill, pause, partition, clock, moves (or all, none)
 * @param time how long the load runs under faults
 * @param seed the nemesis schedule's and the workers' choices
 * @param nodes node processes: 3 or 5 (each a JVM on a shared machine)
 * @param workers client threads
 * @param resultsDir where the history, verdict, events and timeline are written
 * @param overlap whether a second fault may start while one is active ({@link NemesisSchedule})
 */
record RunOptions(String workload, String nemeses, Duration time, long seed, int nodes, int workers, Path resultsDir,
        boolean overlap) {
    /** Beyond this a run belongs on a dedicated machine, not here. */
    static final Duration MAX_TIME = Duration.ofHours(2);
    /** Time for the cluster to settle after every fault is healed, before the final reads. */
    static final Duration QUIET_AFTER = Duration.ofSeconds(5);
    /** Time allowed for the final reads once everything is healed (leases expire, elections end). */
    static final Duration FINAL_READ_TIME = Duration.ofSeconds(60);
    static final int MAX_WORKERS = 32;

    RunOptions {
        Workload.named(workload); // an unknown name fails here, with the known ones
        if (time.isNegative() || time.isZero() || time.compareTo(MAX_TIME) > 0) {
            throw new IllegalArgumentException("--time must be in (0, " + MAX_TIME + "], was " + time);
        }
        if (nodes != 3 && nodes != 5) throw new IllegalArgumentException("--nodes must be 3 or 5, was " + nodes);
        if (workers < 1 || workers > MAX_WORKERS) {
            throw new IllegalArgumentException("workers must be in [1, " + MAX_WORKERS + "], was " + workers);
        }
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, or a bare number of seconds. */
    static Duration parseTime(String text) {
        String t = text.strip();
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            if (t.endsWith("m")) return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            if (t.endsWith("h")) return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 90s, 10m or 1h");
        }
    }

    /** The command that runs this schedule again (the choices replay; a real cluster's timing does not). */
    String replayCommand() {
        return "tests/run-nemesis.sh --workload " + workload + " --nemesis " + nemeses + " --time "
                + time.toSeconds() + "s --seed " + seed + " --nodes " + nodes + " --workers " + workers
                + (overlap ? " --overlap" : "");
    }

    String label() {
        return workload + "-" + nemeses.replace(',', '+') + (overlap ? "-overlap" : "") + "-" + seed;
    }
}
