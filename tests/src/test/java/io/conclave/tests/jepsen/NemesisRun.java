package io.conclave.tests.jepsen;

import io.conclave.range.client.RangeClient;
import io.conclave.tests.check.History;
import io.conclave.tests.check.HistoryRecorder;
import io.conclave.tests.ranges.RangeTestCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run end to end: start the nodes (with {@code --testing-fault-injection}), set up the
 * workload, run its workers beside the nemesis schedule for the run's time, heal everything, let
 * the cluster settle, do the final reads, check the history, and write the results folder:
 * {@code history.edn}, {@code events.txt}, {@code verdict.txt}, {@code timeline.html} and the
 * node logs. A run fails (its {@link Result#failed()}) on any anomaly the checker finds, and also
 * when the harness could not do what it meant to (a worker stuck or crashed, a node that did not
 * come back, a clock step beyond the max offset that did not stop its node): a run that proved
 * nothing must not pass.
 */
final class NemesisRun {
    /** Initial user ranges: the workloads spread their keys over them. */
    static final int INITIAL_RANGES = 4;
    /** How long past its end a worker may take to finish its last operation (a client deadline). */
    static final long WORKER_GRACE_MILLIS = 90_000;
    /** The nemesis' last fault may start just before the end; its heal takes at most a restart. */
    static final long NEMESIS_GRACE_MILLIS = 120_000;
    static final long MAX_OFFSET_NANOS = io.conclave.clock.MaxOffsetSetting.DEFAULT.nanos();

    /**
     * @param problems what made the run fail besides the verdict (empty if none)
     * @param operations calls in the history
     * @param overlapped faults that started while another was active
     */
    record Result(RunOptions options, Verdict verdict, List<String> problems, int operations, int faults,
            int overlapped, String counts, long millis, Path folder) {
        boolean failed() {
            return verdict.anomaly() || !problems.isEmpty();
        }

        String summary() {
            return options.workload() + " under " + options.nemeses() + " for " + options.time().toSeconds() + " s, seed "
                    + options.seed() + ": " + (failed() ? "FAILED" : "passed") + "; " + operations + " ops (" + counts
                    + "), " + faults + " faults" + (options.overlap() ? " (" + overlapped + " overlapping another)" : "")
                    + "; checker " + verdict.summary()
                    + (problems.isEmpty() ? "" : "; problems: " + problems) + "; results in " + folder
                    + "; replay: " + options.replayCommand();
        }
    }

    private NemesisRun() {}

    static Result run(RunOptions o) throws Exception {
        Path folder = o.resultsDir().resolve(o.label());
        Files.createDirectories(folder);
        Path stores = Files.createTempDirectory("conclave-nemesis-");
        String clusterId = "nemesis-" + o.workload() + "-" + o.seed();
        System.out.println("[nemesis] " + o.label() + ": seed=" + o.seed() + " (replay: " + o.replayCommand()
                + "), results in " + folder.toAbsolutePath());
        long started = System.nanoTime();
        RangeTestCluster cluster = new RangeTestCluster(stores, clusterId, o.nodes(), o.nodes(),
                List.of("--initial-ranges", Integer.toString(INITIAL_RANGES), "--testing-fault-injection"),
                id -> List.of(), folder.resolve("logs"));
        try {
            cluster.startAll();
            try (RangeClient admin = cluster.client(RangeTestCluster.FAULT_TOLERANT_CLIENT, o.seed());
                    RunContext context = new RunContext(cluster, admin, KvKeys.userRanges(admin),
                            new HistoryRecorder(System::nanoTime), o.workers(), o.seed())) {
                return runOn(o, cluster, admin, context, folder, started);
            }
        } finally {
            cluster.close();
            deleteQuietly(stores);
        }
    }

    private static Result runOn(RunOptions o, RangeTestCluster cluster, RangeClient admin, RunContext context,
            Path folder, long started) throws Exception {
        Workload workload = Workload.named(o.workload());
        workload.setUp(context);
        SplittableRandom random = new SplittableRandom(o.seed());
        long loadStart = System.nanoTime();
        long loadEnd = loadStart + o.time().toNanos();
        EventLog log = new EventLog(loadStart, o.label());
        ClusterFaults faults = new ClusterFaults(cluster, admin, MAX_OFFSET_NANOS);
        List<Nemesis> nemeses = Nemeses.parse(o.nemeses(), () -> KvKeys.userRanges(admin), workload);
        NemesisSchedule schedule = new NemesisSchedule(nemeses, faults, random.split(), log, loadEnd,
                o.overlap());

        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < o.workers(); w++) {
            int worker = w;
            Thread t = new Thread(() -> {
                try {
                    workload.work(worker, loadEnd);
                } catch (Throwable e) {
                    problems.add("worker " + worker + " crashed: " + e);
                    e.printStackTrace(System.out);
                }
            }, "nemesis-worker-" + w);
            t.setDaemon(true);
            workers.add(t);
        }
        Thread nemesisThread = new Thread(schedule, "nemesis-schedule");
        nemesisThread.setDaemon(true);
        log.point("run", "load starts: " + o.workers() + " workers, nemeses " + o.nemeses()
                + (o.overlap() ? ", overlapping" : ""));
        workers.forEach(Thread::start);
        nemesisThread.start();

        nemesisThread.join(o.time().toMillis() + NEMESIS_GRACE_MILLIS);
        if (nemesisThread.isAlive()) {
            schedule.stop();
            problems.add("the nemesis schedule was still running " + NEMESIS_GRACE_MILLIS + " ms after the load ended");
        }
        long joinDeadline = loadEnd + TimeUnit.MILLISECONDS.toNanos(WORKER_GRACE_MILLIS);
        for (Thread t : workers) t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
        for (Thread t : workers) {
            if (t.isAlive()) problems.add(t.getName() + " was still running " + WORKER_GRACE_MILLIS + " ms after the load ended");
        }
        if (schedule.failure() != null) problems.add("nemesis failed: " + schedule.failure());
        for (Nemesis n : nemeses) {
            if (n instanceof Nemeses.Clock c && c.stopsMissed() > 0) {
                problems.add(c.stopsMissed() + " clock step(s) beyond the max offset did not stop their node");
            }
        }
        log.point("run", "load ends: " + workload.counts() + "; healing: " + faults.healAll());
        Thread.sleep(RunOptions.QUIET_AFTER.toMillis());
        try {
            workload.finish(System.nanoTime() + RunOptions.FINAL_READ_TIME.toNanos());
            log.point("run", "final reads done");
        } catch (Exception e) {
            problems.add("final reads failed: " + e.getMessage() + "; " + faults.describe());
        }
        for (String fatal : faults.fatalStops()) problems.add("a node crashed: " + fatal);
        History history = context.recorder().history();
        long checkStart = System.nanoTime();
        Verdict verdict = workload.check(history);
        log.point("run", "checked in " + (System.nanoTime() - checkStart) / 1_000_000 + " ms: " + verdict.summary());
        Result result = new Result(o, verdict, List.copyOf(problems), history.calls().size(), schedule.faults(), schedule.overlapped(),
                workload.counts(), (System.nanoTime() - started) / 1_000_000, folder.toAbsolutePath());
        writeResults(folder, result, history, log);
        System.out.println("[nemesis] " + result.summary());
        return result;
    }

    private static void writeResults(Path folder, Result result, History history, EventLog log) throws IOException {
        history.write(folder.resolve("history.edn"));
        Files.writeString(folder.resolve("events.txt"), log.text(), StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("verdict.txt"), result.summary() + "\n\n" + result.verdict().detail() + "\n",
                StandardCharsets.UTF_8);
        Files.writeString(folder.resolve("timeline.html"), Timeline.html(result, history, log), StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // A leftover temporary file is harmless.
                }
            });
        } catch (IOException ignored) {
            // As above.
        }
    }
}
