package io.conclave.node.clocksync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.HybridLogicalClock;
import io.conclave.clock.ManualClock;
import io.conclave.clock.Timestamp;
import io.conclave.storage.Store;
import io.conclave.storage.StoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HlcHighWaterTest {
    private static final long MS = 1_000_000L;
    private static final long MAX_OFFSET = 250 * MS;
    private static final long INTERVAL = 500 * MS;

    @TempDir
    Path dir;

    @Test
    void aRestartWithAClockSteppedBackNeverReusesATimestamp() {
        ManualClock physical = new ManualClock(1_000_000 * MS);
        Timestamp lastIssued;
        long mark;
        try (Store store = Store.open(dir, StoreOptions.defaults().withFsync(false))) {
            HybridLogicalClock clock = new HybridLogicalClock(physical, MAX_OFFSET);
            HlcHighWater highWater = new HlcHighWater(store, clock, INTERVAL);
            assertEquals(0, highWater.restore(), "a fresh store has no mark");
            mark = highWater.persist();
            assertEquals(MAX_OFFSET + 2 * INTERVAL, highWater.marginNanos());
            // Timestamps handed out until just before the next (late) persist stay below the mark.
            physical.advance(2 * INTERVAL - 1);
            lastIssued = clock.now();
            assertTrue(lastIssued.wallNanos() < mark, lastIssued + " must stay below the mark " + mark);
        }
        physical.advance(-3_600_000 * MS); // an hour back while the node was down
        try (Store store = Store.open(dir, StoreOptions.defaults().withFsync(false))) {
            HybridLogicalClock clock = new HybridLogicalClock(physical, MAX_OFFSET);
            HlcHighWater highWater = new HlcHighWater(store, clock, INTERVAL);
            assertEquals(mark, highWater.read().orElseThrow());
            long lead = highWater.restore();
            assertEquals(mark - physical.nowNanos(), lead);
            Timestamp first = clock.now();
            assertTrue(first.compareTo(lastIssued) > 0, first + " after restart must exceed " + lastIssued);
        }
    }

    @Test
    void theKeyLiesOutsideEveryGroupsRange() {
        // Groups are numbered from 1 and their keys start with the group id as 8 big-endian bytes.
        byte[] key = HlcHighWater.KEY;
        for (int i = 0; i < 8; i++) assertEquals((byte) 0xFF, key[i]);
        assertTrue(key.length > 8);
    }
}
