package io.conclave.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import io.conclave.range.multiraft.Scheduler;
import io.conclave.range.rpc.RangeDescriptor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class LoadGeneratorTest {
    /** A writer that acknowledges each put after a fixed delay and tracks how many are in flight. */
    static final class DelayedWriter implements KvWriter {
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();
        final long delayMillis;
        final boolean fail;

        DelayedWriter(long delayMillis, boolean fail) {
            this.delayMillis = delayMillis;
            this.fail = fail;
        }

        @Override
        public CompletableFuture<?> put(byte[] key, byte[] value) {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            CompletableFuture<Void> f = new CompletableFuture<>();
            timer.schedule(() -> {
                inFlight.decrementAndGet();
                if (fail) f.completeExceptionally(new IllegalStateException("refused"));
                else f.complete(null);
            }, delayMillis, TimeUnit.MILLISECONDS);
            return f;
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    @Test
    void keepsExactlyTheConfiguredPutsInFlightAndCountsOnlyTheWindow() throws Exception {
        try (DelayedWriter writer = new DelayedWriter(5, false)) {
            LoadGenerator.Result r = new LoadGenerator(writer, 8, 16, 1, LoadGenerator.KeyOrder.SCATTERED, 1).run(
                    TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.MILLISECONDS.toNanos(500));
            assertEquals(8, writer.maxInFlight.get());
            assertEquals(0, r.errors());
            assertEquals(r.commits(), r.latencyNanos().getTotalCount());
            // 8 lanes at one put per >= 5 ms for 0.5 s: at most 800; well above 0 on any machine.
            assertTrue(r.commits() > 0 && r.commits() <= 800, "commits " + r.commits());
            assertTrue(r.latencyNanos().getValueAtPercentile(50) >= TimeUnit.MILLISECONDS.toNanos(5));
            assertEquals(0.5, r.seconds(), 1e-9);
        }
    }

    @Test
    void failedPutsAreCountedAsErrorsAndBackOff() throws Exception {
        try (DelayedWriter writer = new DelayedWriter(1, true)) {
            LoadGenerator.Result r = new LoadGenerator(writer, 4, 16, 1, LoadGenerator.KeyOrder.ASCENDING, 1)
                    .run(0, TimeUnit.MILLISECONDS.toNanos(300));
            assertEquals(0, r.commits());
            assertTrue(r.errors() > 0);
            // Each lane waits ERROR_BACKOFF_MILLIS after a failure: bounded, not a busy loop.
            assertTrue(r.errors() <= 4 * (300 / LoadGenerator.ERROR_BACKOFF_MILLIS + 1), "errors " + r.errors());
            assertTrue(r.firstError().contains("refused"), r.firstError());
        }
    }

    @Test
    void ascendingKeysIncreaseWithinEveryRangeAndReachEachOfThem() {
        int ranges = 1000;
        List<RangeDescriptor> split = Scheduler.initialRanges(List.of(1L, 2L, 3L), ranges);
        Map<Long, byte[]> lastKey = new HashMap<>();
        for (long n = 0; n < 20 * ranges; n++) {
            byte[] key = LoadGenerator.ascendingKey(n, ranges);
            RangeDescriptor owner = split.stream()
                    .filter(d -> Keys.compare(d.getStartKey().toByteArray(), key) <= 0
                            && Keys.compare(key, d.getEndKey().toByteArray()) < 0)
                    .findFirst().orElseThrow();
            byte[] previous = lastKey.put(owner.getRangeId(), key);
            if (previous != null) assertTrue(Keys.compare(previous, key) < 0, "key " + n + " does not ascend");
        }
        assertEquals(ranges, lastKey.size(), "ranges that got keys");
        assertFalse(lastKey.containsKey(Keys.META_RANGE_ID));
    }
}
