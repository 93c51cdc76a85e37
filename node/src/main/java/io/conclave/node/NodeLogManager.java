package io.conclave.node;

import java.util.logging.LogManager;

/**
 * The node process's {@link LogManager}: one that keeps its handlers when the JVM shuts down.
 * The JDK resets the log manager from a shutdown hook of its own, which runs at the same time as
 * the node's: the lines a stopping node writes (what its drain moved, why its close waited) would
 * be dropped half the time. The console handler flushes every record, so nothing is left
 * unwritten at exit. Installed by {@link Main#main} through {@code java.util.logging.manager},
 * before anything logs.
 */
public final class NodeLogManager extends LogManager {
    public NodeLogManager() {
        super();
    }

    @Override
    public void reset() {
        if (shuttingDown()) return;
        super.reset();
    }

    /** The JVM refuses new shutdown hooks once it is shutting down; that is the only way to ask. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
