package io.conclave.clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MaxOffsetSettingTest {
    @Test
    void defaultIsTwoHundredFiftyMillisecondsAndParsesFlags() {
        assertEquals(250_000_000L, MaxOffsetSetting.DEFAULT.nanos());
        assertEquals("250ms", MaxOffsetSetting.DEFAULT.toString());
        assertEquals(MaxOffsetSetting.DEFAULT, MaxOffsetSetting.parse("250ms"));
        assertEquals(500_000_000L, MaxOffsetSetting.parse("0.5s").nanos());
    }

    @Test
    void rejectsOutOfRangeValues() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> MaxOffsetSetting.parse("0"));
        assertEquals("--max-offset=0s is out of range: it must be between 1us and 10s", zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MaxOffsetSetting.parse("-1ms"));
        assertThrows(IllegalArgumentException.class, () -> MaxOffsetSetting.parse("11s"));
    }

    @Test
    void aNodeWithADifferentSettingIsRefusedNamingBothValues() {
        MaxOffsetSetting.checkCompatible(MaxOffsetSetting.DEFAULT, MaxOffsetSetting.parse("250ms"));
        MaxOffsetMismatchException e = assertThrows(MaxOffsetMismatchException.class,
                () -> MaxOffsetSetting.checkCompatible(MaxOffsetSetting.DEFAULT, MaxOffsetSetting.parse("500ms")));
        assertTrue(e.getMessage().contains("--max-offset=250ms"), e.getMessage());
        assertTrue(e.getMessage().contains("--max-offset=500ms"), e.getMessage());
        assertEquals(500_000_000L, e.remoteNanos());
        assertThrows(MaxOffsetMismatchException.class, () -> MaxOffsetSetting.checkCompatible(1_000L, 2_000L));
    }
}
