package io.conclave.tests.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link RandomRaftRun} over many seeds. {@code -Dsim.seeds=N} sets how many (default 500),
 * {@code -Dsim.seed=N} runs exactly one, {@code -Dsim.seedBase=N} fixes where the range starts
 * (otherwise it is drawn at random and printed, so each run explores new seeds). A failure names
 * the seed and the command that replays it.
 */
class RaftSimulationTest {
    /** Failing seeds reported in full before the test gives up on the rest of the range. */
    private static final int MAX_FAILURES_REPORTED = 3;

    @Test
    void randomFaultsNeverBreakSafetyAndHealedGroupsMakeProgress() {
        Long single = Long.getLong("sim.seed");
        int count = single != null ? 1 : Integer.getInteger("sim.seeds", 500);
        long base = single != null ? single : Long.getLong("sim.seedBase", freshSeedBase());
        System.out.printf("RaftSimulationTest: %d seed(s) from %d (replay one with -Dsim.seed=N)%n", count, base);
        long started = System.nanoTime();
        long commands = 0, leaderTerms = 0, confChanges = 0, snapshots = 0, reads = 0, restarts = 0, steps = 0,
                commitsLost = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < count && failures.size() < MAX_FAILURES_REPORTED; i++) {
            long seed = base + i;
            RandomRaftRun run = new RandomRaftRun(seed);
            // -Dsim.traceMessages=true: every delivered message goes into the failure trace.
            run.cluster().setTraceAllMessages(Boolean.getBoolean("sim.traceMessages"));
            try {
                RandomRaftRun.Stats stats = run.run();
                commands += stats.commandsApplied();
                leaderTerms += stats.leaderTerms();
                confChanges += stats.confChanges();
                snapshots += stats.snapshotsDelivered();
                reads += stats.readStates();
                restarts += stats.restarts();
                commitsLost += stats.unsyncedCommitsLost();
                steps += stats.steps();
            } catch (RuntimeException | AssertionError e) {
                failures.add(describeFailure(seed, e, run.cluster().trace()));
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("RaftSimulationTest: %d seed(s) in %d ms: %d steps, %d leader terms, %d entries applied,"
                + " %d membership changes, %d snapshots sent, %d read indexes checked, %d restarts"
                + " (%d losing an unsynced commit index)%n", count, millis, steps, leaderTerms, commands, confChanges,
                snapshots, reads, restarts, commitsLost);
        if (!failures.isEmpty()) fail(String.join("\n\n", failures));
    }

    @Test
    void sameSeedGivesTheSameRun() {
        long seed = Long.getLong("sim.seedBase", 42L);
        RandomRaftRun first = new RandomRaftRun(seed);
        RandomRaftRun second = new RandomRaftRun(seed);
        first.cluster().setTraceAllMessages(true);
        second.cluster().setTraceAllMessages(true);
        RandomRaftRun.Stats a = runOrFail(first, seed);
        RandomRaftRun.Stats b = runOrFail(second, seed);
        assertEquals(a, b, "seed " + seed + " ran differently twice in one JVM");
        assertEquals(first.cluster().trace().dump(), second.cluster().trace().dump(),
                "seed " + seed + " left different traces");
    }

    private static RandomRaftRun.Stats runOrFail(RandomRaftRun run, long seed) {
        try {
            return run.run();
        } catch (RuntimeException | AssertionError e) {
            fail(describeFailure(seed, e, run.cluster().trace()));
            throw e;
        }
    }

    static String describeFailure(long seed, Throwable e, SimTrace trace) {
        java.io.StringWriter stack = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(stack));
        return "seed " + seed + " failed: " + e + "\nreplay: mvn -pl tests -am test -Dtest=RaftSimulationTest"
                + " -Dsim.seed=" + seed + " -Dsurefire.failIfNoSpecifiedTests=false"
                + " (add -Dsim.traceMessages=true to trace every message)\nlast events:\n" + trace.dump() + "\n"
                + stack;
    }

    /** Seeds below 2^40 so they stay short enough to copy by hand. */
    private static long freshSeedBase() {
        return new SplittableRandom().nextLong(1L << 40);
    }
}
