package io.conclave.bench.ycsb;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives a {@link CoreWorkload} against a {@link TargetFactory}: the load phase (batched inserts of
 * every record) and the run phase (the operation mix, optionally throttled, with a warm-up).
 *
 * <p>The throttle is YCSB's: thread {@code i} of {@code n} at total rate {@code R} gives its
 * {@code k}-th operation the intended start {@code t0 + i/R + k*n/R} and sleeps until then. It never
 * skips a slot: a thread that falls behind runs its late operations back to back, each charged
 * from its own slot, which is the coordinated-omission correction.
 */
final class Runner {
    /** Extra time a thread may take past the end of the window (a slow last operation) before it is abandoned. */
    static final long STOP_GRACE_NANOS = 30_000_000_000L;

    private final CoreWorkload workload;
    private final TargetFactory factory;
    private final BenchClock clock;
    private final PrintStream out;

    Runner(CoreWorkload workload, TargetFactory factory, BenchClock clock, PrintStream out) {
        this.workload = workload;
        this.factory = factory;
        this.clock = clock;
        this.out = out;
    }

    /** Inserts every record of the workload in batches of {@code batchSize}, on {@code threads} threads. */
    LoadResult load(int threads, int batchSize, long seed) throws InterruptedException {
        Checks.check(threads >= 1 && batchSize >= 1, "load needs threads >= 1 and batch >= 1, had %s and %s", threads,
                batchSize);
        Recorder batches = new Recorder(Measurements.MAX_LATENCY_MICROS, Measurements.SIGNIFICANT_DIGITS);
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        LongAdder written = new LongAdder();
        SplittableRandom root = new SplittableRandom(seed);
        long start = clock.nanos();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            CoreWorkload.Worker w = workload.worker(root.split());
            workers.add(startThread("ycsb-load-" + t, () -> {
                Target target = factory.create();
                try {
                    target.init();
                    loadBatches(w, target, batchSize, batches, errors, written);
                } catch (Exception e) {
                    errors.computeIfAbsent("init: " + kind(e), k -> new LongAdder()).increment();
                    out.println("load thread failed: " + e);
                } finally {
                    cleanup(target);
                }
            }));
        }
        for (Thread t : workers) t.join();
        double seconds = (clock.nanos() - start) / 1e9;
        Map<String, Long> errorCounts = new TreeMap<>();
        errors.forEach((k, v) -> errorCounts.put(k, v.sum()));
        return new LoadResult(written.sum(), seconds, batchSize,
                OpSummary.of("INSERT-BATCH", batches.getIntervalHistogram(), seconds), errorCounts);
    }

    private void loadBatches(CoreWorkload.Worker w, Target target, int batchSize, Recorder batches,
            Map<String, LongAdder> errors, LongAdder written) {
        String table = workload.config.table();
        while (true) {
            List<String> keys = new ArrayList<>(batchSize);
            List<Map<String, byte[]>> records = new ArrayList<>(batchSize);
            for (long k; keys.size() < batchSize && (k = workload.nextLoadKey()) >= 0; ) {
                keys.add(workload.keyName(k));
                records.add(w.allValues());
            }
            if (keys.isEmpty()) return;
            long t0 = clock.nanos();
            Status s;
            try {
                s = target.insertBatch(table, keys, records);
            } catch (RuntimeException e) {
                s = new Status(kind(e), String.valueOf(e.getMessage()));
            }
            batches.recordValue(Math.min((clock.nanos() - t0) / 1000, Measurements.MAX_LATENCY_MICROS));
            if (s.isOk()) written.add(keys.size());
            else errors.computeIfAbsent("INSERT-BATCH: " + s.name(), k -> new LongAdder()).increment();
        }
    }

    /** The run phase. Returns once every thread has stopped. */
    RunResult run(RunSettings settings) throws InterruptedException {
        long wallStart = clock.wallMillis();
        Measurements m = new Measurements(wallStart);
        long t0 = clock.nanos();
        long measureStart = t0 + settings.warmupNanos();
        long end = settings.operations() > 0 ? Long.MAX_VALUE : measureStart + settings.durationNanos();
        AtomicLong remaining = new AtomicLong(settings.operations() > 0 ? settings.operations() : Long.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder warmupOps = new LongAdder();
        SplittableRandom root = new SplittableRandom(settings.seed());
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < settings.threads(); i++) {
            CoreWorkload.Worker w = workload.worker(root.split());
            // Threads start staggered over one slot, so n threads at rate R do not fire in bursts of n.
            double slotNanos = settings.throttled() ? settings.threads() * 1e9 / settings.targetOpsPerSecond() : 0;
            long threadStart = t0 + (long) (i * slotNanos / settings.threads());
            workers.add(startThread("ycsb-run-" + i, () -> runThread(w, slotNanos, threadStart, measureStart, end,
                    settings.retries(), remaining, stop, warmupOps, m)));
        }
        Sampler sampler = new Sampler(m, settings, measureStart, warmupOps);
        try {
            if (settings.sampleNanos() > 0) sampler.loop(workers, end);
            joinAll(workers, end, stop);
        } finally {
            stop.set(true);
        }
        long finished = clock.nanos();
        double seconds = settings.operations() > 0 ? Math.max(0, finished - measureStart) / 1e9
                : settings.durationNanos() / 1e9;
        m.sample(Math.max(0, finished - measureStart) / 1e9);
        return result(settings, m, wallStart, seconds, warmupOps.sum());
    }

    private void runThread(CoreWorkload.Worker w, double slotNanos, long threadStart, long measureStart, long end,
            int retries, AtomicLong remaining, AtomicBoolean stop, LongAdder warmupOps, Measurements m) {
        Target target = factory.create();
        try {
            target.init();
            for (long k = 0; !stop.get(); k++) {
                long intended;
                if (slotNanos > 0) {
                    intended = threadStart + (long) (k * slotNanos);
                    if (intended >= end) return;
                    clock.sleepUntil(intended);
                } else {
                    intended = clock.nanos();
                    if (intended >= end) return;
                }
                boolean measured = intended >= measureStart;
                if (measured && remaining.decrementAndGet() < 0) return;
                Operation op = w.nextOperation();
                long start = clock.nanos();
                Status s;
                try {
                    s = w.execute(op, target, retries, failed -> {
                        if (measured) m.retried(op.label(), failed.name());
                    });
                } catch (RuntimeException e) {
                    s = new Status(kind(e), String.valueOf(e.getMessage()));
                }
                long finish = clock.nanos();
                if (measured) {
                    m.record(op.label(), s.isOk(), s.name(), slotNanos > 0 ? intended : start, start, finish);
                } else {
                    warmupOps.increment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            m.record("INIT", false, kind(e), 0, 0, 0);
            out.println("worker thread failed: " + e);
        } finally {
            cleanup(target);
        }
    }

    /** Waits for the workers, bounded: a thread stuck in a call past the end and the grace is interrupted and left. */
    private void joinAll(List<Thread> workers, long end, AtomicBoolean stop) throws InterruptedException {
        for (Thread t : workers) {
            while (t.isAlive()) {
                long now = clock.nanos();
                if (end != Long.MAX_VALUE && now - end > STOP_GRACE_NANOS) {
                    stop.set(true);
                    t.interrupt();
                    t.join(1000);
                    break;
                }
                t.join(100);
            }
        }
    }

    private RunResult result(RunSettings settings, Measurements m, long wallStart, double seconds, long warmupOps) {
        Map<String, Histogram> totals = m.totals();
        List<OpSummary> ops = new ArrayList<>();
        Histogram all = new Histogram(Measurements.MAX_LATENCY_MICROS, Measurements.SIGNIFICANT_DIGITS);
        for (Operation op : Operation.values()) {
            for (String label : List.of(op.label(), op.label() + "-FAILED")) {
                Histogram h = totals.get(label);
                if (h == null) continue;
                ops.add(OpSummary.of(label, h, seconds));
                all.add(h);
            }
        }
        return new RunResult(workload.config.source(), factory.describe(), settings, settings.throttled(), wallStart,
                seconds, warmupOps, ops, OpSummary.of("TOTAL", all, seconds), totals, m.serviceTotals(), m.errors(),
                m.retries(), m.intervals(), m.intervalLog());
    }

    /** Takes a sample every interval and prints a progress line every so often, until the workers end. */
    private final class Sampler {
        private final Measurements m;
        private final RunSettings settings;
        private final long measureStart;
        private final LongAdder warmupOps;

        Sampler(Measurements m, RunSettings settings, long measureStart, LongAdder warmupOps) {
            this.m = m;
            this.settings = settings;
            this.measureStart = measureStart;
            this.warmupOps = warmupOps;
        }

        void loop(List<Thread> workers, long end) throws InterruptedException {
            long progressEvery = Math.max(1, settings.progressNanos() / settings.sampleNanos());
            long periodOps = 0;
            double periodStart = 0;
            if (settings.warmupNanos() > 0) {
                out.printf(Locale.ROOT, "warm-up for %.0f s (not counted)%n", settings.warmupNanos() / 1e9);
                clock.sleepUntil(measureStart);
                out.printf(Locale.ROOT, "warm-up done: %,d operations%n", warmupOps.sum());
            }
            for (long n = 1; workers.stream().anyMatch(Thread::isAlive); n++) {
                long due = measureStart + n * settings.sampleNanos();
                if (end != Long.MAX_VALUE) due = Math.min(due, end);
                while (clock.nanos() < due && workers.stream().anyMatch(Thread::isAlive)) {
                    clock.sleepUntil(Math.min(due, clock.nanos() + 100_000_000L));
                }
                if (clock.nanos() >= end || workers.stream().noneMatch(Thread::isAlive)) return;
                double elapsed = (clock.nanos() - measureStart) / 1e9;
                Interval interval = m.sample(elapsed);
                periodOps += interval.counts().values().stream().mapToLong(Long::longValue).sum();
                if (n % progressEvery == 0) {
                    out.println(progressLine(elapsed, periodOps / Math.max(1e-9, elapsed - periodStart)));
                    periodOps = 0;
                    periodStart = elapsed;
                }
            }
        }

        private String progressLine(double elapsed, double opsPerSecond) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%6.1f s  %,10.0f ops/s", elapsed,
                    opsPerSecond));
            for (Map.Entry<String, Histogram> e : m.totals().entrySet()) {
                line.append(String.format(Locale.ROOT, "  %s p99 %.2f ms", e.getKey(),
                        e.getValue().getValueAtPercentile(99) / 1000.0));
            }
            line.append(String.format(Locale.ROOT, "  errors %,d", m.errorCount()));
            if (settings.retries() > 0) line.append(String.format(Locale.ROOT, "  retries %,d", m.retryCount()));
            return line.toString();
        }
    }

    private static Thread startThread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void cleanup(Target target) {
        try {
            target.cleanup();
        } catch (Exception e) {
            out.println("cleanup failed: " + e);
        }
    }

    /** An error kind from an exception: its class, which is stable, not its message, which is not. */
    static String kind(Throwable e) {
        return e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)
                .replaceAll("[^A-Z_]", "_");
    }
}
