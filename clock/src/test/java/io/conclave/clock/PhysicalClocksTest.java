package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PhysicalClocksTest {
    @Test
    void manualClockMovesOnlyWhenToldAndNotifiesListeners() {
        ManualClock clock = new ManualClock(100);
        AtomicInteger moves = new AtomicInteger();
        clock.addListener(moves::incrementAndGet);
        assertEquals(100, clock.nowNanos());
        assertEquals(150, clock.advance(50));
        clock.set(20);
        assertEquals(20, clock.nowNanos());
        assertEquals(2, moves.get());
    }

    @Test
    void offsetClockAddsAFixedOffset() {
        ManualClock base = new ManualClock(1_000);
        OffsetClock skewed = new OffsetClock(base, ClockDurations.parse("-2s"));
        assertEquals(1_000 - 2_000_000_000L, skewed.nowNanos());
        base.advance(10);
        assertEquals(1_010 - 2_000_000_000L, skewed.nowNanos());
        assertEquals(Long.MAX_VALUE, new OffsetClock(new ManualClock(Long.MAX_VALUE - 1), 10).nowNanos());
    }

    @Test
    void driftingClockDriftsInPartsPerMillionAndJumps() {
        ManualClock base = new ManualClock(5_000_000_000L);
        DriftingClock drifting = new DriftingClock(base, 7, 100);
        assertEquals(5_000_000_007L, drifting.nowNanos());
        base.advance(1_000_000_000L); // one second at +100 ppm gains 100 us
        assertEquals(6_000_000_007L + 100_000L, drifting.nowNanos());
        drifting.jump(-1_000_000_000L);
        assertEquals(5_000_000_007L + 100_000L, drifting.nowNanos());
        assertThrows(IllegalArgumentException.class, () -> new DriftingClock(base, 0, 2_000_000));
    }

    @Test
    void systemClockReadsPlausibleEpochNanos() {
        long now = SystemClock.INSTANCE.nowNanos();
        assertTrue(now > 1_700_000_000_000_000_000L, "system clock reads " + now);
    }

    @Test
    void testClockOffsetFlagWrapsTheBaseClock() {
        ManualClock base = new ManualClock(10_000_000_000L);
        assertEquals(10_750_000_000L, OffsetClock.forTestFlag(base, "750ms").nowNanos());
        assertEquals(8_000_000_000L, OffsetClock.forTestFlag(base, "-2s").nowNanos());
        assertTrue(OffsetClock.forTestFlag(base, null) == base);
        assertTrue(OffsetClock.forTestFlag(base, "0") == base);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OffsetClock.forTestFlag(base, "2"));
        assertTrue(e.getMessage().startsWith("--test-clock-offset: invalid duration '2'"), e.getMessage());
    }
}
