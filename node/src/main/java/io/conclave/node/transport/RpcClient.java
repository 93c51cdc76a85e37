package io.conclave.node.transport;

import com.google.protobuf.InvalidProtocolBufferException;
import io.conclave.node.rpc.Frame;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client connection to one node (CLI, tests, benchmarks); no Hello, from_node = 0.
 *
 * <p>Many calls may be in flight at once from any threads; responses are matched by request id.
 * The client does not reconnect: once the connection is lost every pending call fails with
 * {@link TransportException.Reason#CONNECTION_LOST}, later calls fail at once, and the owner
 * connects a new client (to this node or, after a failover, another).
 */
public final class RpcClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RpcClient.class.getName());
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 500;
    /** A connect's wait beyond the connect timeout before the caller gives up on it. */
    private static final long CONNECT_WAIT_SLACK_MILLIS = 1_000;

    private final InetSocketAddress node;
    private final FrameClock clock;
    private final Counters counters = new Counters();
    private final PendingCalls calls = new PendingCalls(counters);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final MultiThreadIoEventLoopGroup group;
    /** Whether {@link #group} is this client's own (stopped by close) or a shared {@link ClientEventLoop}. */
    private final boolean ownsGroup;
    private final ChannelConnection connection;

    private RpcClient(InetSocketAddress node, TransportConfig config, FrameClock clock, ClientEventLoop shared) {
        this.node = node;
        this.clock = clock;
        // One connection needs one thread, whatever ioThreads says for a node.
        this.ownsGroup = shared == null;
        this.group = shared == null ? NettyIo.newGroup(1, "conclave-client") : shared.group;
        ChannelConnection[] made = new ChannelConnection[1];
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NettyIo.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Transport.waterMark(config))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        made[0] = new ChannelConnection(channel, 0, clock, config, counters, calls);
                        FrameCodec.install(channel.pipeline(), config.maxFrameBytes(), counters);
                        channel.pipeline().addLast("client", new ClientHandler());
                        config.tls().secureDialed(channel, node.getHostString(), node.getPort(),
                                config.handshakeTimeout(), counters);
                    }
                });
        ChannelFuture connected = bootstrap.connect(node);
        // The connect timeout is enforced by the I/O thread; the wait is bounded as well, so a
        // caller is not held forever by a loop that is stalled or shutting down.
        long waitMillis = config.connectTimeout().toMillis() + CONNECT_WAIT_SLACK_MILLIS;
        boolean done = connected.awaitUninterruptibly(waitMillis);
        if (!done || !connected.isSuccess()) {
            if (!done) {
                connected.cancel(false);
                connected.channel().close();
            }
            if (ownsGroup) group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            String why = done ? String.valueOf(connected.cause())
                    : "no outcome within " + waitMillis + " ms (its I/O thread did not complete the connect)";
            throw new TransportException(TransportException.Reason.CONNECT_FAILED,
                    "cannot connect to " + node + ": " + why, connected.cause());
        }
        this.connection = made[0];
        connected.channel().closeFuture().addListener(ignored -> calls.failAll(
                TransportException.Reason.CONNECTION_LOST, "connection to " + node + " closed"));
    }

    /** Connects, waiting at most {@code config.connectTimeout()}; throws CONNECT_FAILED. */
    public static RpcClient connect(InetSocketAddress node, TransportConfig config, FrameClock clock) {
        Invariants.require(node != null && config != null && clock != null,
                "node, config and clock must be set");
        return new RpcClient(node, config, clock, null);
    }

    /**
     * As above, on a loop shared with other clients instead of a thread of its own: closing this
     * client closes its connection and leaves the loop to its owner.
     */
    public static RpcClient connect(InetSocketAddress node, TransportConfig config, FrameClock clock,
            ClientEventLoop loop) {
        Invariants.require(node != null && config != null && clock != null && loop != null,
                "node, config, clock and loop must be set");
        return new RpcClient(node, config, clock, loop);
    }

    /**
     * Sends a request (a {@code kv_request} or {@code admin_request}; the id is assigned here) and
     * completes with the response frame, or exceptionally with a {@link TransportException}.
     * The future usually completes on the client's I/O thread: dependent actions must not block.
     */
    public CompletableFuture<Frame> call(Frame request, Duration timeout) {
        Invariants.require(request != null && timeout != null, "request and timeout must be set");
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TransportException(
                    TransportException.Reason.CLOSED, "client of " + node + " is closed"));
        }
        Invariants.require(Frames.hasClientRequestBody(request),
                "a client call must carry a kv or admin request, not %s", request.getBodyCase());
        PendingCalls.Call call = calls.register(0, timeout, group);
        Frame stamped = connection.stamp(request.toBuilder().setRequestId(call.requestId).build());
        ChannelConnection.WriteResult result = connection.write(stamped, call);
        if (result != ChannelConnection.WriteResult.ACCEPTED) {
            counters.drop(ChannelConnection.dropReason(result));
            TransportException.Reason reason = switch (result) {
                case TOO_LARGE -> TransportException.Reason.TOO_LARGE;
                case BACKPRESSURE -> TransportException.Reason.OVERLOADED;
                default -> TransportException.Reason.CONNECTION_LOST;
            };
            calls.fail(call, new TransportException(reason, "request to " + node
                    + " not sent: " + result));
        }
        if (closed.get()) {
            // Raced with close(): its sweep may have missed this call, and its timeout dies
            // with the event loop.
            calls.fail(call, new TransportException(TransportException.Reason.CLOSED,
                    "client of " + node + " closed"));
        }
        return call.future;
    }

    /** True until the connection is lost or the client closed. */
    public boolean isOpen() {
        return !closed.get() && connection.channel().isActive();
    }

    public InetSocketAddress remoteAddress() {
        return node;
    }

    public TransportStats stats() {
        return counters.snapshot();
    }

    /** Closes the connection, fails pending calls with CLOSED, stops the I/O thread if its own. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        calls.failAll(TransportException.Reason.CLOSED, "client of " + node + " closed");
        if (ownsGroup) {
            Transport.closeChannelsAndStop(group, Set.of(connection.channel()), null);
        } else {
            ChannelFuture closing = connection.channel().close();
            // Waiting on the shared loop's own thread would deadlock it; a close from there proceeds.
            if (!connection.channel().eventLoop().inEventLoop()) {
                closing.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
            }
        }
    }

    /** Matches responses to calls; any failure closes the connection, which fails all calls. */
    private final class ClientHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            Frame frame = (Frame) message;
            if (frame.hasSentAt()) {
                try {
                    clock.observe(frame.getFromNode(), frame.getSentAt());
                } catch (RuntimeException refused) {
                    fatal(ctx, RejectReason.CLOCK_REJECTED, refused.getMessage());
                    return;
                }
            }
            if (!Frames.isResponse(frame) || !calls.complete(frame, 0, false)) {
                // A late response (its call timed out) or a frame a server should not send.
                counters.drop(DropReason.UNMATCHED_RESPONSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (cause instanceof TooLongFrameException) {
                fatal(ctx, RejectReason.FRAME_TOO_LONG, cause.getMessage());
            } else if (cause instanceof CorruptedFrameException
                    || (cause instanceof DecoderException
                            && cause.getCause() instanceof InvalidProtocolBufferException)) {
                fatal(ctx, RejectReason.MALFORMED_FRAME, String.valueOf(cause.getMessage()));
            } else if (cause instanceof javax.net.ssl.SSLException
                    || cause.getCause() instanceof javax.net.ssl.SSLException) {
                Throwable tls = cause.getCause() instanceof javax.net.ssl.SSLException ? cause.getCause() : cause;
                fatal(ctx, RejectReason.TLS_FAILED, String.valueOf(tls.getMessage()));
            } else if (cause instanceof IOException) {
                ctx.close();
            } else {
                LOG.log(System.Logger.Level.ERROR, "closing connection to " + node, cause);
                ctx.close();
            }
        }

        private void fatal(ChannelHandlerContext ctx, RejectReason reason, String detail) {
            if (!ctx.channel().isActive()) {
                return;
            }
            counters.reject(reason);
            LOG.log(System.Logger.Level.WARNING, "closing connection to {0}: {1}: {2}",
                    node, reason, detail);
            ctx.close();
        }
    }
}
