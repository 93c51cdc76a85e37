package io.conclave.tests.jepsen;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * CI's short randomized selection: every workload once, for {@link #LOAD} each, under two nemeses
 * drawn from the seed such that the four runs use all six (kill, stop, pause, partition, clock,
 * moves), on 3 nodes: about two minutes in all (121 s measured on a loaded 2-core machine). The
 * seed is printed; {@code -Dnemesis.seed=N} replays the same selection and schedules. A run whose
 * seed is odd lets its two nemeses overlap (about half the runs, with no extra time);
 * {@code -Dnemesis.overlap=true} or {@code false} forces it for every run.
 * Results (history, verdict, timeline, node logs) land in {@code target/nemesis-ci}.
 */
final class NemesisSuiteTest {
    static final Duration LOAD = Duration.ofSeconds(20);
    static final int WORKERS = 6;
    static final int NEMESES_PER_RUN = 2;
    static final List<String> WORKLOADS = List.of("bank", "register", "list-append", "set");

    @TestFactory
    Stream<DynamicTest> randomizedSelection() {
        long seed = NemesisSeeds.seed();
        System.out.println("[nemesis-ci] seed=" + seed + " (rerun with -Dnemesis.seed=" + seed + ")");
        SplittableRandom random = new SplittableRandom(seed);
        List<String> selection = selection(random);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < WORKLOADS.size(); i++) {
            String workload = WORKLOADS.get(i);
            String nemeses = selection.get(i);
            long runSeed = random.nextLong() & 0xffff_ffffL;
            boolean overlap = overlap(runSeed);
            tests.add(DynamicTest.dynamicTest(workload + " under " + nemeses + (overlap ? " overlapping" : "")
                    + " (seed " + seed + ")", () -> {
                NemesisRun.Result r = NemesisRun.run(new RunOptions(workload, nemeses, LOAD, runSeed, 3, WORKERS,
                        Path.of("target", "nemesis-ci"), overlap));
                assertFalse(r.failed(), () -> r.summary() + "; suite seed " + seed);
                assertTrue(r.faults() >= 1, () -> "no fault was injected: " + r.summary());
            }));
        }
        return tests.stream();
    }

    /** {@code -Dnemesis.overlap} if given, else the run seed's parity: a share of runs chosen by the seed. */
    static boolean overlap(long runSeed) {
        String forced = System.getProperty("nemesis.overlap");
        if (forced != null && !forced.isBlank()) return Boolean.parseBoolean(forced.strip());
        return (runSeed & 1) == 1;
    }

    /**
     * Two distinct nemeses per workload, every nemesis in at least one run: the six in a random
     * order fill the first slots, random others the rest.
     */
    static List<String> selection(SplittableRandom random) {
        List<String> order = new ArrayList<>(Nemeses.NAMES);
        java.util.Collections.shuffle(order, new java.util.Random(random.nextLong()));
        List<List<String>> runs = new ArrayList<>();
        for (int i = 0; i < WORKLOADS.size(); i++) runs.add(new ArrayList<>());
        for (int i = 0; i < order.size(); i++) runs.get(i % runs.size()).add(order.get(i));
        List<String> out = new ArrayList<>();
        for (List<String> run : runs) {
            while (run.size() < NEMESES_PER_RUN) {
                String extra = Nemeses.NAMES.get(random.nextInt(Nemeses.NAMES.size()));
                if (!run.contains(extra)) run.add(extra);
            }
            run.sort(java.util.Comparator.comparingInt(Nemeses.NAMES::indexOf));
            out.add(String.join(",", run));
        }
        return out;
    }
}
