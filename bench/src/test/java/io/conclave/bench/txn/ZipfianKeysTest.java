package io.conclave.bench.txn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class ZipfianKeysTest {
    /** Rank i's share is (1/(i+1)^theta) / zeta(n); each draw stays in [0, n). */
    @Test
    void ranksFollowTheZipfianWeights() {
        long seed = new SplittableRandom().nextLong();
        int n = 1_000;
        int draws = 200_000;
        ZipfianKeys keys = new ZipfianKeys(n, ZipfianKeys.THETA);
        SplittableRandom random = new SplittableRandom(seed);
        int[] counts = new int[n];
        for (int i = 0; i < draws; i++) {
            int rank = keys.next(random);
            assertTrue(rank >= 0 && rank < n, "rank " + rank + " out of range; seed " + seed);
            counts[rank]++;
        }
        double zeta = 0;
        for (int i = 1; i <= n; i++) zeta += 1 / Math.pow(i, ZipfianKeys.THETA);
        for (int rank : new int[] {0, 1, 9}) {
            double expected = draws / Math.pow(rank + 1, ZipfianKeys.THETA) / zeta;
            double got = counts[rank];
            assertTrue(Math.abs(got - expected) < 0.1 * expected,
                    "rank " + rank + ": " + got + " draws, expected about " + expected + "; seed " + seed);
        }
        assertTrue(counts[0] > counts[1] && counts[1] > counts[9], "popularity must fall with rank; seed " + seed);
    }

    @Test
    void refusesEmptyOrBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new ZipfianKeys(0, 0.99));
        assertThrows(IllegalArgumentException.class, () -> new ZipfianKeys(10, 1.0));
    }
}
