package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UncertaintyIntervalTest {
    private static final long MAX_OFFSET_NANOS = 250_000_000L;
    private static final Timestamp READ = new Timestamp(1_000_000_000_000L, 5);

    @Test
    void windowIsReadTsExclusiveToReadTsPlusMaxOffsetInclusive() {
        UncertaintyInterval window = UncertaintyInterval.start(READ, MAX_OFFSET_NANOS);
        assertEquals(new Timestamp(READ.wallNanos() + MAX_OFFSET_NANOS, Integer.MAX_VALUE), window.globalLimit());
        assertTrue(window.isUncertain(new Timestamp(READ.wallNanos() + MAX_OFFSET_NANOS, 99)),
                "the bound is in wall time: any logical counter at readTs.wall + maxOffset is uncertain");
        assertFalse(window.isUncertain(READ, 1), "a value at the read timestamp is simply visible");
        assertFalse(window.isUncertain(READ.prev(), 1));
        assertTrue(window.isUncertain(READ.next(), 1));
        assertTrue(window.isUncertain(window.globalLimit(), 1));
        assertFalse(window.isUncertain(window.globalLimit().next(), 1), "beyond the limit is certainly later");
        assertTrue(window.isUncertain(window.globalLimit()));
    }

    @Test
    void observedTimestampsShrinkTheWindowPerNodeAndKeepTheEarliest() {
        UncertaintyInterval window = UncertaintyInterval.start(READ, MAX_OFFSET_NANOS);
        Timestamp observed = READ.addNanos(10_000_000L);
        UncertaintyInterval shrunk = window.withObserved(2, observed);
        assertEquals(observed, shrunk.limitFor(2));
        assertEquals(window.globalLimit(), shrunk.limitFor(3), "other nodes keep the global limit");
        assertTrue(shrunk.isUncertain(observed, 2));
        assertFalse(shrunk.isUncertain(observed.next(), 2), "node 2 wrote it after our read reached it");
        assertTrue(shrunk.isUncertain(observed.next(), 3));

        assertSame(shrunk, shrunk.withObserved(2, observed.addNanos(1)), "a later observation changes nothing");
        Timestamp earlier = READ.addNanos(1_000L);
        assertEquals(earlier, shrunk.withObserved(2, earlier).limitFor(2));

        UncertaintyInterval beyond = window.withObserved(4, window.globalLimit().addNanos(1_000L));
        assertEquals(window.globalLimit(), beyond.limitFor(4), "an observation above the global limit does not widen");
        UncertaintyInterval below = window.withObserved(5, READ.prev());
        assertEquals(READ, below.limitFor(5), "an observation below the read timestamp empties the window");
        assertFalse(below.isUncertain(READ.next(), 5));
        assertFalse(window.observed().containsKey(2), "the original is immutable");
    }

    @Test
    void restartMovesTheReadTimestampAboveTheValueButKeepsTheLimits() {
        UncertaintyInterval window = UncertaintyInterval.start(READ, MAX_OFFSET_NANOS).withObserved(2, READ.addNanos(50));
        Timestamp value = READ.addNanos(20);
        UncertaintyInterval restarted = window.restartAbove(value);
        assertEquals(value.next(), restarted.readTs());
        assertEquals(window.globalLimit(), restarted.globalLimit());
        assertEquals(window.observed(), restarted.observed());
        assertFalse(restarted.isUncertain(value, 2), "the value that caused the restart is now visible");
        assertThrows(IllegalArgumentException.class, () -> window.restartAbove(READ));
        assertThrows(IllegalArgumentException.class, () -> window.withReadTs(READ.prev()));
    }

    /** Restarts always terminate: each one moves readTs up, and the limit never moves. */
    @Test
    void restartsConvergeUnderRandomWrites() {
        long seed = TestSeeds.next();
        SplittableRandom random = new SplittableRandom(seed);
        for (int run = 0; run < 200; run++) {
            UncertaintyInterval window = UncertaintyInterval.start(READ, MAX_OFFSET_NANOS);
            for (int n = 0; n < 3; n++) {
                if (random.nextBoolean()) {
                    window = window.withObserved(n, READ.addNanos(random.nextLong(-1_000, MAX_OFFSET_NANOS + 1_000)));
                }
            }
            int restarts = 0;
            while (true) {
                long node = random.nextInt(3);
                Timestamp value = window.readTs().addNanos(random.nextLong(1, MAX_OFFSET_NANOS / 10));
                if (!window.isUncertain(value, node)) {
                    if (value.isAfter(window.readTs()) && !value.isAfter(window.limitFor(node))) {
                        fail(TestSeeds.describe(seed) + ": in-window value not reported uncertain");
                    }
                    break;
                }
                UncertaintyInterval next = window.restartAbove(value);
                if (!next.readTs().isAfter(window.readTs()) || !next.globalLimit().equals(window.globalLimit())) {
                    fail(TestSeeds.describe(seed) + ": restart did not move forward with a fixed limit");
                }
                window = next;
                if (++restarts > 1_000) {
                    fail(TestSeeds.describe(seed) + ": restarts did not converge");
                }
            }
        }
    }

    @Test
    void noneHasAnEmptyWindowAndStartValidates() {
        UncertaintyInterval none = UncertaintyInterval.none(READ);
        assertFalse(none.isUncertain(READ.next(), 1));
        assertThrows(IllegalArgumentException.class, () -> UncertaintyInterval.start(READ, 0));
        assertEquals(Timestamp.MAX, UncertaintyInterval.start(new Timestamp(Long.MAX_VALUE - 5, 0), MAX_OFFSET_NANOS)
                .globalLimit());
    }
}
