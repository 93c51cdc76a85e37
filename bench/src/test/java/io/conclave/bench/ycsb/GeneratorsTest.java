package io.conclave.bench.ycsb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The key choosers checked statistically; every loop is seeded and says its seed on failure. */
final class GeneratorsTest {
    static final long SEED = 20261126L;
    static final int DRAWS = 200_000;

    @Test
    void fnvHashIsYcsbs() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < 10_000; i++) {
            long v = i < 2000 ? i - 1000 : r.nextLong();
            assertEquals(Math.abs(hashReference(v)), Fnv.hash64(v), "hash of " + v);
            assertTrue(Fnv.hash64(v) >= 0 || Fnv.hash64(v) == Long.MIN_VALUE, "hash of " + v + " is negative");
        }
    }

    /** An independent restatement of FNV-1a over the little-endian bytes. */
    private static long hashReference(long v) {
        long h = 0xCBF29CE484222325L;
        for (int i = 0; i < 8; i++) {
            h ^= (v >> (8 * i)) & 0xff;
            h *= 1099511628211L;
        }
        return h;
    }

    @Test
    void zipfianTopKeyShareAndRankFrequencySlope() {
        int n = 1000;
        ZipfianGenerator z = new ZipfianGenerator(0, n - 1);
        long[] counts = new long[n];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < DRAWS; i++) counts[(int) z.nextValue(r)]++;
        double zeta = ZipfianGenerator.zeta(n, 0.99);
        double top = counts[0] / (double) DRAWS;
        assertEquals(1 / zeta, top, 0.05 / zeta, "seed " + SEED + ": share of the most popular item");
        assertEquals(Math.pow(0.5, 0.99) / zeta, counts[1] / (double) DRAWS, 0.05 / zeta, "seed " + SEED);
        double slope = logLogSlope(counts, 1, 100);
        assertEquals(-0.99, slope, 0.12, "seed " + SEED + ": rank-frequency slope over ranks 1..100");
    }

    /** Least-squares slope of log(frequency) against log(rank) for ranks [from, to] (1-based) of the sorted counts. */
    static double logLogSlope(long[] counts, int from, int to) {
        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int m = 0;
        for (int rank = from; rank <= to; rank++) {
            long c = sorted[sorted.length - rank];
            if (c == 0) continue;
            double x = Math.log(rank), y = Math.log(c);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
            m++;
        }
        return (m * sxy - sx * sy) / (m * sxx - sx * sx);
    }

    @Test
    void scrambledZipfianIsSkewedButSpread() {
        int n = 10_000;
        ScrambledZipfianGenerator z = new ScrambledZipfianGenerator(0, n - 1);
        long[] counts = new long[n];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < DRAWS; i++) {
            long k = z.nextValue(r);
            assertTrue(k >= 0 && k < n, "draw out of range: " + k);
            counts[(int) k]++;
        }
        long[] sorted = counts.clone();
        Arrays.sort(sorted);
        double top = sorted[n - 1] / (double) DRAWS;
        // Item 0 of the ten-billion item zipfian has probability 1/ZETAN; collisions add a little.
        assertEquals(1 / ScrambledZipfianGenerator.ZETAN, top, 0.25 / ScrambledZipfianGenerator.ZETAN, "seed " + SEED);
        assertTrue(logLogSlope(counts, 1, 30) < -0.6, "seed " + SEED + ": top ranks should fall steeply");
        // The hottest keys are scattered, not the first ones.
        int hottest = 0;
        for (int i = 1; i < n; i++) if (counts[i] > counts[hottest]) hottest = i;
        assertTrue(hottest != 0, "seed " + SEED + ": hottest key should not be key 0");
    }

    @Test
    void latestFavoursTheNewestAcknowledgedInserts() {
        AcknowledgedCounterGenerator counter = new AcknowledgedCounterGenerator(1000);
        SkewedLatestGenerator latest = new SkewedLatestGenerator(counter, ZipfianGenerator.zeta(999, 0.99));
        SplittableRandom r = new SplittableRandom(SEED);
        assertNewestMostPopular(latest, r, 999);
        // Insert 100 more, acknowledged out of order: the newest is now 1099.
        List<Long> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) keys.add(counter.nextValue(r));
        Collections.shuffle(keys, new java.util.Random(SEED));
        for (long k : keys) counter.acknowledge(k);
        assertEquals(1099, counter.lastValue());
        assertNewestMostPopular(latest, r, 1099);
    }

    private static void assertNewestMostPopular(SkewedLatestGenerator latest, SplittableRandom r, long newest) {
        int draws = 50_000;
        long atNewest = 0;
        long withinTen = 0;
        for (int i = 0; i < draws; i++) {
            long k = latest.nextValue(r);
            assertTrue(k <= newest && k >= 0, "seed " + SEED + ": latest drew " + k + " beyond " + newest);
            if (k == newest) atNewest++;
            if (newest - k < 10) withinTen++;
        }
        assertTrue(atNewest > draws / 12, "seed " + SEED + ": the newest key drew only " + atNewest + " of " + draws);
        assertTrue(withinTen > draws / 3, "seed " + SEED + ": the ten newest drew only " + withinTen + " of " + draws);
    }

    @Test
    void uniformPassesChiSquare() {
        int buckets = 100;
        UniformLongGenerator u = new UniformLongGenerator(0, buckets - 1);
        long[] counts = new long[buckets];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < DRAWS; i++) counts[(int) u.nextValue(r)]++;
        double expected = DRAWS / (double) buckets;
        double chi2 = 0;
        for (long c : counts) chi2 += (c - expected) * (c - expected) / expected;
        // 99 degrees of freedom: P(chi2 > 148.2) = 0.001, P(chi2 < 62.4) = 0.001.
        assertTrue(chi2 < 148.2 && chi2 > 62.4, "seed " + SEED + ": chi-square " + chi2);
    }

    @Test
    void acknowledgedCounterOnlyAdvancesOverContiguousAcknowledgements() {
        for (long seed = SEED; seed < SEED + 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            AcknowledgedCounterGenerator c = new AcknowledgedCounterGenerator(50);
            List<Long> handed = new ArrayList<>();
            for (int i = 0; i < 200; i++) handed.add(c.nextValue(r));
            Collections.shuffle(handed, new java.util.Random(seed));
            java.util.TreeSet<Long> acked = new java.util.TreeSet<>();
            for (long k : handed) {
                c.acknowledge(k);
                acked.add(k);
                long expect = 49;
                while (acked.contains(expect + 1)) expect++;
                assertEquals(expect, c.lastValue(), "seed " + seed + " after acknowledging " + k);
            }
            assertEquals(249, c.lastValue(), "seed " + seed);
            long twice = handed.get(0);
            assertThrows(IllegalStateException.class, () -> c.acknowledge(twice), "seed " + seed);
        }
    }

    @Test
    void operationMixFollowsTheProportions() {
        WorkloadConfig a = WorkloadConfig.parse(WorkloadConfig.builtinProperties("f"), "f");
        CoreWorkload.Worker w = new CoreWorkload(a, 1000).worker(new SplittableRandom(SEED));
        int reads = 0, rmws = 0;
        for (int i = 0; i < 20_000; i++) {
            Operation op = w.nextOperation();
            if (op == Operation.READ) reads++;
            else if (op == Operation.READ_MODIFY_WRITE) rmws++;
            else throw new AssertionError("workload f drew " + op);
        }
        assertEquals(0.5, reads / 20_000.0, 0.02, "seed " + SEED);
        assertEquals(20_000, reads + rmws);
    }

    @Test
    void keyNamesAreYcsbs() {
        java.util.Properties p = WorkloadConfig.builtinProperties("a");
        CoreWorkload hashed = new CoreWorkload(WorkloadConfig.parse(p, "a"), 0);
        assertEquals("user" + Fnv.hash64(7), hashed.keyName(7));
        p.setProperty("insertorder", "ordered");
        p.setProperty("zeropadding", "6");
        CoreWorkload ordered = new CoreWorkload(WorkloadConfig.parse(p, "a"), 0);
        assertEquals("user000007", ordered.keyName(7));
        assertEquals("user1234567", ordered.keyName(1234567));
    }

    @Test
    void zipfianKeysNeverPassTheAcknowledgedLimit() {
        java.util.Properties p = WorkloadConfig.builtinProperties("e");
        p.setProperty("recordcount", "100");
        CoreWorkload core = new CoreWorkload(WorkloadConfig.parse(p, "e"), 10_000);
        CoreWorkload.Worker w = core.worker(new SplittableRandom(SEED));
        for (int i = 0; i < 10_000; i++) assertTrue(w.nextKeyNumber() <= core.acknowledgedLimit(), "seed " + SEED);
    }
}
