package io.conclave.node.clocksync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.ManualClock;
import io.conclave.txn.TxnUnavailableException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Registration and self-fencing on a manual physical clock. */
class TimestampFenceTest {
    private static final long START_NANOS = 1_764_160_000_000_000_000L;
    private static final long MAX_OFFSET_NANOS = 250_000_000L;
    private static final long MILLI = 1_000_000L;
    private static final long TTL_NANOS = 900 * MILLI;

    private final ManualClock physical = new ManualClock(START_NANOS);
    private final TimestampFence fence = new TimestampFence(4, physical, MAX_OFFSET_NANOS, Duration.ZERO);

    /** Opens a fresh fence: a write, then the max offset waited out. */
    private void register() {
        long wait = fence.writeCompleted(physical.nowNanos() + TTL_NANOS);
        physical.advance(wait);
        assertEquals(0, fence.waitOut());
        assertTrue(fence.open());
    }

    @Test
    void aFreshNodeOpensOnlyAMaxOffsetAfterItsFirstWriteCompleted() {
        assertFalse(fence.open());
        long wait = fence.writeCompleted(physical.nowNanos() + TTL_NANOS);
        assertEquals(MAX_OFFSET_NANOS + 1, wait);
        physical.advance(MAX_OFFSET_NANOS);
        assertEquals(1, fence.waitOut(), "one nanosecond early");
        assertFalse(fence.open());
        physical.advance(1);
        assertEquals(0, fence.waitOut());
        assertTrue(fence.open() && fence.everOpened());
        assertEquals(0, fence.fencings(), "registering is not fencing");
    }

    @Test
    void anOpenNodeFencesItselfWhenItsPhysicalClockReachesTheLastCompletedWritesExpiration() {
        register();
        long expiration = physical.nowNanos() + TTL_NANOS;
        assertEquals(0, fence.writeCompleted(expiration), "open: the write extends at once");
        physical.advance(expiration - physical.nowNanos() - 1);
        assertTrue(fence.open(), "one nanosecond before the expiration");
        fence.noticeFenced();
        assertEquals(0, fence.fencings());
        physical.advance(1);
        assertFalse(fence.open(), "at the expiration");
        fence.noticeFenced();
        fence.noticeFenced();
        assertEquals(1, fence.fencings(), "noticed once");
    }

    @Test
    void aFencedNodeWaitsTheMaxOffsetAfterAWriteEvenWithAFreshExpiration() {
        register();
        physical.advance(TTL_NANOS);
        assertFalse(fence.open());
        physical.advance(5 * MILLI);
        long wait = fence.writeCompleted(physical.nowNanos() + TTL_NANOS);
        assertEquals(MAX_OFFSET_NANOS + 1, wait);
        assertFalse(fence.open(), "a round may have skipped this node: its clock may be a max offset behind");
        physical.advance(MAX_OFFSET_NANOS / 2);
        // A second write during the wait does not restart it; the first completed one counts.
        assertEquals(MAX_OFFSET_NANOS / 2 + 1, fence.writeCompleted(physical.nowNanos() + TTL_NANOS));
        physical.advance(MAX_OFFSET_NANOS / 2 + 1);
        assertEquals(0, fence.waitOut());
        assertTrue(fence.open());
        assertEquals(MAX_OFFSET_NANOS + 1, fence.lastReopenWaitNanos(), "counted from the first completed write");
        assertEquals(1, fence.fencings());
    }

    @Test
    void aWriteCompletingExactlyAtTheExpirationDoesNotReopenAtOnce() {
        register();
        long expiration = physical.nowNanos() + TTL_NANOS;
        fence.writeCompleted(expiration);
        physical.advance(expiration - physical.nowNanos());
        assertTrue(fence.writeCompleted(expiration + TTL_NANOS) > MAX_OFFSET_NANOS);
        assertFalse(fence.open());
    }

    @Test
    void anExpirationThatPassesDuringTheWaitLeavesTheNodeClosed() {
        long wait = fence.writeCompleted(physical.nowNanos() + 100 * MILLI);
        physical.advance(wait);
        assertEquals(0, fence.waitOut());
        assertFalse(fence.open(), "its record expired before the wait ended");
        assertFalse(fence.everOpened());
    }

    @Test
    void aReadingCountsOnlyIfTheNodeStayedOpenFromTheCheckToAfterTheRead() {
        assertEquals(TimestampFence.CLOSED, fence.openToken());
        assertFalse(fence.stillOpen(TimestampFence.CLOSED));
        register();
        long expiration = physical.nowNanos() + TTL_NANOS;
        fence.writeCompleted(expiration);
        long token = fence.openToken();
        assertTrue(fence.stillOpen(token), "nothing happened between the check and the read");
        // A pause between the check and the clock reading carries it past the expiration.
        physical.advance(expiration - physical.nowNanos());
        assertFalse(fence.stillOpen(token), "read after the node's record expired: a round may skip it");
        // Closed and opened again between the check and the reading: open at both ends, but not throughout.
        physical.advance(5 * MILLI);
        physical.advance(fence.writeCompleted(physical.nowNanos() + TTL_NANOS));
        assertEquals(0, fence.waitOut());
        assertTrue(fence.open());
        assertFalse(fence.stillOpen(token), "another open period: the reading may predate the reopening");
        long next = fence.openToken();
        assertTrue(next != token && fence.stillOpen(next));
        assertEquals(next, fence.awaitOpen(), "an open gate returns the current period's token");
    }

    @Test
    void aBeginOnAClosedNodeFailsRetryablyNamingWhy() {
        TxnUnavailableException registering = assertThrows(TxnUnavailableException.class, fence::awaitOpen);
        assertEquals("57P03", registering.sqlState());
        assertTrue(registering.getMessage().contains("registering"), registering.getMessage());
        register();
        fence.awaitOpen();
        physical.advance(TTL_NANOS);
        TxnUnavailableException fenced = assertThrows(TxnUnavailableException.class, fence::awaitOpen);
        assertTrue(fenced.getMessage().contains("fenced itself"), fenced.getMessage());
    }

    @Test
    void theBeginWaitIsValidated() {
        assertThrows(IllegalArgumentException.class,
                () -> new TimestampFence(1, physical, MAX_OFFSET_NANOS, Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> new TimestampFence(1, physical, MAX_OFFSET_NANOS, TimestampFence.MAX_BEGIN_WAIT.plusMillis(1)));
        assertThrows(IllegalArgumentException.class, () -> new TimestampFence(1, physical, 0, Duration.ZERO));
    }

    @Test
    void aWithdrawnNodeStaysClosedWhateverWritesComplete() {
        register();
        long token = fence.openToken();
        fence.withdraw();
        assertFalse(fence.open());
        assertFalse(fence.stillOpen(token), "a timestamp read before the withdrawal may not be handed out after it");
        assertEquals(0, fence.writeCompleted(physical.nowNanos() + TTL_NANOS), "a heartbeat in flight opens nothing");
        physical.advance(MAX_OFFSET_NANOS + 1);
        assertEquals(0, fence.waitOut());
        assertFalse(fence.open());
        fence.noticeFenced();
        assertEquals(0, fence.fencings(), "shutting down is not fencing");
        TxnUnavailableException e = assertThrows(TxnUnavailableException.class, fence::awaitOpen);
        assertTrue(e.getMessage().contains("shutting down"), e.getMessage());
    }
}
