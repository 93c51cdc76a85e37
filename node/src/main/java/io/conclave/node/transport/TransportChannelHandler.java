package io.conclave.node.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.Hello;
import io.conclave.range.rpc.ErrorResponse;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import javax.net.ssl.SSLException;
import java.util.concurrent.TimeUnit;

/**
 * The protocol of one transport channel, run on its event loop (so its fields need no locks).
 *
 * <p>Roles: a dialed channel sends a Hello and waits for the peer's Hello; an accepted channel
 * waits for its first frame, which makes it a peer connection (a valid Hello) or a client
 * connection (anything else, which must then be a request). Every failure ends in
 * {@link #reject}: one log line naming the reason and the remote address, a counter, a close.
 * Nothing propagates to Netty's default handler, which would only log and keep a broken channel.
 */
final class TransportChannelHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG =
            System.getLogger(TransportChannelHandler.class.getName());

    private enum Role { AWAITING_HELLO_REPLY, UNIDENTIFIED, PEER, CLIENT }

    private final Transport transport;
    private final ChannelConnection connection;
    /** The node this channel dialed, or 0 for an accepted channel. */
    private final long dialTarget;
    private Role role;
    private boolean rejected;
    private ScheduledFuture<?> handshakeTimeout;

    TransportChannelHandler(Transport transport, ChannelConnection connection, long dialTarget) {
        this.transport = transport;
        this.connection = connection;
        this.dialTarget = dialTarget;
        this.role = dialTarget != 0 ? Role.AWAITING_HELLO_REPLY : Role.UNIDENTIFIED;
    }

    ChannelConnection connection() {
        return connection;
    }

    /** The peer's id once known, else the node we dialed; 0 for clients and unknown acceptors. */
    long peerNodeIdOrDialTarget() {
        long known = connection.peerNodeId();
        return known != 0 ? known : dialTarget;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (role == Role.AWAITING_HELLO_REPLY) {
            // Bypasses the connection's write checks: the Hello goes first, before any queue drain.
            ctx.writeAndFlush(transport.hello(), ctx.voidPromise());
            long timeoutNanos = transport.config().connectTimeout().toNanos();
            handshakeTimeout = ctx.executor().schedule(() -> {
                if (role == Role.AWAITING_HELLO_REPLY) {
                    reject(ctx, RejectReason.HANDSHAKE_TIMEOUT, "node " + dialTarget
                            + " did not answer our Hello within " + transport.config().connectTimeout());
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        Frame frame = (Frame) message; // The decoder emits only frames.
        if (rejected) {
            return; // Frames decoded in the same read as a fatal one: the channel is closing.
        }
        try {
            switch (role) {
                case AWAITING_HELLO_REPLY -> onHelloReply(ctx, frame);
                case UNIDENTIFIED -> onFirstFrame(ctx, frame);
                case PEER -> onPeerFrame(ctx, frame);
                case CLIENT -> onClientFrame(ctx, frame);
            }
        } catch (RuntimeException bug) {
            // Our own bug, not the peer's: still confined to this one connection.
            LOG.log(System.Logger.Level.ERROR, "closing " + connection + " after internal error", bug);
            ctx.close();
        }
    }

    private void onFirstFrame(ChannelHandlerContext ctx, Frame frame) {
        if (!frame.hasHello()) {
            role = Role.CLIENT;
            onClientFrame(ctx, frame);
            return;
        }
        Hello hello = frame.getHello();
        if (!checkSameCluster(ctx, hello, frame.getRequestId())) {
            return;
        }
        long local = transport.localNodeId();
        if (hello.getNodeId() == 0 || hello.getNodeId() == local
                || frame.getFromNode() != hello.getNodeId()) {
            reject(ctx, RejectReason.PROTOCOL_VIOLATION, "Hello claims node " + hello.getNodeId()
                    + " (from_node " + frame.getFromNode() + "), this is node " + local);
            return;
        }
        if (transport.dialsTo(hello.getNodeId())) {
            reject(ctx, RejectReason.PROTOCOL_VIOLATION, "node " + hello.getNodeId()
                    + " dialed node " + local + ", but only the lower node id dials");
            return;
        }
        if (!observeClock(ctx, frame)) {
            return;
        }
        becomePeer(ctx, hello.getNodeId());
        ctx.write(transport.hello(), ctx.voidPromise());
        if (!transport.peerConnected(hello.getNodeId(), connection, false)) {
            ctx.close();
            return;
        }
        ctx.flush();
    }

    private void onHelloReply(ChannelHandlerContext ctx, Frame frame) {
        if (frame.hasError()) {
            ErrorResponse error = frame.getError();
            RejectReason reason = error.getCode() == ErrorResponse.Code.CLUSTER_MISMATCH
                    ? RejectReason.CLUSTER_MISMATCH : RejectReason.PROTOCOL_VIOLATION;
            reject(ctx, reason, "node " + dialTarget + " refused our Hello: " + error.getCode()
                    + ": " + error.getMessage());
            return;
        }
        if (!frame.hasHello()) {
            reject(ctx, RejectReason.PROTOCOL_VIOLATION, "expected a Hello from node " + dialTarget
                    + ", got " + Frames.describe(frame));
            return;
        }
        Hello hello = frame.getHello();
        if (!checkSameCluster(ctx, hello, 0)) {
            return;
        }
        if (hello.getNodeId() != dialTarget || frame.getFromNode() != dialTarget) {
            reject(ctx, RejectReason.PROTOCOL_VIOLATION, "dialed node " + dialTarget
                    + " but node " + hello.getNodeId() + " answered");
            return;
        }
        if (!observeClock(ctx, frame)) {
            return;
        }
        if (handshakeTimeout != null) {
            handshakeTimeout.cancel(false);
        }
        becomePeer(ctx, dialTarget);
        if (!transport.peerConnected(dialTarget, connection, true)) {
            ctx.close(); // Superseded, e.g. the peer's address changed while we dialed.
        }
    }

    private void onPeerFrame(ChannelHandlerContext ctx, Frame frame) {
        long peer = connection.peerNodeId();
        if (frame.hasHello() || frame.getFromNode() != peer) {
            reject(ctx, RejectReason.PROTOCOL_VIOLATION, "node " + peer + " sent "
                    + Frames.describe(frame));
            return;
        }
        if (!observeClock(ctx, frame)) {
            return;
        }
        if (Frames.hasResponseBody(frame)) {
            // Never delivered, even with request id 0: a handler answering an unexpected
            // response with an error would start two nodes bouncing errors forever.
            if (frame.getRequestId() == 0 || !transport.calls().complete(frame, peer, true)) {
                transport.counters().drop(DropReason.UNMATCHED_RESPONSE);
            }
            return;
        }
        deliver(frame);
    }

    private void onClientFrame(ChannelHandlerContext ctx, Frame frame) {
        if (!Frames.isClientRequest(frame) || frame.getFromNode() != 0) {
            reject(ctx, RejectReason.PROTOCOL_VIOLATION, "a client may only send requests, got "
                    + Frames.describe(frame));
            return;
        }
        if (!observeClock(ctx, frame)) {
            return;
        }
        int maxInFlight = transport.config().maxInFlightPerConnection();
        if (!connection.admitRequest(maxInFlight)) {
            reject(ctx, RejectReason.TOO_MANY_IN_FLIGHT, "more than " + maxInFlight
                    + " requests sent without waiting for answers (maxInFlightPerConnection)");
            return;
        }
        deliver(frame);
    }

    private void deliver(Frame frame) {
        try {
            transport.handler().onFrame(frame, connection);
        } catch (RuntimeException e) {
            transport.counters().drop(DropReason.HANDLER_FAILED);
            LOG.log(System.Logger.Level.WARNING, "frame handler failed on " + Frames.describe(frame)
                    + " from " + connection, e);
        }
    }

    private boolean checkSameCluster(ChannelHandlerContext ctx, Hello hello, long requestId) {
        String localCluster = transport.clusterId();
        long localOffset = transport.maxOffsetNanos();
        if (hello.getClusterId().equals(localCluster) && hello.getMaxOffsetNanos() == localOffset) {
            return true;
        }
        String detail = "cluster mismatch: node " + hello.getNodeId() + " has cluster id '"
                + hello.getClusterId() + "' and max offset " + hello.getMaxOffsetNanos()
                + " ns, node " + transport.localNodeId() + " has cluster id '"
                + localCluster + "' and max offset " + localOffset + " ns";
        Frame error = transport.stamp(
                Frames.error(requestId, ErrorResponse.Code.CLUSTER_MISMATCH, detail));
        rejected = true;
        transport.counters().reject(RejectReason.CLUSTER_MISMATCH);
        LOG.log(System.Logger.Level.WARNING, "closing connection with {0}: {1}: {2}",
                ctx.channel().remoteAddress(), RejectReason.CLUSTER_MISMATCH, detail);
        // Tell the other side why before closing, so its log names both values too.
        ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
        return false;
    }

    private boolean observeClock(ChannelHandlerContext ctx, Frame frame) {
        if (!frame.hasSentAt()) {
            return true;
        }
        try {
            transport.clock().observe(frame.getFromNode(), frame.getSentAt());
            return true;
        } catch (RuntimeException refused) {
            reject(ctx, RejectReason.CLOCK_REJECTED, "clock of " + Frames.describe(frame)
                    + " refused: " + refused.getMessage());
            return false;
        }
    }

    private void becomePeer(ChannelHandlerContext ctx, long nodeId) {
        role = Role.PEER;
        connection.setPeerNodeId(nodeId);
        // Raft heartbeats keep peer connections busy; an idle close would only cost a redial.
        if (ctx.pipeline().get(Transport.IDLE_HANDLER) != null) {
            ctx.pipeline().remove(Transport.IDLE_HANDLER);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && role != Role.PEER) {
            reject(ctx, RejectReason.IDLE_TIMEOUT, "no traffic on this "
                    + (role == Role.CLIENT ? "client" : "unidentified") + " connection for "
                    + transport.config().idleTimeout());
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (rejected) {
            return;
        }
        if (cause instanceof TooLongFrameException) {
            reject(ctx, RejectReason.FRAME_TOO_LONG, cause.getMessage() + " (maxFrameBytes "
                    + transport.config().maxFrameBytes() + ")");
        } else if (cause instanceof CorruptedFrameException
                || (cause instanceof DecoderException
                        && cause.getCause() instanceof InvalidProtocolBufferException)) {
            reject(ctx, RejectReason.MALFORMED_FRAME, String.valueOf(
                    cause.getCause() != null ? cause.getCause().getMessage() : cause.getMessage()));
        } else if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            // A peer of another CA, a plaintext client on a secure port, a failed handshake.
            Throwable tls = cause instanceof SSLException ? cause : cause.getCause();
            reject(ctx, RejectReason.TLS_FAILED, String.valueOf(tls.getMessage()));
        } else if (cause instanceof IOException) {
            // Resets and writes after close: the ordinary end of a connection, not worth a warning.
            LOG.log(System.Logger.Level.DEBUG, "connection {0} ended: {1}", connection, cause);
            ctx.close();
        } else {
            LOG.log(System.Logger.Level.ERROR, "closing " + connection + " after unexpected error",
                    cause);
            ctx.close();
        }
    }

    private void reject(ChannelHandlerContext ctx, RejectReason reason, String detail) {
        if (rejected) {
            return;
        }
        rejected = true;
        transport.counters().reject(reason);
        LOG.log(System.Logger.Level.WARNING, "closing connection with {0}: {1}: {2}",
                ctx.channel().remoteAddress(), reason, detail);
        ctx.close();
    }
}
