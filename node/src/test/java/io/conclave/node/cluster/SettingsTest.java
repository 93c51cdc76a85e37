package io.conclave.node.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void livenessTtlMustCoverTwoHeartbeats() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LivenessSettings(Duration.ofSeconds(3), Duration.ofSeconds(5), 100));
        assertTrue(e.getMessage().contains("two heartbeat"), e.getMessage());
        LivenessSettings.defaults();
    }

    @Test
    void joinBackoffIsOrderedAndBounded() {
        assertThrows(IllegalArgumentException.class,
                () -> new JoinSettings(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> new JoinSettings(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        JoinSettings.defaults();
    }

    @Test
    void addressListsAreCheckedPerEntry() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Addresses.parseList("127.0.0.1:1,nope", "--join"));
        assertTrue(e.getMessage().startsWith("--join: 'nope'"), e.getMessage());
        assertTrue(Addresses.parseList("", "--join").isEmpty());
    }
}
