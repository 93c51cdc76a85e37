package io.conclave.node.transport;

import io.conclave.node.rpc.Frame;

/**
 * Receives frames on a Netty I/O thread: must not block; hand work to another thread.
 *
 * <p>Gets every frame except Hellos (the transport consumes them) and responses to this node's
 * own {@link Transport#call calls} (they complete the call's future). A request is answered
 * with {@code connection.send(response)} where the response carries the request's
 * {@code request_id}; the connection may be kept and used from any thread. An exception thrown
 * here is logged and counted; the connection stays open.
 */
@FunctionalInterface
public interface FrameHandler {
    void onFrame(Frame frame, Connection connection);
}
