package io.conclave.node.transport;

import io.conclave.node.rpc.Frame;
import java.net.SocketAddress;

/** One open connection, as seen by a {@link FrameHandler}. Safe to use from any thread. */
public interface Connection {
    /** The node at the other end, or 0 for a client connection. */
    long peerNodeId();

    SocketAddress remoteAddress();

    /**
     * Sends a frame on this connection without blocking, stamping {@code from_node} and
     * {@code sent_at}. Returns false if the frame was not accepted: the connection is closed,
     * the frame exceeds the frame limit, or the connection is over its write-buffer limit.
     */
    boolean send(Frame frame);
}
