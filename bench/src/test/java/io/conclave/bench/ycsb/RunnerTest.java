package io.conclave.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The run loop on a manual clock (throttle, warm-up, coordinated omission) and once on the real clock. */
@Timeout(60)
final class RunnerTest {
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    /** Time moves only when the target works or the throttle sleeps; one worker thread only. */
    static final class ManualClock implements BenchClock {
        private final AtomicLong now = new AtomicLong(5 * SECOND);

        @Override
        public long nanos() {
            return now.get();
        }

        @Override
        public long wallMillis() {
            return 1_700_000_000_000L;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            now.accumulateAndGet(deadlineNanos, Math::max);
        }

        void advance(long nanos) {
            now.addAndGet(nanos);
        }
    }

    /** A target whose every call takes {@code serviceNanos} of (manual) time, and call number {@code stallAt} takes {@code stallNanos}. */
    static class SlowTarget implements Target {
        final ManualClock clock;
        final long serviceNanos;
        final long stallAt;
        final long stallNanos;
        long calls;

        SlowTarget(ManualClock clock, long serviceNanos, long stallAt, long stallNanos) {
            this.clock = clock;
            this.serviceNanos = serviceNanos;
            this.stallAt = stallAt;
            this.stallNanos = stallNanos;
        }

        private Status work() {
            clock.advance(calls++ == stallAt ? stallNanos : serviceNanos);
            return Status.OK;
        }

        @Override public void init() {}
        @Override public void cleanup() {}
        @Override public Status read(String t, String k, Set<String> f, Map<String, byte[]> r) { return work(); }
        @Override public Status scan(String t, String k, int n, Set<String> f, List<Map<String, byte[]>> r) { return work(); }
        @Override public Status update(String t, String k, Map<String, byte[]> v) { return work(); }
        @Override public Status insert(String t, String k, Map<String, byte[]> v) { return work(); }
        @Override public Status delete(String t, String k) { return work(); }
    }

    record Factory(java.util.function.Supplier<Target> targets) implements TargetFactory {
        @Override public void check() {}
        @Override public Target create() { return targets.get(); }
        @Override public String describe() { return "fake"; }
    }

    static CoreWorkload workload(String name) {
        Properties p = WorkloadConfig.builtinProperties(name);
        p.setProperty("recordcount", "1000");
        return new CoreWorkload(WorkloadConfig.parse(p, "workload " + name), 100_000);
    }

    static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    private static RunResult runManual(ManualClock clock, Target target, double rate, long durationNanos, long operations,
            long warmupNanos) throws InterruptedException {
        Runner runner = new Runner(workload("c"), new Factory(() -> target), clock, QUIET);
        return runner.run(new RunSettings(1, rate, durationNanos, operations, warmupNanos, 0, 0, 7));
    }

    @Test
    void throttleSchedulesExactlyTheTargetRateAndWarmupIsNotCounted() throws Exception {
        ManualClock clock = new ManualClock();
        RunResult r = runManual(clock, new SlowTarget(clock, 200_000, -1, 0), 1000, 10 * SECOND, 0, SECOND);
        assertEquals(10_000, r.total().count(), "10 s at 1,000 ops/s");
        assertEquals(1_000, r.warmupOperations(), "1 s of warm-up at 1,000 ops/s");
        assertEquals(1000, r.total().opsPerSecond(), 0.001);
        // An on-time operation is charged its service time only.
        assertEquals(200, r.total().maxMicros(), 1);
        assertTrue(r.corrected());
    }

    @Test
    void unthrottledRunsAsFastAsTheTargetAnswersAndStopsAtTheOperationCount() throws Exception {
        ManualClock clock = new ManualClock();
        RunResult byTime = runManual(clock, new SlowTarget(clock, MS, -1, 0), 0, SECOND, 0, 0);
        assertEquals(1000, byTime.total().count(), 1);
        assertFalse(byTime.corrected());
        RunResult byCount = runManual(clock, new SlowTarget(clock, MS, -1, 0), 0, 0, 500, 0);
        assertEquals(500, byCount.total().count());
        assertEquals(0.5, byCount.measuredSeconds(), 0.01);
    }

    /**
     * One stall of S at rate R: without the correction it is one slow sample; with it, the R*S
     * operations scheduled during the stall are each charged their wait, which falls linearly from
     * S to nothing, so about R*S samples exceed the stall-free latency and about R*S/2 exceed S/2.
     */
    @Test
    void coordinatedOmissionCorrectionChargesTheOperationsQueuedBehindAStall() throws Exception {
        long rate = 1000;
        long stallNanos = 200 * MS;
        long serviceNanos = 10_000; // 10 us, so the backlog drains at 99% of the stall's pace
        ManualClock clock = new ManualClock();
        RunResult r = runManual(clock, new SlowTarget(clock, serviceNanos, 1000, stallNanos), rate, 3 * SECOND, 0, 0);
        Histogram corrected = r.histograms().get("READ");
        Histogram service = r.serviceHistograms().get("READ");
        long stallFreeMicros = serviceNanos / 1000;
        long expectedQueued = rate * stallNanos / SECOND; // 200
        long aboveStallFree = corrected.getCountBetweenValues(2 * stallFreeMicros + 1, corrected.getMaxValue());
        long aboveHalfStall = corrected.getCountBetweenValues(stallNanos / 2000 + 1, corrected.getMaxValue());
        assertEquals(expectedQueued, aboveStallFree, expectedQueued * 0.05, "corrected samples above the stall-free latency");
        assertEquals(expectedQueued / 2.0, aboveHalfStall, expectedQueued * 0.05, "corrected samples above half the stall");
        assertEquals(200_000, corrected.getMaxValue(), 200);
        assertEquals(1, service.getCountBetweenValues(2 * stallFreeMicros + 1, service.getMaxValue()),
                "uncorrected, the stall is a single slow sample");
        assertEquals(3000, r.total().count(), "the throttle catches up: no slot is skipped");
    }

    @Test
    void errorsAreCountedByKindAndKeptOutOfTheSuccessHistograms() throws Exception {
        ManualClock clock = new ManualClock();
        Target flaky = new SlowTarget(clock, MS, -1, 0) {
            int reads;

            @Override
            public Status read(String t, String k, Set<String> f, Map<String, byte[]> r) {
                super.read(t, k, f, r);
                return ++reads % 4 == 0 ? Status.NOT_FOUND : Status.OK;
            }

            @Override
            public Status update(String t, String k, Map<String, byte[]> v) {
                throw new IllegalStateException("boom");
            }
        };
        Runner runner = new Runner(workload("a"), new Factory(() -> flaky), clock, QUIET);
        RunResult r = runner.run(new RunSettings(1, 0, 0, 2000, 0, 0, 0, 3));
        long reads = r.operation("READ").count();
        long failedReads = r.operation("READ-FAILED").count();
        assertEquals(failedReads, r.errors().get("READ: NOT_FOUND"));
        assertEquals(r.operation("UPDATE-FAILED").count(), r.errors().get("UPDATE: ILLEGAL_STATE_EXCEPTION"));
        assertEquals(2000, reads + failedReads + r.operation("UPDATE-FAILED").count());
        assertEquals((reads + failedReads) / 4, failedReads, 1);
    }

    @Test
    void retryableFailuresRunAgainOnTheSameKeyAndAreCountedByKind() throws Exception {
        Status timeout = new Status("KV_TIMEOUT", "no answer in time", true);
        Status conflict = new Status("SQLSTATE_40001", "serialization failure", true);
        ManualClock clock = new ManualClock();
        List<String> updateKeys = new ArrayList<>();
        List<Map<String, byte[]>> updateValues = new ArrayList<>();
        Target flaky = new SlowTarget(clock, MS, -1, 0) {
            int reads;

            @Override
            public Status read(String t, String k, Set<String> f, Map<String, byte[]> r) {
                super.read(t, k, f, r);
                // Two retryable failures, then one that is not: the third attempt must be the last.
                return reads++ % 3 == 2 ? Status.NOT_FOUND : timeout;
            }

            @Override
            public Status update(String t, String k, Map<String, byte[]> v) {
                super.update(t, k, v);
                updateKeys.add(k);
                updateValues.add(v);
                return updateKeys.size() % 3 == 0 ? Status.OK : conflict;
            }
        };
        Runner runner = new Runner(workload("a"), new Factory(() -> flaky), clock, QUIET);
        RunResult r = runner.run(new RunSettings(1, 0, 0, 1000, 0, 0, 0, 3, 3));

        long readOps = r.operation("READ-FAILED").count();
        long updateOps = r.operation("UPDATE").count();
        assertEquals(1000, readOps + updateOps);
        assertNull(r.operation("READ"), "every read ends in NOT_FOUND");
        assertEquals(Map.of("READ: NOT_FOUND", readOps), r.errors());
        assertEquals(Map.of("READ: KV_TIMEOUT", 2 * readOps, "UPDATE: SQLSTATE_40001", 2 * updateOps), r.retries());
        assertEquals(3 * updateOps, updateKeys.size());
        for (int i = 0; i < updateKeys.size(); i += 3) {
            assertEquals(updateKeys.get(i), updateKeys.get(i + 2), "a retry runs on the operation's own key");
            assertSame(updateValues.get(i), updateValues.get(i + 2), "and writes the values drawn once");
        }
        // An operation is charged for all its attempts: three calls of 1 ms each.
        assertEquals(3.0, r.operation("UPDATE").p50Micros() / 1000.0, 0.01);
        assertEquals(3.0, r.operation("READ-FAILED").p50Micros() / 1000.0, 0.01);

        RunResult once = new Runner(workload("a"), new Factory(() -> flaky), clock, QUIET)
                .run(new RunSettings(1, 0, 0, 1000, 0, 0, 0, 3));
        assertEquals(Map.of(), once.retries(), "YCSB's default runs each operation once");
        assertEquals(1000, once.errorCount() + (once.operation("UPDATE") == null ? 0 : once.operation("UPDATE").count()));
    }

    @Test
    void realClockThrottleHoldsTheRateAndWritesTheReport(@TempDir Path dir) throws Exception {
        Target instant = new SlowTarget(new ManualClock(), 0, -1, 0);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Runner runner = new Runner(workload("b"), new Factory(() -> new SlowTarget(new ManualClock(), 0, -1, 0)),
                BenchClock.SYSTEM, new PrintStream(progress, true, StandardCharsets.UTF_8));
        long start = System.nanoTime();
        RunResult r = runner.run(new RunSettings(2, 400, 1500 * MS, 0, 200 * MS, 250 * MS, 500 * MS, 11));
        double wallSeconds = (System.nanoTime() - start) / 1e9;
        assertNotNull(instant);
        assertEquals(600, r.total().count(), 2, "1.5 s at 400 ops/s");
        assertTrue(wallSeconds >= 1.65 && wallSeconds < 5, "the run took " + wallSeconds + " s, not 1.7");
        // The rate holds within the window too: what was done by each sample is the rate times its time.
        long done = 0;
        for (Interval i : r.intervals()) {
            done += i.counts().values().stream().mapToLong(Long::longValue).sum();
            if (i.endSeconds() > 1.3) break;
            assertEquals(400 * i.endSeconds(), done, 0.15 * 400 * i.endSeconds() + 10, "operations by " + i.endSeconds() + " s");
        }
        String lines = progress.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("ops/s") && lines.contains("errors 0"), lines);

        Report.write(dir, null, r);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("<polyline"), "charts missing");
        assertFalse(html.contains("http:") || html.contains("https:") || html.contains("{{"), "report is not self-contained");
        String json = Files.readString(dir.resolve("summary.json"));
        assertTrue(json.contains("\"operation\": \"TOTAL\", \"count\": " + r.total().count()), json);
        assertTrue(Files.readString(dir.resolve("summary.txt")).contains("READ"));
        String log = Files.readString(dir.resolve("latency.hlog"));
        assertTrue(log.contains("#[StartTime:") && log.contains("Tag=READ"), log);
    }
}
