package io.conclave.node.transport;

/** Why an outgoing or incoming frame was discarded without closing a connection. */
public enum DropReason {
    /** The peer had no connection and its queue was full; the oldest queued frame went. */
    QUEUE_FULL,
    /** The connection's write buffer or I/O hand-off was over its limit. */
    BACKPRESSURE,
    /** The frame encodes to more than {@link TransportConfig#maxFrameBytes}; never sent. */
    TOO_LARGE,
    /** The transport or the connection was closed. */
    CLOSED,
    /** A response whose call had already timed out or failed, or was never made. */
    UNMATCHED_RESPONSE,
    /** The {@link FrameHandler} threw; the frame counts as handled and the connection stays. */
    HANDLER_FAILED,
}
