package io.conclave.node.transport;

import io.conclave.node.rpc.Frame;
import io.conclave.node.rpc.Hello;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A node's Netty endpoint: listens for peers and clients, dials peers with a higher node id, and
 * moves {@link Frame}s between this node and the others. See the package documentation for the
 * framing, the one-connection-per-pair rule and the limits.
 *
 * <p>Thread-safe; no method blocks except {@link #start} (binding) and {@link #close}.
 */
public final class Transport implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Transport.class.getName());
    static final String IDLE_HANDLER = "idle";
    /** How long close() lets the event loops wind down; the API promises within a second. */
    private static final long SHUTDOWN_TIMEOUT_MILLIS = 500;

    private final long localNodeId;
    private final String clusterId;
    private final long maxOffsetNanos;
    private final TransportConfig config;
    private final FrameClock clock;
    private final FrameHandler handler;
    private final Counters counters = new Counters();
    private final PendingCalls calls = new PendingCalls(counters);
    private final HeldDrains heldDrains = new HeldDrains();
    private final ConcurrentHashMap<Long, Peer> peers = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Every open channel, so close() can close them itself rather than trust loop shutdown. */
    private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
    private final MultiThreadIoEventLoopGroup group;
    private final Bootstrap dialBootstrap;
    private final Channel serverChannel;
    private final InetSocketAddress listenAddress;
    private final Consumer<Channel> acceptHook;

    private Transport(long localNodeId, String clusterId, long maxOffsetNanos,
            InetSocketAddress listen, TransportConfig config, FrameClock clock, FrameHandler handler,
            Consumer<Channel> acceptHook) {
        this.localNodeId = localNodeId;
        this.clusterId = clusterId;
        this.maxOffsetNanos = maxOffsetNanos;
        this.config = config;
        this.clock = clock;
        this.handler = handler;
        this.acceptHook = acceptHook;
        this.group = NettyIo.newGroup(config.ioThreads(), "conclave-transport-" + localNodeId);
        WriteBufferWaterMark waterMark = waterMark(config);
        this.dialBootstrap = new Bootstrap()
                .group(group)
                .channel(NettyIo.socketChannelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
        ServerBootstrap server = new ServerBootstrap()
                .group(group)
                .channel(NettyIo.serverChannelClass())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        counters.connectionsAccepted.increment();
                        if (channels.size() >= config.maxConnections()) {
                            counters.reject(RejectReason.TOO_MANY_CONNECTIONS);
                            LOG.log(System.Logger.Level.WARNING, "node {0}: refusing connection from {1}: {2} (limit {3})",
                                    localNodeId, channel.remoteAddress(), RejectReason.TOO_MANY_CONNECTIONS,
                                    config.maxConnections());
                            channel.close();
                            return;
                        }
                        initPipeline(channel, null);
                        config.tls().secureAccepted(channel, config.handshakeTimeout(), counters);
                        // After the node's handlers, so a hook that adds first sits in front of them.
                        acceptHook.accept(channel);
                    }
                });
        ChannelFuture bound = server.bind(listen).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            throw new TransportException(TransportException.Reason.BIND_FAILED,
                    "node " + localNodeId + " cannot listen on " + listen, bound.cause());
        }
        this.serverChannel = bound.channel();
        this.listenAddress = (InetSocketAddress) serverChannel.localAddress();
    }

    /**
     * Binds {@code listen} (port 0 picks a free port) and starts serving. {@code maxOffsetNanos}
     * and {@code clusterId} must equal every peer's: a peer announcing others is refused.
     */
    public static Transport start(long localNodeId, String clusterId, long maxOffsetNanos,
            InetSocketAddress listen, TransportConfig config, FrameClock clock,
            FrameHandler handler) {
        return start(localNodeId, clusterId, maxOffsetNanos, listen, config, clock, handler, channel -> { });
    }

    /**
     * As above, and {@code acceptHook} sees each accepted connection once its node pipeline is
     * built, on its event loop. It may add a handler at the head of the pipeline that takes the
     * connection over for another protocol (the node's SQL port does) by removing the handlers
     * behind it; a connection it leaves alone is a node connection as before.
     */
    public static Transport start(long localNodeId, String clusterId, long maxOffsetNanos,
            InetSocketAddress listen, TransportConfig config, FrameClock clock,
            FrameHandler handler, Consumer<Channel> acceptHook) {
        Invariants.require(acceptHook != null, "acceptHook must be set");
        Invariants.require(localNodeId != 0, "node id 0 is reserved for clients");
        Invariants.require(clusterId != null && !clusterId.isEmpty(), "cluster id must be set");
        Invariants.require(maxOffsetNanos > 0, "maxOffsetNanos must be positive, was %d",
                maxOffsetNanos);
        Invariants.require(listen != null, "listen address must be set");
        Invariants.require(config != null && clock != null && handler != null,
                "config, clock and handler must be set");
        return new Transport(localNodeId, clusterId, maxOffsetNanos, listen, config, clock, handler, acceptHook);
    }

    /** The bound address, with the actual port when started on port 0. */
    public InetSocketAddress listenAddress() {
        return listenAddress;
    }

    public long localNodeId() {
        return localNodeId;
    }

    /**
     * Records where {@code nodeId} listens. If this node has the lower id it dials at once (and
     * redials whenever the connection ends); a changed address drops the current connection.
     * The higher node only remembers the address: the lower one dials it.
     */
    public void setPeerAddress(long nodeId, InetSocketAddress address) {
        requirePeerId(nodeId);
        Invariants.require(address != null, "address of node %d must be set", nodeId);
        if (closed.get()) {
            return;
        }
        Peer peer = peer(nodeId);
        Channel toClose = null;
        synchronized (peer) {
            if (address.equals(peer.address)) {
                return;
            }
            peer.address = address;
            if (!dialsTo(nodeId)) {
                return;
            }
            if (peer.established != null) {
                toClose = peer.established.channel();
            } else if (peer.dialing != null) {
                toClose = peer.dialing;
            } else {
                dialLocked(peer);
            }
        }
        if (toClose != null) {
            // Its close listener redials, now to the new address.
            toClose.close();
        }
    }

    /**
     * Frames the calling thread writes from now on (answers on any connection, frames to peers)
     * wait in their connections' queues until it calls {@link #releaseWrites}, which hands them
     * to the I/O threads together: one wake-up of a loop for a batch. One thread at a time (the
     * node's scheduler, around each batch of events); it must release, in a {@code finally}.
     */
    public void holdWrites() {
        heldDrains.hold();
    }

    /** Hands the frames held since {@link #holdWrites} to the I/O threads. */
    public void releaseWrites() {
        heldDrains.release();
    }

    /**
     * Sends a frame to a node without waiting for any reply, stamping {@code from_node} and
     * {@code sent_at}; {@code request_id} is kept as given (0 for Raft traffic, the request's
     * id when this is a response sent later from another thread). Never blocks. While the peer
     * has no connection the frame is queued, the oldest queued frame dropped when the queue is
     * full. Returns false if the frame was dropped right away (closed, too large, backpressure).
     */
    public boolean send(long toNodeId, Frame frame) {
        requirePeerId(toNodeId);
        if (closed.get()) {
            counters.drop(DropReason.CLOSED);
            return false;
        }
        Frame stamped = stamp(frame);
        if (stamped.getSerializedSize() > config.maxFrameBytes()) {
            counters.drop(DropReason.TOO_LARGE);
            return false;
        }
        ChannelConnection.WriteResult result = writeOrQueue(peer(toNodeId),
                new Peer.Outgoing(stamped, null));
        if (result != ChannelConnection.WriteResult.ACCEPTED) {
            counters.drop(ChannelConnection.dropReason(result));
            return false;
        }
        return true;
    }

    /**
     * Sends a request and completes with the peer's response frame (an {@code ErrorResponse} is a
     * normal response), or exceptionally with a {@link TransportException}: timeout, connection
     * lost, overloaded, too large, closed. Assigns the request id. The future usually completes
     * on a Netty I/O thread: dependent actions must not block.
     */
    public CompletableFuture<Frame> call(long toNodeId, Frame request, Duration timeout) {
        requirePeerId(toNodeId);
        Invariants.require(!Frames.hasResponseBody(request),
                "a call must carry a request body, not %s", request.getBodyCase());
        if (closed.get()) {
            return CompletableFuture.failedFuture(new TransportException(
                    TransportException.Reason.CLOSED, "transport of node " + localNodeId
                            + " is closed"));
        }
        PendingCalls.Call call = calls.register(toNodeId, timeout, group);
        Frame stamped = stamp(request.toBuilder().setRequestId(call.requestId).build());
        if (stamped.getSerializedSize() > config.maxFrameBytes()) {
            counters.drop(DropReason.TOO_LARGE);
            calls.fail(call, new TransportException(TransportException.Reason.TOO_LARGE,
                    "request of " + stamped.getSerializedSize() + " bytes exceeds maxFrameBytes "
                            + config.maxFrameBytes()));
            return call.future;
        }
        ChannelConnection.WriteResult result = writeOrQueue(peer(toNodeId),
                new Peer.Outgoing(stamped, call));
        if (result != ChannelConnection.WriteResult.ACCEPTED) {
            counters.drop(ChannelConnection.dropReason(result));
            calls.fail(call, new TransportException(reasonOf(result), "request to node "
                    + toNodeId + " dropped: " + result));
        }
        if (closed.get()) {
            // Raced with close(): its sweep of pending calls may have missed this one, and the
            // timeout dies with the event loops, so nothing else would ever complete it.
            calls.fail(call, new TransportException(TransportException.Reason.CLOSED,
                    "transport of node " + localNodeId + " closed"));
        }
        return call.future;
    }

    public TransportStats stats() {
        return counters.snapshot();
    }

    /**
     * Stops listening, closes every connection, fails pending calls with
     * {@link TransportException.Reason#CLOSED} and stops the I/O threads, within about a second.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Peer peer : peers.values()) {
            ArrayDeque<Peer.Outgoing> dropped;
            synchronized (peer) {
                dropped = peer.drainLocked();
            }
            failQueued(dropped, TransportException.Reason.CLOSED);
        }
        calls.failAll(TransportException.Reason.CLOSED,
                "transport of node " + localNodeId + " closed");
        closeChannelsAndStop(group, channels, serverChannel);
    }

    /**
     * Closes every channel itself, waits briefly for the closes, then stops the event loops.
     * Shutting the loops down alone was seen to leave an accepted socket open (the peer never
     * saw the close), so the channels are closed first, explicitly.
     */
    static void closeChannelsAndStop(MultiThreadIoEventLoopGroup group, Set<Channel> channels,
            Channel serverChannel) {
        boolean onLoop = group.next().inEventLoop();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SHUTDOWN_TIMEOUT_MILLIS);
        List<ChannelFuture> closing = new ArrayList<>();
        if (serverChannel != null) {
            closing.add(serverChannel.close());
        }
        for (Channel channel : channels) {
            closing.add(channel.close());
        }
        if (!onLoop) {
            // Waiting on a loop thread would deadlock it; a close() from there just proceeds.
            for (ChannelFuture future : closing) {
                long remainingNanos = deadline - System.nanoTime();
                if (remainingNanos > 0) {
                    future.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(remainingNanos) + 1);
                }
            }
        }
        var terminated = group.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS / 2,
                TimeUnit.MILLISECONDS);
        if (!onLoop) {
            terminated.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
        }
    }

    @Override
    public String toString() {
        return "Transport(node " + localNodeId + " at " + listenAddress + ")";
    }

    // ---- used by TransportChannelHandler, on I/O threads ----

    String clusterId() {
        return clusterId;
    }

    long maxOffsetNanos() {
        return maxOffsetNanos;
    }

    TransportConfig config() {
        return config;
    }

    FrameClock clock() {
        return clock;
    }

    FrameHandler handler() {
        return handler;
    }

    Counters counters() {
        return counters;
    }

    PendingCalls calls() {
        return calls;
    }

    /** The lower node id dials; the higher one accepts. */
    boolean dialsTo(long nodeId) {
        return localNodeId < nodeId;
    }

    Frame hello() {
        return stamp(Frame.newBuilder()
                .setHello(Hello.newBuilder()
                        .setClusterId(clusterId)
                        .setNodeId(localNodeId)
                        .setAddress(listenAddress.getHostString() + ":" + listenAddress.getPort())
                        .setMaxOffsetNanos(maxOffsetNanos))
                .build());
    }

    Frame stamp(Frame frame) {
        return frame.toBuilder().setFromNode(localNodeId).setSentAt(clock.now()).build();
    }

    /**
     * A connection finished the Hello exchange with {@code nodeId}: it becomes the peer's one
     * connection and the queue drains into it. Returns false if it lost a race (a dialed
     * connection that is no longer the current dial); the caller closes it.
     */
    boolean peerConnected(long nodeId, ChannelConnection connection, boolean dialedByUs) {
        Peer peer = peer(nodeId);
        ChannelConnection previous;
        ArrayDeque<Peer.Outgoing> failed = new ArrayDeque<>();
        synchronized (peer) {
            if (closed.get()) {
                return false;
            }
            if (dialedByUs) {
                if (peer.dialing != connection.channel()) {
                    return false;
                }
                peer.dialing = null;
                peer.consecutiveFailures = 0;
            }
            previous = peer.established;
            peer.established = connection;
            for (Peer.Outgoing outgoing : peer.drainLocked()) {
                if (outgoing.call() != null && outgoing.call().future.isDone()) {
                    continue; // Timed out while queued: the caller has already been told.
                }
                ChannelConnection.WriteResult result = connection.write(outgoing.frame(),
                        outgoing.call());
                if (result != ChannelConnection.WriteResult.ACCEPTED) {
                    counters.drop(ChannelConnection.dropReason(result));
                    failed.add(outgoing);
                }
            }
        }
        counters.connectionsEstablished.increment();
        failQueued(failed, TransportException.Reason.OVERLOADED);
        if (previous != null && previous != connection) {
            // The peer redialed (it restarted, or its old connection is half-open): newest wins.
            LOG.log(System.Logger.Level.INFO, "node {0}: replacing connection to {1} with {2}",
                    localNodeId, previous, connection);
            previous.close();
        }
        return true;
    }

    /** Every channel of this transport ends here once, whatever its role and however it closed. */
    void channelClosed(TransportChannelHandler channelHandler) {
        Channel channel = channelHandler.connection().channel();
        calls.failWrittenOn(channel);
        long nodeId = channelHandler.peerNodeIdOrDialTarget();
        if (nodeId == 0) {
            return;
        }
        Peer peer = peers.get(nodeId);
        if (peer == null) {
            return;
        }
        synchronized (peer) {
            if (peer.established != null && peer.established.channel() == channel) {
                peer.established = null;
            }
            if (peer.dialing == channel) {
                peer.dialing = null;
            }
            if (dialsTo(nodeId) && peer.established == null && peer.dialing == null) {
                scheduleRedialLocked(peer);
            }
        }
    }

    // ---- internals ----

    private ChannelConnection.WriteResult writeOrQueue(Peer peer, Peer.Outgoing outgoing) {
        ArrayDeque<Peer.Outgoing> evicted;
        ChannelConnection connection;
        synchronized (peer) {
            connection = peer.established;
            if (connection == null) {
                evicted = peer.enqueueLocked(outgoing, config.maxQueuedFramesPerPeer(),
                        config.writeBufferHighWaterBytes());
            } else {
                evicted = null;
            }
        }
        if (connection != null) {
            // Outside the lock: a failed write completes a call, and the caller's callbacks must
            // not run under our monitor. Order still holds: the queue was drained (on the loop,
            // under the lock) before any thread could see the connection.
            return connection.write(outgoing.frame(), outgoing.call());
        }
        for (int i = 0; i < evicted.size(); i++) {
            counters.drop(DropReason.QUEUE_FULL);
        }
        failQueued(evicted, TransportException.Reason.OVERLOADED);
        return ChannelConnection.WriteResult.ACCEPTED;
    }

    private void failQueued(ArrayDeque<Peer.Outgoing> outgoing, TransportException.Reason reason) {
        for (Peer.Outgoing dropped : outgoing) {
            if (dropped.call() != null) {
                calls.fail(dropped.call(), new TransportException(reason, "request "
                        + dropped.call().requestId + " to node " + dropped.call().peerNodeId
                        + " dropped before it was sent"));
            }
        }
    }

    private void dialLocked(Peer peer) {
        if (closed.get() || peer.address == null || peer.dialing != null
                || peer.established != null || peer.redialScheduled) {
            return;
        }
        Bootstrap bootstrap = dialBootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                initPipeline(channel, peer.nodeId);
                config.tls().secureDialed(channel, peer.address.getHostString(), peer.address.getPort(),
                        config.handshakeTimeout(), counters);
            }
        });
        ChannelFuture connecting;
        try {
            connecting = bootstrap.connect(peer.address);
        } catch (RejectedExecutionException shutDown) {
            return;
        }
        Channel channel = connecting.channel();
        // A connect that failed inline (on this loop thread) has already run channelClosed and
        // scheduled the redial; recording the dead channel as "dialing" would block that redial
        // forever. A close racing from another thread waits for our lock and then sees it.
        if (channel.isOpen()) {
            peer.dialing = channel;
        }
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                LOG.log(System.Logger.Level.DEBUG, "node {0}: dial to node {1} at {2} failed: {3}",
                        localNodeId, peer.nodeId, peer.address, done.cause());
                channel.close();
            }
        });
    }

    private void scheduleRedialLocked(Peer peer) {
        if (closed.get() || peer.redialScheduled || peer.address == null) {
            return;
        }
        long delayNanos = backoffNanos(peer.consecutiveFailures);
        peer.consecutiveFailures = Math.min(peer.consecutiveFailures + 1, 62);
        peer.redialScheduled = true;
        try {
            group.schedule(() -> {
                synchronized (peer) {
                    peer.redialScheduled = false;
                    counters.reconnects.increment();
                    dialLocked(peer);
                }
            }, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shutDown) {
            peer.redialScheduled = false;
        }
    }

    /** min * 2^failures, capped at max; deterministic (one dialer per pair, so no herd to break). */
    long backoffNanos(int failures) {
        long min = config.reconnectBackoffMin().toNanos();
        long max = config.reconnectBackoffMax().toNanos();
        int shift = Math.min(failures, 30);
        long delay = min << shift;
        return (delay <= 0 || delay > max || (delay >> shift) != min) ? max : delay;
    }

    private TransportChannelHandler initPipeline(Channel channel, Long dialTarget) {
        ChannelConnection connection = new ChannelConnection(channel, localNodeId, clock, config,
                counters, calls, heldDrains);
        TransportChannelHandler channelHandler = new TransportChannelHandler(this, connection,
                dialTarget == null ? 0 : dialTarget);
        long idleNanos = config.idleTimeout().toNanos();
        channel.pipeline().addLast(IDLE_HANDLER,
                new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
        FrameCodec.install(channel.pipeline(), config.maxFrameBytes(), counters);
        channel.pipeline().addLast("transport", channelHandler);
        channels.add(channel);
        channel.closeFuture().addListener(ignored -> {
            channels.remove(channel);
            channelClosed(channelHandler);
        });
        if (closed.get()) {
            // Raced with close(): it may have missed this channel in its sweep.
            channel.close();
        }
        return channelHandler;
    }

    private Peer peer(long nodeId) {
        return peers.computeIfAbsent(nodeId, Peer::new);
    }

    private void requirePeerId(long nodeId) {
        Invariants.require(nodeId != 0 && nodeId != localNodeId,
                "node %d cannot address node %d: 0 is reserved for clients and a node does not "
                        + "talk to itself", localNodeId, nodeId);
    }

    private static TransportException.Reason reasonOf(ChannelConnection.WriteResult result) {
        return switch (result) {
            case CLOSED -> TransportException.Reason.CONNECTION_LOST;
            case TOO_LARGE -> TransportException.Reason.TOO_LARGE;
            case BACKPRESSURE -> TransportException.Reason.OVERLOADED;
            case ACCEPTED -> throw new IllegalArgumentException("an accepted write is no failure");
        };
    }

    static WriteBufferWaterMark waterMark(TransportConfig config) {
        int high = (int) Math.min(Integer.MAX_VALUE, config.writeBufferHighWaterBytes());
        return new WriteBufferWaterMark(high / 2, high);
    }
}
