package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClockDurationsTest {
    @Test
    void parsesFlagValues() {
        assertEquals(750_000_000L, ClockDurations.parse("750ms"));
        assertEquals(-2_000_000_000L, ClockDurations.parse("-2s"));
        assertEquals(500_000L, ClockDurations.parse("500us"));
        assertEquals(500_000L, ClockDurations.parse("500µs"));
        assertEquals(60_000_000_000L, ClockDurations.parse("1m"));
        assertEquals(90_000_000_000L, ClockDurations.parse("1m30s"));
        assertEquals(1_500_000_000L, ClockDurations.parse("1.5s"));
        assertEquals(3_600_000_000_000L, ClockDurations.parse("1h"));
        assertEquals(7L, ClockDurations.parse("+7ns"));
        assertEquals(0L, ClockDurations.parse("0"));
        assertEquals(0L, ClockDurations.parse("-0"));
    }

    @Test
    void rejectsBadValuesNamingTheProblem() {
        String[][] cases = {
            {"", "empty"}, {"500", "missing unit"}, {"5 ms", "unknown unit ' ms'"}, {"5sec", "unknown unit 'sec'"},
            {"ms", "expected a number"}, {"-", "sign"}, {"1.2.3s", "not a number"},
            {"99999999999h", "64-bit"}, {"١s", "expected a number"},
        };
        for (String[] c : cases) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClockDurations.parse(c[0]),
                    () -> "accepted '" + c[0] + "'");
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
            assertTrue(e.getMessage().startsWith("invalid duration '" + c[0] + "'"), e.getMessage());
        }
    }

    @Test
    void formatRoundTripsThroughParse() {
        assertEquals("500ms", ClockDurations.format(500_000_000L));
        assertEquals("-2s", ClockDurations.format(-2_000_000_000L));
        assertEquals("1500us", ClockDurations.format(1_500_000L));
        assertEquals("+750ms", ClockDurations.formatSigned(750_000_000L));
        assertEquals("+612ms", ClockDurations.formatApprox(612_345_678L));
        assertEquals("-3us", ClockDurations.formatApprox(-3_200L));
        long seed = TestSeeds.next();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 10_000; i++) {
            long nanos = Math.max(-Long.MAX_VALUE, random.nextLong() / (1L << random.nextInt(40)));
            assertEquals(nanos, ClockDurations.parse(ClockDurations.format(nanos)), TestSeeds.describe(seed));
        }
    }
}
