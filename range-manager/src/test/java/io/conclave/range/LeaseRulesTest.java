package io.conclave.range;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.Timestamp;
import io.conclave.range.rpc.Lease;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LeaseRulesTest {
    static final long SECOND = 1_000_000_000L;
    static final long OFFSET = 250_000_000L;
    static final long DURATION = 9 * SECOND;

    static Timestamp at(long nanos) {
        return new Timestamp(nanos, 0);
    }

    @Test
    void aHolderServesUntilTheStasisAndOthersWaitForTheExpirationPlusTheOffset() {
        Lease l = LeaseRules.acquire(Lease.getDefaultInstance(), 1, at(100 * SECOND), DURATION, OFFSET);
        assertEquals(1, l.getSequence());
        assertTrue(LeaseRules.canServe(l, 1, at(100 * SECOND), OFFSET));
        assertFalse(LeaseRules.canServe(l, 2, at(100 * SECOND), OFFSET));
        long exp = l.getExpiration().getWallNanos();
        assertTrue(LeaseRules.canServe(l, 1, at(exp - OFFSET - 1), OFFSET));
        assertFalse(LeaseRules.canServe(l, 1, at(exp - OFFSET), OFFSET), "stasis");
        assertEquals(LeaseRules.Status.STASIS, LeaseRules.status(l, at(exp - 1), OFFSET));
        assertEquals(LeaseRules.Status.EXPIRED, LeaseRules.status(l, at(exp), OFFSET));
        assertFalse(LeaseRules.othersMayAcquire(l, at(exp - OFFSET - 1), OFFSET));

        Lease next = LeaseRules.acquire(l, 2, at(exp - OFFSET / 2), DURATION, OFFSET);
        assertEquals(2, next.getSequence());
        assertEquals(exp + OFFSET, next.getStart().getWallNanos(), "starts after the expiration plus the offset");
        assertFalse(LeaseRules.canServe(next, 2, at(exp), OFFSET), "not before its start");
        assertNull(LeaseRules.applyProblem(l, l, next, 2, OFFSET));
    }

    @Test
    void renewalKeepsTheSequenceAndOnlyHappensInTheSecondHalf() {
        Lease l = LeaseRules.acquire(Lease.getDefaultInstance(), 3, at(10 * SECOND), DURATION, OFFSET);
        assertFalse(LeaseRules.shouldRenew(l, 3, at(10 * SECOND + DURATION / 2 - 1), DURATION));
        assertTrue(LeaseRules.shouldRenew(l, 3, at(10 * SECOND + DURATION / 2 + 1), DURATION));
        assertFalse(LeaseRules.shouldRenew(l, 4, at(10 * SECOND + DURATION / 2 + 1), DURATION), "not the holder");
        Lease ext = LeaseRules.acquire(l, 3, at(15 * SECOND), DURATION, OFFSET);
        assertEquals(l.getSequence(), ext.getSequence());
        assertEquals(l.getStart(), ext.getStart());
        assertEquals(15 * SECOND + DURATION, ext.getExpiration().getWallNanos());
        assertNull(LeaseRules.applyProblem(l, l, ext, 3, OFFSET));
    }

    @Test
    void aTransferStartsAtOnceButOnlyFromTheHolderAndRacingRequestsCannotBothApply() {
        Lease l = LeaseRules.acquire(Lease.getDefaultInstance(), 1, at(10 * SECOND), DURATION, OFFSET);
        Lease t = LeaseRules.transfer(l, 2, at(11 * SECOND), DURATION);
        assertEquals(2, t.getSequence());
        assertNull(LeaseRules.applyProblem(l, l, t, 1, OFFSET), "the holder hands it over");
        assertNotNull(LeaseRules.applyProblem(l, l, t, 2, OFFSET), "nobody else may start inside the lease");
        Lease ext = LeaseRules.acquire(l, 1, at(12 * SECOND), DURATION, OFFSET);
        assertNotNull(LeaseRules.applyProblem(t, l, ext, 1, OFFSET), "the extension lost the race to the transfer");
        assertNotNull(LeaseRules.applyProblem(ext, l, t, 1, OFFSET), "the transfer lost the race to the extension");
    }

    /** Whatever sequence of acquisitions, extensions and transfers applies, no two holders can serve at once. */
    @Test
    void appliedLeasesNeverLetTwoHoldersServeAtOnce() {
        long seed = Long.getLong("lease.seed", 99);
        SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 200; run++) {
            Lease current = Lease.getDefaultInstance();
            long clock = 1000 * SECOND;
            for (int step = 0; step < 50; step++) {
                clock += random.nextLong(3 * SECOND);
                long node = 1 + random.nextInt(3);
                // Each node's clock may be off by up to the offset: it proposes with its own reading.
                Timestamp nodeNow = at(clock + random.nextLong(-OFFSET, OFFSET + 1));
                Lease proposed;
                if (current.getHolder() == node && random.nextInt(4) == 0) {
                    long to = 1 + (node + random.nextInt(2)) % 3;
                    proposed = LeaseRules.transfer(current, to, nodeNow, DURATION);
                } else {
                    proposed = LeaseRules.acquire(current, node, nodeNow, DURATION, OFFSET);
                }
                if (LeaseRules.applyProblem(current, current, proposed, node, OFFSET) != null) continue;
                if (current.getHolder() != 0 && current.getHolder() != proposed.getHolder()
                        && node != current.getHolder()) {
                    // Not a transfer: on every clock within the offset, the old lease is over before the new starts.
                    assertTrue(proposed.getStart().getWallNanos() >= current.getExpiration().getWallNanos() + OFFSET,
                            "seed " + seed + " run " + run + ": " + current + " then " + proposed);
                }
                current = proposed;
            }
        }
    }
}
