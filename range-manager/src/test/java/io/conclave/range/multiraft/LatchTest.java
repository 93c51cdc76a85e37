package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** When a write's latch may go: only once the write can no longer apply, answered or not. */
class LatchTest {
    private static Replica.Latch latch() {
        return new Replica.Latch(new MvccRequests.Footprint(List.of(new byte[] {0x10}), List.of()));
    }

    @Test
    void anUnproposedWriteHoldsItsLatchUntilAnswered() {
        Replica.Latch l = latch();
        assertFalse(l.released(false, 100, 3));
        assertTrue(l.released(true, 0, 3), "refused before the log: it can never apply");
    }

    @Test
    void aProposedWriteHoldsItsLatchPastItsAnswerUntilItsIndexApplies() {
        Replica.Latch l = latch();
        l.proposedAt(42, 3);
        assertFalse(l.released(true, 41, 3), "answered AMBIGUOUS_RESULT, it may still apply at index 42");
        assertTrue(l.released(true, 42, 3));
        assertTrue(l.released(false, 50, 3), "index 42 applied: the write or its replacement");
    }

    @Test
    void aLeaseChangeReleasesItSinceApplyRefusesAnOlderSequence() {
        Replica.Latch l = latch();
        l.proposedAt(42, 3);
        assertTrue(l.released(true, 10, 4));
        Replica.Latch noLeases = latch();
        noLeases.proposedAt(42, 0);
        assertFalse(noLeases.released(true, 10, 4), "sequence 0 is checked against nothing at apply");
    }

    @Test
    void aProposalIndexMustBePositive() {
        assertThrows(IllegalStateException.class, () -> latch().proposedAt(0, 3));
    }
}
