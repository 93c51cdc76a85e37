package io.conclave.node.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransportConfigTest {
    @Test
    void defaultsAreValid() {
        TransportConfig config = TransportConfig.defaults();
        assertEquals(16 << 20, config.maxFrameBytes());
        assertEquals(2, config.ioThreads());
        assertTrue(config.writeBufferHighWaterBytes() >= 2L * config.maxFrameBytes());
    }

    @Test
    void eachLimitIsValidatedWithAMessageNamingIt() {
        TransportConfig d = TransportConfig.defaults();
        assertRefused("maxFrameBytes", () -> d.withMaxFrameBytes(10));
        assertRefused("maxQueuedFramesPerPeer", () -> d.withMaxQueuedFramesPerPeer(0));
        assertRefused("idleTimeout", () -> d.withIdleTimeout(Duration.ZERO));
        assertRefused("connectTimeout", () -> d.withConnectTimeout(Duration.ofMillis(-1)));
        assertRefused("reconnectBackoffMin",
                () -> d.withReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertRefused("ioThreads", () -> new TransportConfig(d.maxFrameBytes(), d.connectTimeout(),
                d.reconnectBackoffMin(), d.reconnectBackoffMax(), d.maxQueuedFramesPerPeer(), 0,
                d.idleTimeout()));
        assertRefused("reconnectBackoffMax", () -> new TransportConfig(d.maxFrameBytes(),
                d.connectTimeout(), d.reconnectBackoffMin(), null, d.maxQueuedFramesPerPeer(),
                d.ioThreads(), d.idleTimeout()));
    }

    private static void assertRefused(String name, Runnable build) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, build::run);
        assertTrue(refused.getMessage().contains(name), refused.getMessage());
    }
}
