package io.conclave.node.transport;

import java.time.Duration;

/**
 * The limits of one {@link Transport} or {@link RpcClient}, validated together, and whether it
 * speaks TLS.
 *
 * @param maxFrameBytes the largest encoded {@code Frame} (without its 4-byte length prefix) that
 *     is sent or accepted. A peer announcing a longer frame is cut off before we buffer it, so one
 *     bad length cannot make us allocate gigabytes; Raft and snapshot chunks must fit below it.
 * @param connectTimeout how long a dial may take, and how long a dialed connection may wait for
 *     the peer's Hello reply, before it is abandoned and retried; a black-holed peer must not
 *     hold frames forever.
 * @param reconnectBackoffMin the first pause before redialing a peer after a failure or close,
 *     so a flapping peer is not hammered.
 * @param reconnectBackoffMax the longest pause between redials (the pause doubles up to here),
 *     so a peer that comes back is found again within this long.
 * @param maxQueuedFramesPerPeer frames held for one peer while it has no connection, and frames
 *     handed to a connection's I/O thread but not yet written; past it the oldest are dropped
 *     (Raft retransmits), so a dead peer cannot exhaust the heap.
 * @param ioThreads Netty event-loop threads shared by the listener and every connection.
 * @param idleTimeout a client (or not yet identified) connection with no traffic for this long
 *     is closed, so abandoned clients do not pin sockets; node-to-node connections are exempt
 *     because Raft heartbeats keep them busy and closing them would only cost a redial.
 * @param handshakeTimeout how long an accepted or dialed connection may take over its TLS
 *     handshake; a half-open connection that never finishes it is closed then, not after the
 *     idle timeout, so a slow trickle of strangers cannot hold sockets for minutes.
 * @param maxConnections accepted connections open at once (node, client and SQL together);
 *     beyond it a new connection is closed at once, so a flood cannot exhaust file descriptors.
 * @param maxInFlightPerConnection requests one client connection may have unanswered; a client
 *     sending more is cut off, so one connection cannot fill the scheduler's inbox alone.
 * @param tls plaintext ({@link TransportTls#NONE}) or TLS with the cluster's certificates.
 */
public record TransportConfig(
        int maxFrameBytes,
        Duration connectTimeout,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        int maxQueuedFramesPerPeer,
        int ioThreads,
        Duration idleTimeout,
        Duration handshakeTimeout,
        int maxConnections,
        int maxInFlightPerConnection,
        TransportTls tls) {

    /** The smallest frame limit: a Hello, an error and a small request must always fit. */
    static final int MIN_FRAME_BYTES = 1024;
    /** The largest frame limit: the length prefix is a signed 32-bit int plus its own 4 bytes. */
    static final int MAX_FRAME_BYTES = Integer.MAX_VALUE - 4;
    /** More I/O threads than this only adds context switches for a single node's traffic. */
    static final int MAX_IO_THREADS = 64;

    public TransportConfig {
        Invariants.require(maxFrameBytes >= MIN_FRAME_BYTES && maxFrameBytes <= MAX_FRAME_BYTES,
                "maxFrameBytes must be in [%d, %d], was %d", MIN_FRAME_BYTES, MAX_FRAME_BYTES,
                maxFrameBytes);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("reconnectBackoffMin", reconnectBackoffMin);
        requirePositive("reconnectBackoffMax", reconnectBackoffMax);
        Invariants.require(reconnectBackoffMin.compareTo(reconnectBackoffMax) <= 0,
                "reconnectBackoffMin (%s) must not exceed reconnectBackoffMax (%s)",
                reconnectBackoffMin, reconnectBackoffMax);
        Invariants.require(maxQueuedFramesPerPeer > 0,
                "maxQueuedFramesPerPeer must be positive, was %d", maxQueuedFramesPerPeer);
        Invariants.require(ioThreads > 0 && ioThreads <= MAX_IO_THREADS,
                "ioThreads must be in [1, %d], was %d", MAX_IO_THREADS, ioThreads);
        requirePositive("idleTimeout", idleTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        Invariants.require(maxConnections > 0, "maxConnections must be positive, was %d", maxConnections);
        Invariants.require(maxInFlightPerConnection > 0, "maxInFlightPerConnection must be positive, was %d",
                maxInFlightPerConnection);
        Invariants.require(tls != null, "tls must be set (TransportTls.NONE for plaintext)");
        // Netty takes connect timeouts as an int of milliseconds.
        Invariants.require(connectTimeout.toMillis() <= Integer.MAX_VALUE,
                "connectTimeout must be at most %d ms, was %s", Integer.MAX_VALUE, connectTimeout);
    }

    /** The limits as given, the new limits at their defaults, plaintext. */
    public TransportConfig(int maxFrameBytes, Duration connectTimeout, Duration reconnectBackoffMin,
            Duration reconnectBackoffMax, int maxQueuedFramesPerPeer, int ioThreads, Duration idleTimeout) {
        this(maxFrameBytes, connectTimeout, reconnectBackoffMin, reconnectBackoffMax, maxQueuedFramesPerPeer,
                ioThreads, idleTimeout, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, TransportTls.NONE);
    }

    static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final int DEFAULT_MAX_CONNECTIONS = 4096;
    static final int DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION = 10_000;

    /**
     * 16 MiB frames, 1 s connect timeout, redial backoff from 50 ms to 2 s, 10,000 queued frames
     * per peer, 2 I/O threads, clients idle for 5 minutes are closed, 10 s for a TLS handshake,
     * 4,096 accepted connections, 10,000 requests in flight per client connection, plaintext.
     */
    public static TransportConfig defaults() {
        return new TransportConfig(16 << 20, Duration.ofSeconds(1), Duration.ofMillis(50),
                Duration.ofSeconds(2), 10_000, 2, Duration.ofMinutes(5));
    }

    /**
     * Bytes a connection may have buffered for writing, and bytes a peer's queue may hold, before
     * further frames are dropped. Twice the frame limit so one largest frame always fits.
     */
    long writeBufferHighWaterBytes() {
        return Math.max(1L << 20, 2L * maxFrameBytes);
    }

    public TransportConfig withMaxFrameBytes(int bytes) {
        return new TransportConfig(bytes, connectTimeout, reconnectBackoffMin, reconnectBackoffMax,
                maxQueuedFramesPerPeer, ioThreads, idleTimeout, handshakeTimeout, maxConnections,
                maxInFlightPerConnection, tls);
    }

    public TransportConfig withReconnectBackoff(Duration min, Duration max) {
        return new TransportConfig(maxFrameBytes, connectTimeout, min, max,
                maxQueuedFramesPerPeer, ioThreads, idleTimeout, handshakeTimeout, maxConnections,
                maxInFlightPerConnection, tls);
    }

    public TransportConfig withMaxQueuedFramesPerPeer(int frames) {
        return new TransportConfig(maxFrameBytes, connectTimeout, reconnectBackoffMin,
                reconnectBackoffMax, frames, ioThreads, idleTimeout, handshakeTimeout, maxConnections,
                maxInFlightPerConnection, tls);
    }

    public TransportConfig withIdleTimeout(Duration timeout) {
        return new TransportConfig(maxFrameBytes, connectTimeout, reconnectBackoffMin,
                reconnectBackoffMax, maxQueuedFramesPerPeer, ioThreads, timeout, handshakeTimeout,
                maxConnections, maxInFlightPerConnection, tls);
    }

    public TransportConfig withConnectTimeout(Duration timeout) {
        return new TransportConfig(maxFrameBytes, timeout, reconnectBackoffMin,
                reconnectBackoffMax, maxQueuedFramesPerPeer, ioThreads, idleTimeout, handshakeTimeout,
                maxConnections, maxInFlightPerConnection, tls);
    }

    public TransportConfig withHandshakeTimeout(Duration timeout) {
        return new TransportConfig(maxFrameBytes, connectTimeout, reconnectBackoffMin,
                reconnectBackoffMax, maxQueuedFramesPerPeer, ioThreads, idleTimeout, timeout,
                maxConnections, maxInFlightPerConnection, tls);
    }

    public TransportConfig withConnectionLimits(int connections, int inFlightPerConnection) {
        return new TransportConfig(maxFrameBytes, connectTimeout, reconnectBackoffMin,
                reconnectBackoffMax, maxQueuedFramesPerPeer, ioThreads, idleTimeout, handshakeTimeout,
                connections, inFlightPerConnection, tls);
    }

    public TransportConfig withTls(TransportTls transportTls) {
        return new TransportConfig(maxFrameBytes, connectTimeout, reconnectBackoffMin,
                reconnectBackoffMax, maxQueuedFramesPerPeer, ioThreads, idleTimeout, handshakeTimeout,
                maxConnections, maxInFlightPerConnection, transportTls);
    }

    private static void requirePositive(String name, Duration value) {
        Invariants.require(value != null, "%s must be set", name);
        Invariants.require(!value.isNegative() && !value.isZero(),
                "%s must be positive, was %s", name, value);
    }
}
