package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.clock.proto.TimestampProto;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampTest {
    @Test
    void readableFormMatchesTheDocumentedExample() {
        Timestamp ts = new Timestamp(1_764_160_000_123_456_789L, 3);
        assertEquals("1764160000.123456789,3", ts.toString());
        assertEquals(ts, Timestamp.parse("1764160000.123456789,3"));
        assertEquals("0.000000000,0", Timestamp.MIN.toString());
        assertEquals("0.000000007,0", new Timestamp(7, 0).toString());
    }

    @Test
    void parseAcceptsShortForms() {
        assertEquals(new Timestamp(12_500_000_000L, 0), Timestamp.parse("12.5"));
        assertEquals(new Timestamp(12_000_000_000L, 4), Timestamp.parse("12,4"));
        assertEquals(new Timestamp(12_000_000_000L, 0), Timestamp.parse(" 12 "));
    }

    @Test
    void parseRejectsBadInputWithClearMessages() {
        String[] bad = {"", "abc", "-1.0,0", "1.,0", "1.1234567890,0", "1.5,", "1.5,-1", "1.5,x",
            "1.5,2147483648", "99999999999999999999.0,0", "9223372037.0,0", "1.2.3", ",3"};
        for (String input : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Timestamp.parse(input),
                    () -> "accepted '" + input + "'");
            assertTrue(e.getMessage().startsWith("invalid timestamp '" + input + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Timestamp.parse(null));
    }

    @Test
    void roundTripsThroughTextAndProtoForRandomTimestamps() {
        long seed = TestSeeds.next();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            Timestamp ts = new Timestamp(random.nextLong(Long.MAX_VALUE), random.nextInt(Integer.MAX_VALUE));
            assertEquals(ts, Timestamp.parse(ts.toString()), TestSeeds.describe(seed));
            assertEquals(ts, Timestamp.fromProto(ts.toProto()), TestSeeds.describe(seed));
        }
        assertEquals(Timestamp.MAX, Timestamp.parse(Timestamp.MAX.toString()));
    }

    @Test
    void orderIsWallThenLogicalAndNextPrevAreNeighbours() {
        Timestamp a = new Timestamp(5, Integer.MAX_VALUE);
        Timestamp b = new Timestamp(6, 0);
        assertTrue(a.isBefore(b));
        assertEquals(b, a.next());
        assertEquals(a, b.prev());
        assertEquals(new Timestamp(5, 1), new Timestamp(5, 0).next());
        assertEquals(b, Timestamp.max(a, b));
        assertEquals(a, Timestamp.min(a, b));
        assertThrows(IllegalArgumentException.class, () -> Timestamp.MAX.next());
        assertThrows(IllegalArgumentException.class, () -> Timestamp.MIN.prev());
    }

    @Test
    void addNanosKeepsLogicalAndRejectsOverflow() {
        assertEquals(new Timestamp(15, 2), new Timestamp(5, 2).addNanos(10));
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(Long.MAX_VALUE - 1, 0).addNanos(2));
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(5, 0).addNanos(-6));
    }

    @Test
    void negativePartsAreRejectedIncludingFromTheWire() {
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Timestamp(0, -1));
        TimestampProto hostile = TimestampProto.newBuilder().setWallNanos(-5).build();
        assertThrows(IllegalArgumentException.class, () -> Timestamp.fromProto(hostile));
    }
}
