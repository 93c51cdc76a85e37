package io.conclave.node.sql;

import io.conclave.driver.SqlProtocol;

/**
 * The limits of a node's SQL service, validated together.
 *
 * @param maxConnections SQL connections open at once; each holds a session (and perhaps an open
 *     transaction with intents), so a flood of clients is refused with 53300 rather than let in
 * @param workerThreads threads running statements; statements block on KV round trips, so more
 *     threads than cores, but bounded: each is a stack and a transaction in flight
 * @param maxQueuedStatements statements waiting for a worker before new ones are refused (53300)
 * @param maxFrameBytes the largest client frame read and the largest result written; a result
 *     above it is answered with 54000 instead
 * @param idleTimeout a connection that sends nothing between statements for this long is
 *     closed (57P05), its open transaction rolled back: an abandoned client must not hold a
 *     connection slot and its intents forever
 * @param engineWait how long a new session waits for a starting node's engine (published once the
 *     node has registered, a fraction of a second after it listens) before it is refused with
 *     57P03 and its client tries another node; each waiting session holds a worker
 */
public record SqlServerSettings(int maxConnections, int workerThreads, int maxQueuedStatements, int maxFrameBytes,
        java.time.Duration idleTimeout, java.time.Duration engineWait) {
    /** The default idle timeout: long enough for any interactive pause, short of a forgotten session. */
    public static final java.time.Duration DEFAULT_IDLE_TIMEOUT = java.time.Duration.ofHours(1);
    /** Registration takes the max offset after the first liveness write; far more means range 1 is down. */
    public static final java.time.Duration DEFAULT_ENGINE_WAIT = java.time.Duration.ofSeconds(5);

    /** 256 connections, 16 workers, 256 queued statements, 16 MiB frames, one hour idle. */
    public static SqlServerSettings defaults() {
        return new SqlServerSettings(256, 16, 256, SqlProtocol.DEFAULT_MAX_FRAME_BYTES, DEFAULT_IDLE_TIMEOUT);
    }

    /** As given, with the default idle timeout. */
    public SqlServerSettings(int maxConnections, int workerThreads, int maxQueuedStatements, int maxFrameBytes) {
        this(maxConnections, workerThreads, maxQueuedStatements, maxFrameBytes, DEFAULT_IDLE_TIMEOUT);
    }

    /** As given, with the default engine wait. */
    public SqlServerSettings(int maxConnections, int workerThreads, int maxQueuedStatements, int maxFrameBytes,
            java.time.Duration idleTimeout) {
        this(maxConnections, workerThreads, maxQueuedStatements, maxFrameBytes, idleTimeout, DEFAULT_ENGINE_WAIT);
    }

    public SqlServerSettings withIdleTimeout(java.time.Duration timeout) {
        return new SqlServerSettings(maxConnections, workerThreads, maxQueuedStatements, maxFrameBytes, timeout,
                engineWait);
    }

    public SqlServerSettings withEngineWait(java.time.Duration wait) {
        return new SqlServerSettings(maxConnections, workerThreads, maxQueuedStatements, maxFrameBytes, idleTimeout,
                wait);
    }

    public SqlServerSettings {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
        }
        if (engineWait == null || engineWait.isNegative() || engineWait.compareTo(java.time.Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("engineWait must be between 0 and 1 minute, was " + engineWait);
        }
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1, was " + maxConnections);
        if (workerThreads < 1 || workerThreads > 1024) {
            throw new IllegalArgumentException("workerThreads must be in 1..1024, was " + workerThreads);
        }
        if (maxQueuedStatements < 0) throw new IllegalArgumentException("maxQueuedStatements must be >= 0");
        if (maxFrameBytes < 64 * 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 64 KiB, was " + maxFrameBytes);
        }
    }
}
