package io.conclave.txn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.conclave.range.Keys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    @Test
    void knownSettingsAndDefaults() {
        assertEquals(List.of("commit_wait"), ClusterSettings.names());
        assertTrue(ClusterSettings.isKnown("commit_wait"));
        assertFalse(ClusterSettings.isKnown("commit-wait"));
        assertFalse(ClusterSettings.isKnown(null));
        assertEquals("on", ClusterSettings.defaultValue("commit_wait"));
    }

    @Test
    void booleanValuesNormalize() {
        for (String on : List.of("on", "ON", "true", "yes", "1", " On ")) assertEquals("on", ClusterSettings.normalize("commit_wait", on));
        for (String off : List.of("off", "False", "no", "0")) assertEquals("off", ClusterSettings.normalize("commit_wait", off));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ClusterSettings.normalize("commit_wait", "maybe"));
        assertEquals("invalid value for cluster setting commit_wait: \"maybe\" (expected on or off)", bad.getMessage());
    }

    @Test
    void unknownAndMalformedNamesAreRefusedWithTheReason() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.key("no_such"));
        assertEquals("unknown cluster setting \"no_such\" (known: commit_wait)", unknown.getMessage());
        IllegalArgumentException malformed = assertThrows(IllegalArgumentException.class, () -> ClusterSettings.key("Commit Wait"));
        assertTrue(malformed.getMessage().startsWith("invalid cluster setting name \"Commit Wait\""), malformed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClusterSettings.key("x".repeat(64)));
    }

    @Test
    void keysAreUserKeysBelowSqlTablesInsideTheSettingsSpan() {
        byte[] k = ClusterSettings.key("commit_wait");
        assertNull(Keys.checkUserKey(k));
        assertTrue(Keys.compare(k, new byte[] {0x10}) < 0, "below every SQL table");
        assertTrue(Keys.contains(ClusterSettings.spanStart(), ClusterSettings.spanEnd(), k));
        byte[] bench = {0x04, 0x00, 'b', 'e', 'n', 'c', 'h', '-'};
        assertFalse(Keys.contains(ClusterSettings.spanStart(), ClusterSettings.spanEnd(), bench));
    }

    @Test
    void encodeDecodeRoundTripsAndAnUnreadableValueIsTheDefault() {
        assertArrayEquals("off".getBytes(StandardCharsets.UTF_8), ClusterSettings.encode("commit_wait", "false"));
        assertEquals("off", ClusterSettings.decode("commit_wait", ClusterSettings.encode("commit_wait", "off")));
        assertEquals("on", ClusterSettings.decode("commit_wait", null));
        assertEquals("on", ClusterSettings.decode("commit_wait", new byte[] {(byte) 0xff}));
    }
}
