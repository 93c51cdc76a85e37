package io.conclave.node.transport;

/** Why the transport closed a connection on its own initiative; each is counted in the stats. */
public enum RejectReason {
    /** The length prefix announced more than {@link TransportConfig#maxFrameBytes}. */
    FRAME_TOO_LONG,
    /** Bytes that do not parse as a protobuf {@code Frame}. */
    MALFORMED_FRAME,
    /** The {@link FrameClock} refused the frame's {@code sent_at}. */
    CLOCK_REJECTED,
    /** The peer's Hello named another cluster id or maximum clock offset. */
    CLUSTER_MISMATCH,
    /**
     * A frame that breaks the connection rules: a Hello from the wrong side or the wrong node,
     * a {@code from_node} that differs from the connection's peer, a client sending anything but
     * requests.
     */
    PROTOCOL_VIOLATION,
    /** A dialed peer did not answer our Hello within the connect timeout. */
    HANDSHAKE_TIMEOUT,
    /** A client or unidentified connection saw no traffic for the idle timeout. */
    IDLE_TIMEOUT,
    /**
     * A secure transport's peer sent frames without a certificate that allows them (none, or
     * one whose name is not a node's or root's).
     */
    UNAUTHENTICATED,
    /** The TLS handshake failed: a certificate of another CA, a plaintext peer, a timeout. */
    TLS_FAILED,
    /** An accepted connection beyond {@link TransportConfig#maxConnections}. */
    TOO_MANY_CONNECTIONS,
    /** A client connection with more than {@link TransportConfig#maxInFlightPerConnection} requests unanswered. */
    TOO_MANY_IN_FLIGHT,
}
