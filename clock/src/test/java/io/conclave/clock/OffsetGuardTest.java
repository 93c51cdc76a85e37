package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OffsetGuardTest {
    private static final long MS = 1_000_000L;
    private static final long START_NANOS = 1_764_160_000_000_000_000L;

    @Test
    void stopsTheNodeOnceWithOneMessageAndStopsChecking() {
        ManualClock clock = new ManualClock(START_NANOS);
        ManualScheduler scheduler = new ManualScheduler(clock);
        RemoteClockMonitor monitor = new RemoteClockMonitor(1, clock, 500 * MS);
        List<String> fatalMessages = new ArrayList<>();
        OffsetGuard guard = new OffsetGuard(monitor, () -> Set.of(1L, 2L, 3L), fatalMessages::add);
        guard.start(scheduler, 1_000 * MS);

        clock.advance(5_000 * MS); // five healthy checks
        assertTrue(fatalMessages.isEmpty());
        assertEquals(1, scheduler.pendingCount());

        monitor.recordMeasurement(2, 612 * MS, 0, clock.nowNanos());
        monitor.recordMeasurement(3, -598 * MS, 0, clock.nowNanos());
        for (int i = 0; i < 5; i++) {
            clock.advance(1_000 * MS);
        }
        assertEquals(1, fatalMessages.size(), "one message, not one per period");
        assertTrue(fatalMessages.get(0).endsWith("node 2 +612ms, node 3 -598ms; stopping to avoid serving stale reads"),
                fatalMessages.get(0));
        assertTrue(guard.hasStopped());
        assertEquals(0, scheduler.pendingCount(), "no checks after stopping");
        assertTrue(guard.checkNow().fatal());
        assertEquals(1, fatalMessages.size());
    }

    @Test
    void closeEndsPeriodicChecks() {
        ManualClock clock = new ManualClock(START_NANOS);
        ManualScheduler scheduler = new ManualScheduler(clock);
        OffsetGuard guard = new OffsetGuard(new RemoteClockMonitor(1, clock, 500 * MS), () -> Set.of(1L), m -> { });
        guard.start(scheduler, 10 * MS);
        guard.close();
        clock.advance(10 * MS);
        assertEquals(0, scheduler.pendingCount());
        assertFalse(guard.hasStopped());
    }
}
