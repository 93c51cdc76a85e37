package io.conclave.range.multiraft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.conclave.range.multiraft.RangeSimHistory.Observation;
import io.conclave.range.multiraft.RangeSimHistory.Outcome;
import org.junit.jupiter.api.Test;

/** The simulation's register checks on small hand-made histories: what they refuse and what they allow. */
class RangeSimHistoryTest {
    private static RangeSimHistory.Write write(RangeSimHistory h, String value, long from, long to, Outcome outcome) {
        RangeSimHistory.Write w = h.invokeWrite("k", value, from);
        h.complete(w, outcome, to);
        return w;
    }

    @Test
    void aReadOfAValueOverwrittenBeforeItBeganIsStale() {
        RangeSimHistory h = new RangeSimHistory();
        write(h, "v1", 0, 10, Outcome.OK);
        write(h, "v2", 20, 30, Outcome.OK);
        assertThrows(AssertionError.class, () -> h.observe("k", new Observation("v1", 40, 50, "get")));
        assertThrows(AssertionError.class, () -> h.observe("k", new Observation(null, 40, 50, "get")));
    }

    @Test
    void aReadConcurrentWithTheOverwriteMaySeeEither() {
        RangeSimHistory h = new RangeSimHistory();
        write(h, "v1", 0, 10, Outcome.OK);
        write(h, "v2", 20, 30, Outcome.OK);
        assertDoesNotThrow(() -> h.observe("k", new Observation("v1", 25, 50, "get")));
        assertDoesNotThrow(() -> h.observe("k", new Observation("v2", 25, 50, "get")));
    }

    @Test
    void valuesNeverWrittenFailedOrNotYetBegunAreRefused() {
        RangeSimHistory h = new RangeSimHistory();
        write(h, "v1", 0, 10, Outcome.FAILED);
        h.invokeWrite("k", "v2", 100);
        assertThrows(AssertionError.class, () -> h.observe("k", new Observation("v0", 20, 30, "get")));
        assertThrows(AssertionError.class, () -> h.observe("k", new Observation("v1", 20, 30, "get")));
        assertThrows(AssertionError.class, () -> h.observe("k", new Observation("v2", 20, 30, "get")));
    }

    @Test
    void anUnknownWriteMayTakeEffectAnyTimeAfterItBegan() {
        RangeSimHistory h = new RangeSimHistory();
        write(h, "v1", 0, 10, Outcome.OK);
        write(h, "v2", 20, 30, Outcome.UNKNOWN);
        assertDoesNotThrow(() -> h.observe("k", new Observation("v1", 40, 50, "get")));
        assertDoesNotThrow(() -> h.observe("k", new Observation("v2", 60, 70, "get")));
    }

    @Test
    void readsInRealTimeOrderDoNotGoBack() {
        RangeSimHistory h = new RangeSimHistory();
        write(h, "v1", 0, 10, Outcome.UNKNOWN);
        write(h, "v2", 20, 30, Outcome.UNKNOWN);
        h.observe("k", new Observation("v2", 40, 50, "get"));
        // v1 was acknowledged never, so its ack time is unknown: going back to it is allowed
        // only because nothing says v1 preceded v2.
        assertDoesNotThrow(() -> h.observe("k", new Observation("v1", 60, 70, "get")));
        RangeSimHistory ordered = new RangeSimHistory();
        write(ordered, "v1", 0, 10, Outcome.OK);
        write(ordered, "v2", 20, 100, Outcome.UNKNOWN);
        ordered.observe("k", new Observation("v2", 40, 50, "get"));
        assertThrows(AssertionError.class, () -> ordered.observe("k", new Observation("v1", 60, 70, "get")));
    }
}
