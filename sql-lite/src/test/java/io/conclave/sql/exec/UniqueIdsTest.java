package io.conclave.sql.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UniqueIdsTest {
    @Test
    void idsIncreaseCarryTheInstanceAndFollowTheClock() {
        UniqueIds a = new UniqueIds(7);
        UniqueIds b = new UniqueIds(8);
        long wall = 1_764_000_000_000_000L;
        long previous = 0;
        for (int i = 0; i < 1_000; i++) {
            long id = a.next(wall);
            assertTrue(id > previous, "ids must strictly increase");
            assertEquals(7, id & 0x7fff);
            assertTrue(b.next(wall) != id);
            previous = id;
        }
        long later = a.next(wall + 60_000_000L);
        assertEquals((wall + 60_000_000L) / 10 << 15 | 7, later, "an id follows the clock once it is ahead");
        assertThrows(IllegalArgumentException.class, () -> new UniqueIds(UniqueIds.MAX_INSTANCE_ID + 1));
    }
}
