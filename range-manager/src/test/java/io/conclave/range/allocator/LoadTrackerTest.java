package io.conclave.range.allocator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LoadTrackerTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_764_000_000L * SECOND;

    private static byte[] key(int i) {
        return ByteBuffer.allocate(5).put((byte) 0x04).putInt(i).array();
    }

    @Test
    void emptyTrackerHasNoLoad() {
        LoadTracker t = new LoadTracker(1);
        assertEquals(0, t.qps(T0));
        assertTrue(t.loadSplitKey(T0).isEmpty());
    }

    @Test
    void steadyRateIsMeasuredExactlyAndDecaysAfterTheWindow() {
        LoadTracker t = new LoadTracker(2);
        // 100 requests per second for two minutes.
        for (int ms = 0; ms < 120_000; ms += 10) t.record(key(ms), T0 + ms * 1_000_000L);
        double qps = t.qps(T0 + 120 * SECOND);
        assertTrue(Math.abs(qps - 100) < 3, "qps " + qps);
        // Idle for two minutes: nothing inside the window any more.
        assertEquals(0, t.qps(T0 + 240 * SECOND));
    }

    @Test
    void youngTrackerDividesByItsAgeNotTheWindow() {
        LoadTracker t = new LoadTracker(3);
        for (int ms = 0; ms < 5_000; ms += 1) t.record(key(ms), T0 + ms * 1_000_000L);
        double qps = t.qps(T0 + 5 * SECOND);
        assertTrue(Math.abs(qps - 1000) < 20, "qps " + qps);
    }

    @Test
    void clockSteppingBackDoesNotBreakTheRate() {
        LoadTracker t = new LoadTracker(4);
        for (int i = 0; i < 1000; i++) t.record(key(i), T0 + i * 10_000_000L - (i % 7 == 0 ? 30 * SECOND : 0));
        double qps = t.qps(T0);
        assertTrue(qps >= 0 && qps < 1_000_000 && !Double.isNaN(qps), "qps " + qps);
    }

    @Test
    void uniformLoadSplitsNearTheMiddleWithin25To75() {
        long seed = 5;
        SplittableRandom random = new SplittableRandom(seed);
        LoadTracker t = new LoadTracker(seed);
        int keys = 10_000;
        for (int i = 0; i < 30_000; i++) t.record(key(random.nextInt(keys)), T0 + i * 1_000_000L);
        Optional<byte[]> split = t.loadSplitKey(T0 + 30 * SECOND);
        assertTrue(split.isPresent(), "seed " + seed);
        int at = ByteBuffer.wrap(split.get(), 1, 4).getInt();
        assertTrue(at > keys / 4 && at < keys * 3 / 4, "seed " + seed + ": split at " + at);
    }

    @Test
    void noKeyBeforeTenSecondsOfSustainedSampling() {
        LoadTracker t = new LoadTracker(6);
        for (int i = 0; i < 50_000; i++) t.record(key(i % 1000), T0 + i * 100_000L); // 5 s
        assertTrue(t.loadSplitKey(T0 + 5 * SECOND).isEmpty());
    }

    @Test
    void singleHotKeyNeverSplits() {
        LoadTracker t = new LoadTracker(7);
        for (int i = 0; i < 20_000; i++) t.record(key(42), T0 + i * 1_000_000L);
        assertTrue(t.loadSplitKey(T0 + 20 * SECOND).isEmpty());
    }

    @Test
    void twoHotKeysSplitBetweenThem() {
        LoadTracker t = new LoadTracker(8);
        for (int i = 0; i < 20_000; i++) t.record(key(i % 2 == 0 ? 10 : 20), T0 + i * 1_000_000L);
        byte[] split = t.loadSplitKey(T0 + 20 * SECOND).orElseThrow();
        // Keys below 20 go left: the only key that divides is 20 itself.
        assertEquals(20, ByteBuffer.wrap(split, 1, 4).getInt());
    }

    /** Property: across seeds and skews, any key offered divides the recorded load within 25/75. */
    @Test
    void offeredKeysDivideTheRecordedLoad() {
        for (long seed = 100; seed < 140; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            LoadTracker t = new LoadTracker(seed);
            int keyCount = 1 + random.nextInt(5000);
            double skew = random.nextDouble() * 3; // 0: uniform; larger: load piles on low keys
            int n = 15_000;
            int[] recorded = new int[n];
            for (int i = 0; i < n; i++) {
                int k = (int) (Math.pow(random.nextDouble(), 1 + skew) * keyCount);
                recorded[i] = k;
                t.record(key(k), T0 + i * 1_000_000L);
            }
            Optional<byte[]> split = t.loadSplitKey(T0 + 15 * SECOND);
            if (split.isEmpty()) continue;
            int leftCount = 0;
            for (int k : recorded) if (Keys.compare(key(k), split.get()) < 0) leftCount++;
            double share = (double) leftCount / n;
            // The candidate's counters start when it was sampled, so allow a little slack.
            assertTrue(share > 0.2 && share < 0.8, "seed " + seed + ": left share " + share);
        }
    }

    @Test
    void reservoirRestartsSoOldLoadIsForgotten() {
        LoadTracker t = new LoadTracker(9);
        // A minute of load on keys 0..999, then a minute on one hot key only.
        long at = T0;
        for (int i = 0; i < 60_000; i++, at += 1_000_000L) t.record(key(i % 1000), at);
        assertTrue(t.loadSplitKey(at).isPresent());
        for (int i = 0; i < 70_000; i++, at += 1_000_000L) t.record(key(5000), at);
        assertTrue(t.loadSplitKey(at).isEmpty());
    }

    @Test
    void sameSeedSameKey() {
        byte[][] results = new byte[2][];
        for (int run = 0; run < 2; run++) {
            SplittableRandom random = new SplittableRandom(77);
            LoadTracker t = new LoadTracker(77);
            for (int i = 0; i < 20_000; i++) t.record(key(random.nextInt(100_000)), T0 + i * 1_000_000L);
            results[run] = t.loadSplitKey(T0 + 20 * SECOND).orElseThrow();
        }
        assertEquals(0, Keys.compare(results[0], results[1]));
    }
}
