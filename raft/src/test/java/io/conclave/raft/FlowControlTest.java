package io.conclave.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FlowControlTest {

    @Test
    void inflightsRingFreesInOrder() {
        Inflights in = new Inflights(3, Long.MAX_VALUE);
        in.add(5, 10);
        in.add(7, 10);
        in.add(9, 10);
        assertTrue(in.full());
        in.freeLE(7);
        assertEquals(1, in.count());
        in.add(11, 10);
        in.add(12, 10);
        assertTrue(in.full());
        in.freeLE(100);
        assertEquals(0, in.count());
    }

    @Test
    void inflightsAreFullOnceTheirBytesReachTheBoundAndFreeThemWithTheMessages() {
        Inflights in = new Inflights(100, 1_000);
        in.add(5, 600);
        assertFalse(in.full());
        in.add(9, 900);
        assertTrue(in.full(), "one message may cross the bound, then the window is full");
        assertEquals(1_500, in.bytes());
        in.freeLE(5);
        assertEquals(900, in.bytes());
        assertFalse(in.full());
        in.reset();
        assertEquals(0, in.bytes());
    }

    @Test
    void probePausesAfterOneMessageAndRejectionBacksOff() {
        Progress pr = new Progress(11, 4, Long.MAX_VALUE, false);
        pr.sentEntries(3, 30);
        assertTrue(pr.isPaused());
        assertTrue(pr.maybeDecrTo(10, 4));
        assertEquals(5, pr.next);
        assertFalse(pr.isPaused());
        assertFalse(pr.maybeDecrTo(10, 4), "stale rejection ignored");
    }

    @Test
    void replicateStreamsUntilWindowIsFull() {
        Progress pr = new Progress(1, 2, Long.MAX_VALUE, false);
        pr.becomeReplicate();
        pr.sentEntries(2, 20);
        assertFalse(pr.isPaused());
        pr.sentEntries(1, 10);
        assertTrue(pr.isPaused());
        assertEquals(4, pr.next);
        assertTrue(pr.maybeUpdate(2));
        pr.inflights.freeLE(2);
        assertFalse(pr.isPaused());
    }

    @Test
    void snapshotStateResumesAfterSnapshotIndex() {
        Progress pr = new Progress(1, 2, Long.MAX_VALUE, false);
        pr.becomeSnapshot(50);
        assertTrue(pr.isPaused());
        pr.becomeProbe();
        assertEquals(51, pr.next);
    }
}
